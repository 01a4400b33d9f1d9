package app

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/remind"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

func hostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

// runningDuty is the duty of an account, or nil.
func runningDuty(s *Services, name string) *duty {
	s.duties.mu.Lock()
	defer s.duties.mu.Unlock()
	return s.duties.accounts[name]
}

// First run: the client starts with no account; the account the setup
// wizard adds syncs and acknowledges a document delivered afterwards (R2)
// with no restart; once removed, its loop ends.
func TestDutiesFollowTheAccounts(t *testing.T) {
	const (
		agency, agencyPass = "vanthu@hanam.gov.vn", "Vt#2026-van-thu"
		stc, stcPass       = "stc@hanam.gov.vn", "Stc#2026-abcd"
	)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, stc: stcPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s := New(e, home)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		s.duties.Stop()
	})
	s.Run(ctx)
	s.StartReminders(&captured{}, remind.SystemClock{})
	if got := s.duties.Running(); len(got) != 0 {
		t.Fatalf("duties without an account: %v", got)
	}

	ih, ip := hostPort(t, d.IMAPSAddr)
	sh, sp := hostPort(t, p.SubmissionsAddr)
	a := model.Account{Name: "vanthu", Email: agency, Username: agency, Profile: "hanam", Shared: true,
		IMAP:              model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: sh, Port: sp, Security: model.SecurityImplicit},
		TrustedCertSHA256: d.CertSHA256 + "," + p.CertSHA256,
		Added:             time.Now().Add(-time.Hour),
		Signature: model.Signature{Name: "Trần Thị Mai", Title: "Văn thư", Agency: "Sở Thông tin và Truyền thông tỉnh Hà Nam",
			Address: "Số 2 Lý Thường Kiệt, Phủ Lý", Phone: "0226.3852.701", Email: agency}}
	if err := s.AddAccount(a, agencyPass); err != nil {
		t.Fatal(err)
	}
	if got := s.duties.Running(); strings.Join(got, ",") != "vanthu" {
		t.Fatalf("duties after the setup wizard: %v", got)
	}
	s.duties.mu.Lock()
	reminding := s.duties.remind != nil
	s.duties.mu.Unlock()
	if !reminding {
		t.Fatal("no reminders for the first account")
	}

	msgID := fmt.Sprintf("<%d.cv15@hanam.gov.vn>", time.Now().UnixNano())
	raw := "From: Sở Tài chính <" + stc + ">\r\nTo: " + agency + "\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_15/STC-NS?=\r\n" +
		"Message-ID: " + msgID + "\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv15.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
	if err := d.DeliverEnvelope(stc, []string{agency}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	// The acknowledgement reaches the sender's mailbox through Postfix.
	d.WaitMessages(t, stc, "INBOX", 1)
	if _, ok := e.AckedAt(ctx, "vanthu", strings.Trim(msgID, "<>")); !ok {
		t.Fatal("the document is not in the acknowledgement ledger")
	}

	// The duty also registered it: số đến 1 (R8, HN 9.2).
	deadline := time.Now().Add(30 * time.Second)
	for {
		rows, err := e.Store.RegisterRows(ctx, store.RegisterFilter{Account: "vanthu"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && rows[0].Number == 1 && rows[0].MessageID == strings.Trim(msgID, "<>") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the duty did not register the document: %+v", rows)
		}
		time.Sleep(50 * time.Millisecond)
	}

	loop := runningDuty(s, "vanthu")
	if err := s.RemoveAccount("vanthu"); err != nil {
		t.Fatal(err)
	}
	loop.wait() // the account's sync, acknowledgement and outbox loop ended
	if got := s.duties.Running(); len(got) != 0 {
		t.Fatalf("duties after removing the account: %v", got)
	}
	s.duties.mu.Lock()
	reminding = s.duties.remind != nil
	s.duties.mu.Unlock()
	if reminding {
		t.Fatal("reminders run with no account")
	}
}

// New check times restart the reminders at once (R1); other settings
// leave them running.
func TestRemindersRestartOnNewCheckTimes(t *testing.T) {
	s := newServices(t)
	s.E.Config.Accounts[0].IMAP = model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		s.duties.Stop()
	})
	s.Run(ctx)
	s.StartReminders(&captured{}, &fakeClock{time.Date(2026, 11, 23, 7, 0, 0, 0, remind.Vietnam)})
	current := func() *duty {
		s.duties.mu.Lock()
		defer s.duties.mu.Unlock()
		return s.duties.remind
	}
	first := current()
	if first == nil {
		t.Fatal("no reminders")
	}
	st := s.Settings()
	st.ReadReceipts = "never"
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	if current() != first {
		t.Fatal("reminders restarted for a setting they do not use")
	}
	st.CheckTimes = []string{"08:15", "14:00"}
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	first.wait()
	if next := current(); next == nil || next == first || !strings.HasSuffix(next.key, "08:15,14:00") {
		t.Fatalf("reminders after new check times: %+v", next)
	}
}
