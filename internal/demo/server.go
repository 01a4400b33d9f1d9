// Package demo owns the embedded demo mail server: an in-process IMAP server
// (go-imap/v2 imapserver + imapmemserver) and an SMTP submission server
// (go-smtp, AUTH PLAIN) on loopback, seeded with realistic Vietnamese official
// mail for a personal and an agency mailbox of Sở Thông tin và Truyền thông
// tỉnh Hà Nam. Mail between the demo accounts is delivered; mail to any other
// address is captured in memory and never leaves the process.
//
// It must not listen on anything but loopback, touch the network beyond its
// own listeners, persist anything, or import Fyne or other engine packages.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/failure"
)

// Domain is the mail domain of the demo accounts (HN 5: @hanam.gov.vn).
const Domain = "hanam.gov.vn"

// maxMessageBytes bounds one SMTP message: 20 MB of attachments (R5, HN 8.1.b)
// grow by a third in base64, plus headers and text.
const maxMessageBytes = 28 << 20

// Options configures Start. The zero value is a seeded server on random
// loopback ports anchored at the current time.
type Options struct {
	// Now anchors the seed corpus: its mails lie in the two weeks before Now.
	// Zero means time.Now().
	Now time.Time
	// Clock stamps SMTP deliveries (Received header, INTERNALDATE). Nil means
	// time.Now.
	Clock func() time.Time
	// IMAPAddr and SMTPAddr are the listen addresses; "" means 127.0.0.1:0
	// (a random port). Only loopback hosts are accepted.
	IMAPAddr, SMTPAddr string
	// Empty skips the seed corpus: accounts start with empty folders.
	Empty bool
	// Debug, when set, receives the raw IMAP and SMTP traffic. It includes the
	// demo passwords (AUTH PLAIN, LOGIN); never point it at a shared log.
	Debug io.Writer
	// ErrorLog receives server-side connection errors. Nil discards them.
	ErrorLog *log.Logger
}

// Account is one demo mailbox with its login and signature fields (R3, LA 14.7).
type Account struct {
	Name     string // short account name for the client's configuration
	Email    string
	Username string // IMAP and SMTP login
	Password string // satisfies the HN 8.2 password rule
	Shared   bool   // the agency's shared mailbox (R8)
	Display  string // display name used in From headers

	Title   string // chức danh
	Agency  string
	Address string
	Phone   string // agency phone
	Mobile  string
	Fax     string
	Website string
}

// Delivery is one message the SMTP server put into a demo account's INBOX.
type Delivery struct {
	Account   string // Account.Name
	Recipient string
	From      string // envelope sender
	Data      []byte // as stored, with the Received header
	At        time.Time
}

// OutsideMail is one message accepted for addresses outside the demo
// accounts. It was never sent anywhere.
type OutsideMail struct {
	From string
	To   []string // only the outside recipients
	Data []byte
	At   time.Time
}

// Server is a running demo mail server. Its methods are safe for concurrent use.
type Server struct {
	// IMAPAddr and SMTPAddr are the host:port the servers listen on.
	IMAPAddr, SMTPAddr string
	// Accounts are the demo mailboxes; the first is personal, the second the
	// agency's shared mailbox.
	Accounts []Account

	clock    func() time.Time
	mem      *imapmemserver.Server
	users    map[string]*demoUser // by lower-case username and email
	imapSrv  *imapserver.Server
	smtpSrv  *smtp.Server
	lns      []net.Listener
	done     chan struct{}
	wg       sync.WaitGroup
	closeErr error
	once     sync.Once

	mu        sync.Mutex
	delivered []Delivery
	outside   []OutsideMail
	seq       int
}

// demoUser joins an account to its imapmemserver user and folder registry.
type demoUser struct {
	acct    Account
	mem     *imapmemserver.User
	folders *folderRegistry
}

// DefaultAccounts returns the two demo mailboxes: a chuyên viên of Sở TT&TT
// Hà Nam and the agency's shared mailbox, following the HN 5 address formats.
func DefaultAccounts() []Account {
	const (
		agency  = "Sở Thông tin và Truyền thông tỉnh Hà Nam"
		address = "Số 1 đường Lê Hoàn, phường Quang Trung, thành phố Phủ Lý, tỉnh Hà Nam"
		website = "https://stttt.hanam.gov.vn"
	)
	return []Account{{
		Name:     "thanhha",
		Email:    "nguyenthithanhha@" + Domain,
		Username: "nguyenthithanhha@" + Domain,
		Password: "Demo@2025Ha",
		Display:  "Nguyễn Thị Thanh Hà",
		Title:    "Chuyên viên Phòng Bưu chính, Viễn thông và Công nghệ thông tin",
		Agency:   agency,
		Address:  address,
		Phone:    "0226.385 2701",
		Mobile:   "0912 468 235",
		Fax:      "0226.385 2700",
		Website:  website,
	}, {
		Name:     "stttt",
		Email:    "stttt@" + Domain,
		Username: "stttt@" + Domain,
		Password: "Demo@2025Sttt",
		Shared:   true,
		Display:  agency,
		Title:    "Văn thư cơ quan",
		Agency:   agency,
		Address:  address,
		Phone:    "0226.385 2699",
		Fax:      "0226.385 2700",
		Website:  website,
	}}
}

