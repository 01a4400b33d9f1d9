package demo

import (
	"context"
	"errors"
	"mime"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/text/unicode/norm"

	"thucongvu/internal/failure"
)

// testNow is a Wednesday morning, Vietnam time.
var testNow = time.Date(2025, 7, 16, 10, 30, 0, 0, ict)

func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	s, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dialIMAP(t *testing.T, s *Server, a Account) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.IMAPAddr, &imapclient.Options{
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
	})
	if err != nil {
		t.Fatalf("dial IMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(a.Username, a.Password).Wait(); err != nil {
		t.Fatalf("login %s: %v", a.Name, err)
	}
	return c
}

// testCorpus renders the corpus at testNow once; rendering embeds fonts in
// every PDF and is the slow part of these tests.
var testCorpus = sync.OnceValue(func() []SeedMessage { return Messages(testNow) })

func seedCount(_ time.Time, account, mailbox string) int {
	n := 0
	for _, m := range testCorpus() {
		if m.Account == account && m.Mailbox == mailbox {
			n++
		}
	}
	return n
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s, err := Start(b.Context(), Options{Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func TestAccounts(t *testing.T) {
	s := startServer(t, Options{Empty: true})
	if len(s.Accounts) < 2 || s.Accounts[0].Shared || !s.Accounts[1].Shared {
		t.Fatalf("want a personal then a shared account, got %+v", s.Accounts)
	}
	for _, a := range s.Accounts {
		// HN 5 address formats; HN 8.2 password rule (≥8, upper, lower, digit, special).
		if !strings.HasSuffix(a.Email, "@hanam.gov.vn") {
			t.Errorf("%s: address %q not @hanam.gov.vn", a.Name, a.Email)
		}
		pw := a.Password
		if len(pw) < 8 || !strings.ContainsAny(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") || !strings.ContainsAny(pw, "abcdefghijklmnopqrstuvwxyz") ||
			!strings.ContainsAny(pw, "0123456789") || !strings.ContainsAny(pw, "!@#%$*&") {
			t.Errorf("%s: password %q breaks HN 8.2", a.Name, pw)
		}
		if a.Display == "" || a.Agency == "" || a.Phone == "" || a.Address == "" {
			t.Errorf("%s: incomplete signature fields %+v", a.Name, a)
		}
	}
	if _, ok := s.Account("stttt@hanam.gov.vn"); !ok {
		t.Error("Account by e-mail not found")
	}
}

func TestIMAPListSpecialUse(t *testing.T) {
	s := startServer(t, Options{Empty: true})
	want := map[string]imap.MailboxAttr{
		"Sent": imap.MailboxAttrSent, "Drafts": imap.MailboxAttrDrafts, "Trash": imap.MailboxAttrTrash,
		"Junk": imap.MailboxAttrJunk, "Archive": imap.MailboxAttrArchive,
	}
	for _, a := range s.Accounts {
		t.Run(a.Name, func(t *testing.T) {
			c := dialIMAP(t, s, a)
			if !c.Caps().Has(imap.CapSpecialUse) {
				t.Fatal("SPECIAL-USE not advertised")
			}
			all, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]imap.MailboxAttr{}
			for _, d := range all {
				got[d.Mailbox] = d.Attrs
			}
			if _, ok := got["INBOX"]; !ok {
				t.Errorf("no INBOX in %v", got)
			}
			for name, attr := range want {
				if !slices.Contains(got[name], attr) {
					t.Errorf("%s: attrs %v, want %s", name, got[name], attr)
				}
			}
			only, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
			if err != nil {
				t.Fatal(err)
			}
			if len(only) != len(want) {
				t.Errorf("LIST (SPECIAL-USE) gave %d mailboxes, want %d", len(only), len(want))
			}
		})
	}
}

func TestIMAPCreateSpecialUseAndStatus(t *testing.T) {
	s := startServer(t, Options{})
	c := dialIMAP(t, s, s.Accounts[0])
	if err := c.Create("Lưu trữ 2025", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrArchive}}).Wait(); err != nil {
		t.Fatal(err)
	}
	list, err := c.List("", "Lưu*", &imap.ListOptions{ReturnStatus: &imap.StatusOptions{NumMessages: true}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !slices.Contains(list[0].Attrs, imap.MailboxAttrArchive) {
		t.Fatalf("created mailbox listed as %+v", list)
	}
	if list[0].Status == nil || list[0].Status.NumMessages == nil || *list[0].Status.NumMessages != 0 {
		t.Errorf("LIST-STATUS: %+v", list[0].Status)
	}
	if err := c.Rename("Lưu trữ 2025", "Lưu trữ", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("Lưu trữ").Wait(); err != nil {
		t.Fatal(err)
	}
	if list, _ := c.List("", "Lưu*", nil).Collect(); len(list) != 0 {
		t.Errorf("deleted mailbox still listed: %+v", list)
	}
}

func TestIMAPSeededMailboxes(t *testing.T) {
	s := startServer(t, Options{})
	total := 0
	subjects := map[string]bool{}
	for _, a := range s.Accounts {
		c := dialIMAP(t, s, a)
		sel, err := c.Select("INBOX", nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if int(sel.NumMessages) != seedCount(testNow, a.Name, "INBOX") {
			t.Errorf("%s INBOX has %d messages, corpus says %d", a.Name, sel.NumMessages, seedCount(testNow, a.Name, "INBOX"))
		}
		total += int(sel.NumMessages)
		var all imap.SeqSet
		all.AddRange(1, sel.NumMessages)
		msgs, err := c.Fetch(all, &imap.FetchOptions{
			Envelope: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}},
		}).Collect()
		if err != nil {
			t.Fatal(err)
		}
		var unseen, flaggedN int
		for _, m := range msgs {
			subjects[norm.NFC.String(m.Envelope.Subject)] = true // windows-1258 decodes to combining tone marks
			if !slices.Contains(m.Flags, imap.FlagSeen) {
				unseen++
			}
			if slices.Contains(m.Flags, imap.FlagFlagged) {
				flaggedN++
			}
		}
		if len(msgs) != int(sel.NumMessages) {
			t.Errorf("%s: fetched %d of %d", a.Name, len(msgs), sel.NumMessages)
		}
		if unseen == 0 || flaggedN == 0 {
			t.Errorf("%s: %d unread, %d flagged; want some of each", a.Name, unseen, flaggedN)
		}
		// The first message of the agency INBOX in date order is the Chỉ thị.
		if a.Shared {
			body := string(msgs[0].FindBodySection(&imap.FetchItemBodySection{Peek: true}))
			if !strings.Contains(body, "Kính gửi: Các sở, ban, ngành") {
				t.Errorf("first agency message body lacks the Vietnamese text:\n%.400s", body)
			}
		}
		for _, folder := range []string{"Sent", "Drafts", "Archive", "Junk", "Trash"} {
			st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if int(*st.NumMessages) != seedCount(testNow, a.Name, folder) {
				t.Errorf("%s %s: %d messages, corpus says %d", a.Name, folder, *st.NumMessages, seedCount(testNow, a.Name, folder))
			}
		}
	}
	if total < 30 {
		t.Errorf("INBOX total %d, want at least 30", total)
	}
	for _, want := range []string{
		"Giấy mời họp sơ kết công tác chuyển đổi số 6 tháng và triển khai nhiệm vụ trọng tâm",
		"Trao đổi về mẫu báo cáo thống kê hạ tầng thư điện tử", // windows-1258, decoded
	} {
		if !subjects[want] {
			t.Errorf("no envelope subject %q", want)
		}
	}
}

func TestIMAPWrongPassword(t *testing.T) {
	s := startServer(t, Options{Empty: true})
	for _, tc := range []struct{ name, user, pass string }{
		{"wrong password", s.Accounts[0].Username, "Sai@mat-khau1"},
		{"other account's password", s.Accounts[0].Username, s.Accounts[1].Password},
		{"unknown user", "khongco@hanam.gov.vn", s.Accounts[0].Password},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(tc.user, tc.pass).Wait(); err == nil {
				t.Fatal("login accepted")
			}
		})
	}
}

func dialSMTP(t *testing.T, s *Server) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		t.Fatalf("dial SMTP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

const outgoing = "From: =?utf-8?b?Tmd1eeG7hW4gVGjhu4sgVGhhbmggSMOg?= <nguyenthithanhha@hanam.gov.vn>\r\n" +
	"To: stttt@hanam.gov.vn, vanthu@longan.gov.vn\r\n" +
	"Subject: =?utf-8?q?Th=C6=B0_th=E1=BB=AD_nghi=E1=BB=87m?=\r\n" +
	"Message-ID: <test-1@hanam.gov.vn>\r\n" +
	"Date: Wed, 16 Jul 2025 10:00:00 +0700\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n\r\n" +
	"Kính gửi Văn thư, đề nghị phản hồi đã nhận được văn bản.\r\n"

func TestSMTPDeliveryAndCapture(t *testing.T) {
	fixed := time.Date(2025, 7, 16, 10, 0, 5, 0, ict)
	s := startServer(t, Options{Clock: func() time.Time { return fixed }})
	ha, agency := s.Accounts[0], s.Accounts[1]

	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", ha.Username, ha.Password)); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	rcpts := []string{"stttt@hanam.gov.vn", "vanthu@longan.gov.vn", "NguyenThiThanhHa@hanam.gov.vn"}
	if err := c.SendMail(ha.Email, rcpts, strings.NewReader(outgoing)); err != nil {
		t.Fatalf("send: %v", err)
	}

	del := s.Delivered()
	if len(del) != 2 {
		t.Fatalf("delivered %d copies, want 2: %+v", len(del), del)
	}
	gotAccounts := []string{del[0].Account, del[1].Account}
	slices.Sort(gotAccounts)
	if !slices.Equal(gotAccounts, []string{"stttt", "thanhha"}) {
		t.Errorf("delivered to %v", gotAccounts)
	}
	out := s.Outside()
	if len(out) != 1 || !slices.Equal(out[0].To, []string{"vanthu@longan.gov.vn"}) || out[0].From != ha.Email {
		t.Fatalf("outside mail: %+v", out)
	}

	// The agency sees it over IMAP as the newest INBOX message, with trace headers.
	ic := dialIMAP(t, s, agency)
	sel, err := ic.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if int(sel.NumMessages) != seedCount(testNow, "stttt", "INBOX")+1 {
		t.Fatalf("agency INBOX has %d, want seed+1", sel.NumMessages)
	}
	msgs, err := ic.Fetch(imap.SeqSetNum(sel.NumMessages), &imap.FetchOptions{
		Envelope: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{{}},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if m.Envelope.Subject != "Thư thử nghiệm" {
		t.Errorf("subject %q", m.Envelope.Subject)
	}
	if !m.InternalDate.Equal(fixed) {
		t.Errorf("INTERNALDATE %v, want %v", m.InternalDate, fixed)
	}
	raw := string(m.FindBodySection(&imap.FetchItemBodySection{}))
	for _, want := range []string{"Return-Path: <nguyenthithanhha@hanam.gov.vn>", "Received: from ", "for <stttt@hanam.gov.vn>", "Kính gửi Văn thư"} {
		if !strings.Contains(raw, want) {
			t.Errorf("delivered message lacks %q:\n%.600s", want, raw)
		}
	}
	if strings.Contains(raw, "vanthu@longan.gov.vn>;") {
		t.Error("outside recipient got a local trace header")
	}
}

func TestSMTPAuthRequired(t *testing.T) {
	s := startServer(t, Options{Empty: true})
	t.Run("wrong password", func(t *testing.T) {
		c := dialSMTP(t, s)
		err := c.Auth(sasl.NewPlainClient("", s.Accounts[1].Username, "Sai@mat-khau1"))
		var se *smtp.SMTPError
		if !errors.As(err, &se) || se.Code != 535 {
			t.Fatalf("AUTH with wrong password: %v, want 535", err)
		}
	})
	t.Run("no auth", func(t *testing.T) {
		c := dialSMTP(t, s)
		if err := c.SendMail("x@example.org", []string{"stttt@hanam.gov.vn"}, strings.NewReader(outgoing)); err == nil {
			t.Fatal("unauthenticated mail accepted")
		}
	})
	if n := len(s.Delivered()) + len(s.Outside()); n != 0 {
		t.Errorf("%d messages accepted without valid AUTH", n)
	}
}

func TestIMAPAppendSentCopy(t *testing.T) {
	s := startServer(t, Options{})
	c := dialIMAP(t, s, s.Accounts[0])
	cmd := c.Append("Sent", int64(len(outgoing)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	if _, err := cmd.Write([]byte(outgoing)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if data.UID == 0 {
		t.Error("APPEND returned no UID (UIDPLUS)")
	}
	st, err := c.Status("Sent", &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if int(*st.NumMessages) != seedCount(testNow, "thanhha", "Sent")+1 {
		t.Errorf("Sent has %d messages after APPEND", *st.NumMessages)
	}
}

func TestCloseAndContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{Now: testNow, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	// Close after cancellation must still return once both servers are down.
	_ = s.Close()
	for _, addr := range []string{s.IMAPAddr, s.SMTPAddr} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", addr)
		}
	}
	if err := s.Close(); err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("second Close: %v", err)
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"", true},
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{"[::1]:0", true},
		{"0.0.0.0:0", false},
		{"192.0.2.10:0", false},
		{"mail.hanam.gov.vn:143", false},
		{"bad", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			ln, err := listenLoopback(tc.addr)
			if ln != nil {
				ln.Close()
			}
			if tc.ok && err != nil && !strings.Contains(err.Error(), "address") {
				t.Fatalf("listen %q: %v", tc.addr, err)
			}
			if !tc.ok && !errors.Is(err, failure.ErrUsage) {
				t.Fatalf("listen %q: %v, want ErrUsage", tc.addr, err)
			}
		})
	}
}
