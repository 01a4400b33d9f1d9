package imapsync

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// memServer is a fast in-memory peer for unit tests; the Dovecot tests
// beside these cover the real server.
type memServer struct {
	addr string
	user *imapmemserver.User
}

func startMem(t *testing.T) *memServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("hanv@hanam.gov.vn", "Mk@2026abc")
	for _, name := range []string{"INBOX", "Sent", "Lưu trữ"} {
		if err := user.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &memServer{addr: ln.Addr().String(), user: user}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

func (m *memServer) account() model.Account {
	host, port, _ := net.SplitHostPort(m.addr)
	p, _ := strconv.Atoi(port)
	return model.Account{Name: "canhan", Email: "hanv@hanam.gov.vn", Username: "hanv@hanam.gov.vn",
		IMAP: model.Server{Host: host, Port: p, Security: model.SecurityNone}}
}

func (m *memServer) client(t *testing.T) *imapclient.Client {
	c, err := imapclient.DialInsecure(m.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("hanv@hanam.gov.vn", "Mk@2026abc").Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func mailText(i int, subject string, attach string) string {
	body := "Kính gửi các đơn vị,\r\nĐề nghị thực hiện văn bản số " + strconv.Itoa(i) + ".\r\n"
	if attach == "" {
		return fmt.Sprintf("From: =?UTF-8?B?VsSDbiBwaMOybmc=?= <vp@hanam.gov.vn>\r\nTo: hanv@hanam.gov.vn\r\n"+
			"Subject: %s\r\nMessage-ID: <m%d@hanam.gov.vn>\r\nDate: Mon, 2 Nov 2026 08:%02d:00 +0700\r\n"+
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s", subject, i, i%60, body)
	}
	return fmt.Sprintf("From: vp@hanam.gov.vn\r\nTo: hanv@hanam.gov.vn\r\nSubject: %s\r\nMessage-ID: <m%d@hanam.gov.vn>\r\n"+
		"Date: Mon, 2 Nov 2026 09:%02d:00 +0700\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--b\r\nContent-Type: application/pdf\r\n"+
		"Content-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
		subject, i, i%60, body, attach)
}

func appendMail(t *testing.T, c *imapclient.Client, mailbox, text string, flags ...imap.Flag) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(text)), &imap.AppendOptions{Flags: flags})
	cmd.Write([]byte(text))
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func newSyncer(t *testing.T, m *memServer, opts *Options) *Syncer {
	st, err := store.Open(filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opts == nil {
		opts = &Options{}
	}
	return &Syncer{Account: m.account(), Store: st, Opts: opts, Password: func() (string, error) { return "Mk@2026abc", nil }}
}

func syncOnce(t *testing.T, s *Syncer) Summary {
	t.Helper()
	ctx := context.Background()
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sum, err := s.SyncOnce(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestSyncNewFlagsExpunge(t *testing.T) {
	ctx := context.Background()
	m := startMem(t)
	c := m.client(t)
	appendMail(t, c, "INBOX", mailText(1, "Giấy mời họp giao ban tháng 11", "giay moi.pdf"))
	appendMail(t, c, "INBOX", mailText(2, "Báo cáo chuyển đổi số", ""), imap.FlagSeen)
	appendMail(t, c, "Lưu trữ", mailText(3, "Kế hoạch năm 2027", ""))
	s := newSyncer(t, m, nil)

	sum := syncOnce(t, s)
	if sum.Folders != 3 || sum.Messages != 3 || sum.New != 3 {
		t.Fatalf("first pass: %+v", sum)
	}
	list, _ := s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, true, 0, 10)
	if len(list) != 2 || list[0].Subject != "Giấy mời họp giao ban tháng 11" || !list[0].HasAttachments || !list[0].Document {
		t.Fatalf("inbox after first pass: %+v", list)
	}
	if list[1].From.Name != "Văn phòng" || !list[1].Seen {
		t.Fatalf("RFC 2047 sender or flags lost: %+v", list[1])
	}

	// Server-side changes: a new mail, a flag, an expunge.
	appendMail(t, c, "INBOX", mailText(4, "Công văn mới", ""))
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged, imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	sum = syncOnce(t, s)
	if sum.Messages != 3 || sum.New != 1 {
		t.Fatalf("second pass: %+v", sum)
	}
	list, _ = s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, true, 0, 10)
	if len(list) != 2 {
		t.Fatalf("expunged message kept: %+v", list)
	}
	for _, msg := range list {
		if msg.UID == 1 && !(msg.Flagged && msg.Seen) {
			t.Fatalf("flags not refreshed: %+v", msg)
		}
		if msg.UID == 2 {
			t.Fatal("expunged message 2 still stored")
		}
	}
	if hits, _ := s.Store.Search(ctx, "cong van moi", "", 5); len(hits) != 1 {
		t.Fatalf("search after sync: %+v", hits)
	}
}

func TestInterruptedSyncResumesWithoutDuplicates(t *testing.T) {
	ctx := context.Background()
	m := startMem(t)
	c := m.client(t)
	for i := 1; i <= 25; i++ {
		appendMail(t, c, "INBOX", mailText(i, "Văn bản "+strconv.Itoa(i), ""))
	}
	cctx, cancel := context.WithCancel(ctx)
	s := newSyncer(t, m, &Options{BatchSize: 5, Progress: func(p Progress) {
		if p.Stage == "envelopes" && p.Done >= 10 {
			cancel() // cut off after two committed batches
		}
	}})
	conn, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(cctx, conn); err == nil {
		t.Fatal("cut-off sync reported success")
	}
	conn.Close()
	n, _ := s.Store.CountMessages(ctx, "canhan", "INBOX")
	if n < 10 || n >= 25 {
		t.Fatalf("after cut-off: %d stored, want a partial batch set", n)
	}
	s.Opts.Progress = nil
	sum := syncOnce(t, s)
	if sum.Messages != 28-3 {
		t.Fatalf("resume: %+v", sum)
	}
	uids, _ := s.Store.FolderUIDs(ctx, mustFolder(t, s, "INBOX"))
	if len(uids) != 25 {
		t.Fatalf("resume stored %d, want 25", len(uids))
	}
	for i, u := range uids {
		if u != uint32(i+1) {
			t.Fatalf("UIDs after resume: %v", uids)
		}
	}
}

func mustFolder(t *testing.T, s *Syncer, name string) int64 {
	states, err := s.Store.FolderStates(context.Background(), s.Account.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range states {
		if f.Name == name {
			return f.ID
		}
	}
	t.Fatalf("no folder %s", name)
	return 0
}

func TestUIDValidityChangeReplacesFolder(t *testing.T) {
	ctx := context.Background()
	m := startMem(t)
	c := m.client(t)
	appendMail(t, c, "Lưu trữ", mailText(1, "Cũ một", ""))
	appendMail(t, c, "Lưu trữ", mailText(2, "Cũ hai", ""))
	s := newSyncer(t, m, nil)
	syncOnce(t, s)
	if err := c.Delete("Lưu trữ").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Lưu trữ", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendMail(t, c, "Lưu trữ", mailText(3, "Mới sau khi đổi", ""))
	syncOnce(t, s)
	list, _ := s.Store.Messages(ctx, "canhan", "Lưu trữ", store.SortDate, true, 0, 10)
	if len(list) != 1 || list[0].Subject != "Mới sau khi đổi" {
		t.Fatalf("after UIDVALIDITY change: %+v", list)
	}
}

func TestWrongPasswordAndUnreachable(t *testing.T) {
	ctx := context.Background()
	m := startMem(t)
	if _, err := Dial(ctx, m.account(), "sai-mat-khau", nil, nil); !errors.Is(err, failure.ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	a := m.account()
	a.IMAP.Port, _ = strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	if _, err := Dial(ctx, a, "x", nil, nil); !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("closed port: %v", err)
	}
	a.IMAP.Host = "mail.hanam.gov.vn"
	if _, err := Dial(ctx, a, "x", nil, nil); !errors.Is(err, failure.ErrBlocked) {
		t.Fatalf("plaintext to a remote host: %v", err)
	}
}

// A server that greets and then never answers must not hang the client.
func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.Write([]byte("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"))
				r := bufio.NewReader(conn)
				for {
					if _, err := r.ReadString('\n'); err != nil {
						return
					}
				}
			}()
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	a := model.Account{Name: "x", Email: "a@b.vn", IMAP: model.Server{Host: host, Port: p, Security: model.SecurityNone}}
	start := time.Now()
	_, err = Dial(context.Background(), a, "pw", &Options{Timeout: 300 * time.Millisecond}, nil)
	if !errors.Is(err, failure.ErrUnreachable) || !strings.Contains(err.Error(), "stopped answering") {
		t.Fatalf("silent server: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("watchdog took %s", time.Since(start))
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