// Start seeds the accounts and starts the IMAP and SMTP servers. The servers
// stop when ctx is done or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	errLog := opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}

	s := &Server{
		Accounts: DefaultAccounts(),
		clock:    clock,
		mem:      imapmemserver.New(),
		users:    make(map[string]*demoUser),
		done:     make(chan struct{}),
	}
	for _, a := range s.Accounts {
		u := &demoUser{acct: a, mem: imapmemserver.NewUser(a.Username, a.Password), folders: newFolderRegistry()}
		for _, f := range standardFolders {
			if err := u.create(f.name, f.attrs); err != nil {
				return nil, fmt.Errorf("demo: create %s/%s: %w", a.Name, f.name, err)
			}
		}
		s.mem.AddUser(u.mem)
		s.users[strings.ToLower(a.Username)] = u
		s.users[strings.ToLower(a.Email)] = u
	}
	if !opts.Empty {
		if err := s.seed(now); err != nil {
			return nil, err
		}
	}

	imapLn, err := listenLoopback(opts.IMAPAddr)
	if err != nil {
		return nil, fmt.Errorf("demo: imap: %w", err)
	}
	smtpLn, err := listenLoopback(opts.SMTPAddr)
	if err != nil {
		imapLn.Close()
		return nil, fmt.Errorf("demo: smtp: %w", err)
	}
	s.lns = []net.Listener{imapLn, smtpLn}
	s.IMAPAddr = imapLn.Addr().String()
	s.SMTPAddr = smtpLn.Addr().String()

	s.imapSrv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{srv: s}, &imapserver.GreetingData{}, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1:        {},
			imap.CapIMAP4rev2:        {},
			imap.CapSpecialUse:       {},
			imap.CapCreateSpecialUse: {},
			imap.CapLiteralPlus:      {},
			imap.CapUnauthenticate:   {},
		},
		Logger:       errLog,
		InsecureAuth: true, // loopback only, see listenLoopback
		DebugWriter:  opts.Debug,
	})

	s.smtpSrv = smtp.NewServer(&smtpBackend{srv: s})
	s.smtpSrv.Domain = "mail." + Domain
	s.smtpSrv.AllowInsecureAuth = true // loopback only, see listenLoopback
	s.smtpSrv.MaxMessageBytes = maxMessageBytes
	s.smtpSrv.MaxRecipients = 200
	s.smtpSrv.ReadTimeout = 5 * time.Minute
	s.smtpSrv.WriteTimeout = time.Minute
	s.smtpSrv.ErrorLog = errLog
	s.smtpSrv.Debug = opts.Debug

	s.wg.Add(3)
	go func() {
		defer s.wg.Done()
		_ = s.imapSrv.Serve(imapLn) // returns when closed
	}()
	go func() {
		defer s.wg.Done()
		_ = s.smtpSrv.Serve(smtpLn) // returns when closed
	}()
	go func() {
		defer s.wg.Done()
		select {
		case <-ctx.Done():
			go s.Close() // Close waits for this goroutine
		case <-s.done:
		}
	}()
	return s, nil
}

// listenLoopback listens on addr, which must name a loopback host: the demo
// speaks plaintext and must never be reachable from the network.
func listenLoopback(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", addr, failure.ErrUsage)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("listen %q: not a loopback address: %w", addr, failure.ErrUsage)
	}
	if host == "localhost" {
		addr = net.JoinHostPort("127.0.0.1", addr[strings.LastIndex(addr, ":")+1:])
	}
	return net.Listen("tcp", addr)
}

// Close stops both servers and drops open connections. It is safe to call
// more than once.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.done)
		imapErr := s.imapSrv.Close()
		smtpErr := s.smtpSrv.Close()
		// A Serve that had not registered its listener yet when the servers
		// closed would accept forever: close the listeners here too.
		for _, ln := range s.lns {
			_ = ln.Close() // already closed in the usual case
		}
		s.wg.Wait()
		s.closeErr = errors.Join(imapErr, smtpErr)
	})
	return s.closeErr
}

// Account returns the demo account with the given name, email or username.
func (s *Server) Account(key string) (Account, bool) {
	for _, a := range s.Accounts {
		if strings.EqualFold(a.Name, key) || strings.EqualFold(a.Email, key) || strings.EqualFold(a.Username, key) {
			return a, true
		}
	}
	return Account{}, false
}

// Delivered returns a copy of every delivery into a demo INBOX so far.
func (s *Server) Delivered() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.delivered)
}

// Outside returns a copy of every message accepted for outside addresses.
func (s *Server) Outside() []OutsideMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outside)
}

// userFor finds the demo user for a login name or address.
func (s *Server) userFor(name string) *demoUser {
	return s.users[strings.ToLower(strings.TrimSpace(name))]
}
