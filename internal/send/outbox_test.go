package send

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// memBackend is a fast in-memory SMTP peer; the Postfix tests in package
// engine cover the real server.
type memBackend struct {
	mu       sync.Mutex
	received [][]byte
	answer   *smtp.SMTPError            // returned at RCPT when set
	answers  map[string]*smtp.SMTPError // returned at RCPT for one recipient
}

func (b *memBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &memSession{b: b}, nil }

type memSession struct{ b *memBackend }

func (s *memSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *memSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.answer != nil {
		return s.b.answer
	}
	if a := s.b.answers[to]; a != nil {
		return a
	}
	return nil
}
func (s *memSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.received = append(s.b.received, data)
	s.b.mu.Unlock()
	return err
}
func (s *memSession) Reset()        {}
func (s *memSession) Logout() error { return nil }

func startSMTP(t *testing.T) (*memBackend, model.Account) { return startSMTPB(t) }

func startSMTPB(t testing.TB) (*memBackend, model.Account) {
	be := &memBackend{}
	srv := smtp.NewServer(be)
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return be, model.Account{Name: "a", Email: "a@hanam.gov.vn", SMTP: model.Server{Host: host, Port: p, Security: model.SecurityNone}}
}

func openOutbox(t *testing.T) *Outbox { return openOutboxB(t) }

func openOutboxB(t testing.TB) *Outbox {
	return openOutboxAt(t, filepath.Join(t.TempDir(), "mail.db"))
}

// openOutboxAt opens the outbox of the store at path over its own
// connections, as another process would.
func openOutboxAt(t testing.TB, path string) *Outbox {
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ob, err := OpenOutbox(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	return ob
}

func sender(a model.Account, appended *int) Sender {
	return Sender{Account: a, Password: func() (string, error) { return "x", nil },
		AppendSent: func(context.Context, []byte) error { *appended++; return nil }}
}

func TestOutboxDeliversAndBacksOff(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	ob := openOutbox(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob.now = func() time.Time { return now }
	appended := 0

	be.answer = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "greylisted"}
	id, err := ob.Queue(ctx, Envelope{Account: "a", From: a.Email, To: []string{"b@hanam.gov.vn"}, Subject: "Công văn"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := ob.Flush(ctx, sender(a, &appended))
	if !errors.Is(err, ErrTemporary) || res.Deferred != 1 {
		t.Fatalf("4xx: %+v %v", res, err)
	}
	it, _ := ob.Item(ctx, id)
	if it.State != StateQueued || it.Attempts != 1 || !it.NextAttempt.After(now) || it.NextAttempt.After(now.Add(time.Minute)) {
		t.Fatalf("after the first 4xx: %+v", it)
	}
	// Not due yet: nothing is tried.
	if res, _ := ob.Flush(ctx, sender(a, &appended)); res.Deferred+res.Sent != 0 {
		t.Fatalf("flushed before its time: %+v", res)
	}
	now = now.Add(2 * time.Minute)
	ob.Flush(ctx, sender(a, &appended))
	it, _ = ob.Item(ctx, id)
	if it.Attempts != 2 || it.NextAttempt.Sub(now) < 30*time.Second {
		t.Fatalf("backoff did not grow: %+v", it)
	}
	be.answer = nil
	now = now.Add(time.Hour)
	if res, err := ob.Flush(ctx, sender(a, &appended)); err != nil || res.Sent != 1 {
		t.Fatalf("after the server recovered: %+v %v", res, err)
	}
	if len(be.received) != 1 || appended != 1 {
		t.Fatalf("delivered %d, filed %d", len(be.received), appended)
	}
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("outbox not empty: %+v", items)
	}
}

func TestOutboxGivesUpAfterLifetime(t *testing.T) {
	ctx := context.Background()
	_, a := startSMTP(t)
	a.SMTP.Port = 1 // nothing listens: a network failure
	ob := openOutbox(t)
	start := time.Now()
	ob.now = func() time.Time { return start }
	id, _ := ob.Queue(ctx, Envelope{Account: "a", From: a.Email, To: []string{"b@hanam.gov.vn"}}, []byte("x"))
	appended := 0
	if _, err := ob.Flush(ctx, sender(a, &appended)); !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("network failure: %v", err)
	}
	ob.now = func() time.Time { return start.Add(Lifetime + time.Hour) }
	ob.Flush(ctx, sender(a, &appended))
	if it, _ := ob.Item(ctx, id); it.State != StateFailed {
		t.Fatalf("after the lifetime: %+v", it)
	}
}

func TestClassify(t *testing.T) {
	if err := classify(&smtp.SMTPError{Code: 550, Message: "no such user"}); !errors.Is(err, ErrRejected) {
		t.Fatalf("5xx: %v", err)
	}
	if err := classify(&smtp.SMTPError{Code: 452, Message: "full"}); !errors.Is(err, ErrTemporary) {
		t.Fatalf("4xx: %v", err)
	}
	if err := classify(io.EOF); !errors.Is(err, ErrTemporary) || !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("EOF: %v", err)
	}
}
