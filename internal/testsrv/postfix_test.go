package testsrv

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// submit sends one message over submission as user; implicit selects the
// implicit-TLS port.
func submit(p *Postfix, implicit bool, cfg *tls.Config, user, pw, from string, to []string, raw string) error {
	var c *smtp.Client
	var err error
	if implicit {
		c, err = smtp.DialTLS(p.SubmissionsAddr, cfg)
	} else {
		c, err = smtp.DialStartTLS(p.SubmissionAddr, cfg)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pw)); err != nil {
			return err
		}
	}
	return c.SendMail(from, to, strings.NewReader(raw))
}

func testMail(from, to, subject string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: =?UTF-8?Q?%s?=\r\nMessage-ID: <%s@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi: Lãnh đạo.\r\n",
		from, to, qEncode(subject), strings.ReplaceAll(subject, " ", "."))
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// TestPostfixSubmitAndRead proves SASL through Dovecot and LMTP delivery:
// officer A sends, officer B reads the mail over IMAP.
func TestPostfixSubmitAndRead(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d)
	tests := []struct {
		name     string
		implicit bool
		cfg      *tls.Config
	}{
		{"starttls pinned", false, pinned(p.CertSHA256)},
		{"implicit tls trusted", true, p.TLSConfig()},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject := fmt.Sprintf("Giấy mời họp số %d", i)
			if err := submit(p, tt.implicit, tt.cfg, vanthu, vanthuPW, vanthu, []string{lanhdao}, testMail(vanthu, lanhdao, subject)); err != nil {
				t.Fatalf("submit: %v\n%s", err, p.LogTail())
			}
			d.WaitMessages(t, lanhdao, "INBOX", i+1)
			c := login(t, d, lanhdao, ldPW)
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			msgs, err := c.Fetch(imap.SeqSetNum(uint32(i+1)), &imap.FetchOptions{Envelope: true}).Collect()
			if err != nil || len(msgs) != 1 {
				t.Fatalf("fetch: %v (%d)", err, len(msgs))
			}
			if got := msgs[0].Envelope.Subject; got != subject {
				t.Errorf("subject = %q, want %q", got, subject)
			}
		})
	}
}

func TestPostfixRefusals(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d)
	cfg := p.TLSConfig()
	tests := []struct {
		name     string
		setup    func()
		user, pw string
		to       string
		wantCode int
	}{
		{"ok", func() {}, vanthu, vanthuPW, lanhdao, 0},
		{"wrong password", func() {}, vanthu, "sai", lanhdao, 535},
		{"no auth", func() {}, "", "", lanhdao, 554},
		{"unknown local user", func() {}, vanthu, vanthuPW, "khongco@hanam.gov.vn", 550},
		{"address with detail", func() {}, vanthu, vanthuPW, "lanhdao+hop@hanam.gov.vn", 0},
		{"greylisted once", func() { p.Greylist(1) }, vanthu, vanthuPW, lanhdao, 450},
		{"after greylist", func() {}, vanthu, vanthuPW, lanhdao, 0},
		{"greylist on", func() { p.SetGreylist(true) }, vanthu, vanthuPW, lanhdao, 450},
		{"rejected address", func() { p.ClearFaults(); p.Reject(lanhdao) }, vanthu, vanthuPW, lanhdao, 550},
		{"faults cleared", func() { p.ClearFaults() }, vanthu, vanthuPW, lanhdao, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			err := submit(p, false, cfg, tt.user, tt.pw, vanthu, []string{tt.to}, testMail(vanthu, tt.to, tt.name))
			if got := smtpCode(err); got != tt.wantCode || (tt.wantCode == 0 && err != nil) {
				t.Fatalf("err = %v (code %d), want code %d", err, got, tt.wantCode)
			}
		})
	}
	if got := p.Greylisted(); got != 2 {
		t.Errorf("Greylisted() = %d, want 2", got)
	}
	d.WaitMessages(t, lanhdao, "INBOX", 4)
}

func TestPostfixAuthNeedsTLS(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d)
	c, err := smtp.Dial(p.SubmissionAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Error("STARTTLS not offered")
	}
}

// TestPostfixStopStart: while stopped, Postfix refuses connections (a
// client must keep the mail queued); started again, it accepts on the same
// ports.
func TestPostfixStopStart(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d)
	subAddr, subsAddr := p.SubmissionAddr, p.SubmissionsAddr
	p.Stop()
	mail := testMail(vanthu, lanhdao, "Sau khởi động lại")
	if err := submit(p, false, p.TLSConfig(), vanthu, vanthuPW, vanthu, []string{lanhdao}, mail); err == nil {
		t.Fatal("submission accepted while Postfix is stopped")
	}
	p.Start(t)
	if p.SubmissionAddr != subAddr || p.SubmissionsAddr != subsAddr {
		t.Fatalf("addresses changed: %s %s → %s %s", subAddr, subsAddr, p.SubmissionAddr, p.SubmissionsAddr)
	}
	if err := submit(p, true, p.TLSConfig(), vanthu, vanthuPW, vanthu, []string{lanhdao}, mail); err != nil {
		t.Fatalf("submit after restart: %v\n%s", err, p.LogTail())
	}
	d.WaitMessages(t, lanhdao, "INBOX", 1)
	// The queue manager removes the queue file just after LMTP reports
	// success, so the queue drains a moment after the mail is in the box.
	deadline := time.Now().Add(10 * time.Second)
	for p.Queued() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := p.Queued(); n != 0 {
		t.Errorf("Queued() = %d 10 s after delivery\n%s", n, p.LogTail())
	}
}

// TestPostfixExternalRefused: nothing leaves the machine; a recipient
// outside the test domains is refused at RCPT with 550.
func TestPostfixExternalRefused(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d, PostfixOptions{Domains: []string{"bentre.gov.vn"}})
	d.AddUser(t, "vanthu@bentre.gov.vn", "x")
	tests := []struct {
		to   string
		code int
	}{
		{"ai.do@gmail.com", 550},
		{"vanthu@bentre.gov.vn", 0},
	}
	for _, tt := range tests {
		err := submit(p, false, p.TLSConfig(), vanthu, vanthuPW, vanthu, []string{tt.to}, testMail(vanthu, tt.to, "Ra ngoài"))
		if got := smtpCode(err); got != tt.code || (tt.code == 0 && err != nil) {
			t.Errorf("to %s: err = %v, want code %d", tt.to, err, tt.code)
		}
	}
	d.WaitMessages(t, "vanthu@bentre.gov.vn", "INBOX", 1)
}
