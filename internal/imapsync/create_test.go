package imapsync

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// Creating a folder that another client made meanwhile, or one of
// Dovecot's "auto" folders, succeeds; a new folder gets its role.
func TestDovecotEnsureFolder(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	a := dovecotAccount(d, true)
	c, err := Dial(ctx, a, passHa, &Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	other, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Login(userHa, passHa).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := other.Create("Lưu trữ 2025", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Lưu trữ 2025", nil).Wait(); !HasCode(err, imap.ResponseCodeAlreadyExists) {
		t.Fatalf("Dovecot's answer to a second CREATE: %v", err)
	}
	for _, name := range []string{"Lưu trữ 2025", "Sent", "Sent", "Thư đã gửi"} {
		if err := c.EnsureFolder(ctx, name, model.RoleSent); err != nil {
			t.Fatalf("ensure %s: %v", name, err)
		}
	}
	list, err := other.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	made := false
	for _, l := range list {
		if l.Mailbox == "Thư đã gửi" {
			made = true
		}
	}
	if !made {
		t.Fatalf("folder not created: %+v", list)
	}
}

// racingSession answers the first SELECT as Dovecot does when a new
// account's INBOX is created on first use by a delivery and a SELECT at once.
type racingSession struct {
	imapserver.Session
	races *atomic.Int32
}

func (s *racingSession) Select(name string, opts *imap.SelectOptions) (*imap.SelectData, error) {
	if s.races.Add(-1) >= 0 {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "Mailbox already exists"}
	}
	return s.Session.Select(name, opts)
}

// A new account's first sync meets that answer: it selects again and syncs.
func TestFirstSyncSelectsAgainAfterAlreadyExists(t *testing.T) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("hanv@hanam.gov.vn", "Mk@2026abc")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := user.Append("INBOX", bytes.NewReader([]byte("Subject: Chào mừng\r\n\r\nx\r\n")), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	races := &atomic.Int32{}
	races.Store(1)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &racingSession{Session: mem.NewSession(), races: races}, nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, InsecureAuth: true, Logger: nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	m := &memServer{addr: ln.Addr().String(), user: user}
	a := m.account()
	s := dovecotSyncer(t, a, nil)
	s.Password = func() (string, error) { return "Mk@2026abc", nil }
	c, err := s.Connect(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sum, err := s.SyncOnce(context.Background(), c)
	if err != nil || sum.Messages != 1 || races.Load() >= 0 {
		t.Fatalf("first sync: %+v %v (races left %d)", sum, err, races.Load())
	}
}
