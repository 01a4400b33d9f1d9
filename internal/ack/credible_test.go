package ack

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
)

// docFrom is doc with the given trace fields above it and its own
// Return-Path and From replaced.
func docFrom(trace, from string) string {
	body := doc[strings.Index(doc, "To: "):]
	return trace + "From: " + from + "\r\n" + body
}

// TestDecideSenderCredible (R2): a document is acknowledged by itself only
// when the reply address is credible; anything else is left to the user.
func TestDecideSenderCredible(t *testing.T) {
	x := ctx(t)
	x.Account.IMAP.Host = "mail.hanam.gov.vn"
	const spoof = "Văn phòng UBND <vp@hanam.gov.vn>"
	for _, tc := range []struct {
		name, trace, from string
		relays            []string
		action            string
	}{
		{"aligned, same domain", "Return-Path: <vp@hanam.gov.vn>\r\n", spoof, nil, ActionAck},
		{"aligned, organisational domain", "Return-Path: <bounce@mail.hanam.gov.vn>\r\n", spoof, nil, ActionAck},
		{"aligned, From in a subdomain", "Return-Path: <stc@hanam.gov.vn>\r\n", "stc@sotc.hanam.gov.vn", nil, ActionAck},
		{"misaligned", "Return-Path: <x@evil.example>\r\n", spoof, nil, ActionManual},
		{"another gov.vn organisation", "Return-Path: <a@longan.gov.vn>\r\n", spoof, nil, ActionManual},
		{"no envelope sender", "", spoof, nil, ActionManual},
		{"the sender's own Return-Path below the server's", "Return-Path: <x@evil.example>\r\nReturn-Path: <vp@hanam.gov.vn>\r\n", spoof, nil, ActionManual},
		{"forged Authentication-Results, foreign authserv-id",
			"Return-Path: <x@evil.example>\r\nAuthentication-Results: mx.evil.example; dmarc=pass header.from=hanam.gov.vn; spf=pass smtp.mailfrom=vp@hanam.gov.vn\r\n", spoof, nil, ActionManual},
		{"own authserv-id below a foreign one",
			"Return-Path: <x@evil.example>\r\nAuthentication-Results: mx.evil.example; spf=none\r\nAuthentication-Results: hanam.gov.vn; dmarc=pass header.from=hanam.gov.vn\r\n", spoof, nil, ActionManual},
		{"own authserv-id below the sender's Received",
			"Return-Path: <x@evil.example>\r\nReceived: from evil.example by mail.hanam.gov.vn\r\nAuthentication-Results: mail.hanam.gov.vn; spf=none\r\nReceived: from x by evil.example\r\nAuthentication-Results: mail.hanam.gov.vn; dmarc=pass header.from=hanam.gov.vn\r\n", spoof, nil, ActionManual},
		{"own authserv-id below the sender's fields", "Return-Path: <x@evil.example>\r\nX-Mailer: evil\r\nAuthentication-Results: hanam.gov.vn; dmarc=pass header.from=hanam.gov.vn\r\n", spoof, nil, ActionManual},
		{"dmarc=pass from the agency's server",
			"Return-Path: <srs0=ab@relay.example>\r\nReceived: from relay.example by mail.hanam.gov.vn\r\nAuthentication-Results: mail.hanam.gov.vn; dkim=pass header.d=hanam.gov.vn; dmarc=pass (p=quarantine; dis=none) header.from=hanam.gov.vn\r\n", spoof, nil, ActionAck},
		{"dmarc=pass for another domain", "Return-Path: <x@evil.example>\r\nAuthentication-Results: hanam.gov.vn; dmarc=pass header.from=evil.example\r\n", spoof, nil, ActionManual},
		{"dmarc=fail", "Return-Path: <x@evil.example>\r\nAuthentication-Results: hanam.gov.vn; dmarc=fail header.from=hanam.gov.vn\r\n", spoof, nil, ActionManual},
		{"spf=pass for the From's domain",
			"Return-Path: <x@fwd.example>\r\nAuthentication-Results: hanam.gov.vn;\r\n\tspf=pass (sender IP is 203.0.113.5; x=y) smtp.mailfrom=bounce@mail.hanam.gov.vn\r\n", spoof, nil, ActionAck},
		{"spf=pass for another domain", "Return-Path: <x@evil.example>\r\nAuthentication-Results: hanam.gov.vn; spf=pass smtp.mailfrom=x@evil.example\r\n", spoof, nil, ActionManual},
		{"trusted relay", "Return-Path: <srs0=ab@qlvb.vpcp.vn>\r\n", spoof, []string{"*.vpcp.vn"}, ActionAck},
		{"relay not trusted", "Return-Path: <srs0=ab@qlvb.vpcp.vn>\r\n", spoof, []string{"hanam.gov.vn"}, ActionManual},
	} {
		c := parse(t, docFrom(tc.trace, tc.from))
		x := x
		x.Profile.AckRelays.Value = tc.relays
		action, reason := Decide(c, x)
		if action != tc.action {
			t.Errorf("%s: %s/%s, want %s", tc.name, action, reason, tc.action)
		}
		if action == ActionManual && reason != ReasonUnverified {
			t.Errorf("%s: reason %s", tc.name, reason)
		}
		if action == ActionManual {
			if _, r, final := DecideHeader(c, x, false); r != ReasonUnverified || !final || !Permanent(r) {
				t.Errorf("%s: from the header %s final=%v", tc.name, r, final)
			}
		}
	}
}

func TestAuthServIDs(t *testing.T) {
	got := AuthServIDs(model.Account{Email: "VanThu@HaNam.gov.vn", IMAP: model.Server{Host: "Mail.HaNam.gov.vn."}})
	if strings.Join(got, ",") != "hanam.gov.vn,mail.hanam.gov.vn" {
		t.Fatalf("ids %q", got)
	}
	if !Aligned("mail.hanam.gov.vn", "HANAM.gov.vn") || Aligned("hanam.gov.vn", "longan.gov.vn") || Aligned("", "") {
		t.Fatal("alignment")
	}
}

// TestDecideHourlyLimit: beyond the account's cap a document waits (a
// skip that is never recorded); machine policy may set the cap.
func TestDecideHourlyLimit(t *testing.T) {
	c := parse(t, doc)
	x := ctx(t)
	n := DefaultMaxPerHour - 1
	x.Recent = func() int { return n }
	if a, r := Decide(c, x); a != ActionAck {
		t.Fatalf("under the cap: %s %s", a, r)
	}
	n++
	if a, r := Decide(c, x); a != ActionSkip || r != ReasonHourlyLimit || Permanent(r) {
		t.Fatalf("at the cap: %s %s", a, r)
	}
	x.MaxPerHour = n + 1
	if a, _ := Admit("stc@hanam.gov.vn", x); a != ActionAck {
		t.Fatalf("a higher cap: %s", a)
	}
}

// TestLedgerRecentAndManual: the cap counts the account's claimed and queued
// acknowledgements of the last hour; Manual lists what is left to the user.
func TestLedgerRecentAndManual(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := OpenLedger(db)
	if err != nil {
		t.Fatal(err)
	}
	c := context.Background()
	for i, state := range []string{StateClaimed, StateQueued, StateOther, StateQueued} {
		account := "vanthu"
		if i == 3 {
			account = "canhan"
		}
		if _, err := l.Claim(c, Entry{Account: account, Key: fmt.Sprint(i), State: state}); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.Recent(c, "vanthu"); n != 2 {
		t.Fatalf("recent: %d, want 2", n)
	}
	// The documents left to the user, in the folder as it is now.
	ds := []Decision{{Folder: "INBOX", UIDValidity: 7, UID: 3, Context: "k", State: StateManual, Reason: ReasonUnverified, Subject: "Công văn 66"},
		{Folder: "INBOX", UIDValidity: 7, UID: 4, Context: "k", State: StateSkipped, Reason: ReasonList},
		{Folder: "INBOX", UIDValidity: 6, UID: 1, Context: "k", State: StateManual}}
	if err := l.Record(c, "vanthu", ds, FolderState{Folder: "INBOX", UIDValidity: 7, Context: "k"}); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Manual(c, "vanthu", "INBOX"); err != nil || len(got) != 1 || got[0].UID != 3 || got[0].Subject != "Công văn 66" || got[0].Reason != ReasonUnverified {
		t.Fatalf("manual: %+v %v", got, err)
	}
}

// TestComposeEchoBounded: what the acknowledgement echoes of the mail is
// cut, and carries no link.
func TestComposeEchoBounded(t *testing.T) {
	long := strings.Repeat("Công văn ", 100)
	names := ""
	for i := range 25 {
		names += fmt.Sprintf("--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"%s%02d.pdf\"\r\n\r\nJVBERi0=\r\n", strings.Repeat("tệp", 100), i)
	}
	raw := "Return-Path: <stc@hanam.gov.vn>\r\nFrom: =?UTF-8?Q?Nh=E1=BA=ADn_th=C6=B0=E1=BB=9Fng_t=E1=BA=A1i_https://evil.example/x?=\r\n =?UTF-8?Q?_ho=E1=BA=B7c_www.evil.example_evil.example/x_evil.com_10.0.0.1/a?= <stc@hanam.gov.vn>\r\n" +
		"To: vanthu@hanam.gov.vn\r\nSubject: Công văn số 15/STC-NS tại http://evil.example/?a=1 và EVIL.COM, xem thêm " + long + "\r\n" +
		"Message-ID: <cv15@hanam.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + names + "--b--\r\n"
	m, err := mail.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	a := model.Account{Email: "vanthu@hanam.gov.vn", Signature: model.Signature{Name: "Trần Thị Mai", Agency: "Sở TTTT Hà Nam"}}
	d, err := Compose(a, m, "vi", "{{.Sender}}\n{{.Subject}}\n{{range .Attachments}}{{.}}\n{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(d.Body, "\n"), "\n")
	sender, subject, files := lines[0], lines[1], lines[2:]
	for _, s := range []string{sender, subject, d.Subject, d.To[0].Name} {
		for _, bad := range []string{"http", "www", "evil", "EVIL", "10.0.0.1"} {
			if strings.Contains(s, bad) {
				t.Errorf("%q echoed in %q", bad, s)
			}
		}
	}
	if sender != "Nhận thưởng tại hoặc" || !strings.HasPrefix(subject, "Công văn số 15/STC-NS tại và , xem thêm Công văn") {
		t.Errorf("sender %q subject %q", sender, subject)
	}
	if n := len([]rune(subject)); n != echoRunes || !strings.HasSuffix(subject, "…") {
		t.Errorf("subject of %d runes: %q", n, subject)
	}
	if len(files) != echoFiles+1 || files[echoFiles] != "… (+5)" {
		t.Fatalf("%d files listed: %q", len(files), files)
	}
	for _, f := range files[:echoFiles] {
		if n := len([]rune(f)); n != echoRunes {
			t.Errorf("file name of %d runes", n)
		}
	}
	// Ordinary subjects are left as they are.
	for _, s := range []string{"Công văn số 15/STC-NS về dự toán", "Quyết định 12.2026/QĐ-UBND", "Báo cáo Q3.docx", "Lịch công tác tuần (TP.HCM)"} {
		if got := echo(s, true); got != s {
			t.Errorf("echo(%q) = %q", s, got)
		}
	}
}

func BenchmarkDecideCredible(b *testing.B) {
	raw := docFrom("Return-Path: <x@evil.example>\r\nReceived: from relay.example by mail.hanam.gov.vn\r\n"+
		"Authentication-Results: mail.hanam.gov.vn; spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=x@evil.example; dmarc=pass header.from=hanam.gov.vn\r\n", "vp@hanam.gov.vn")
	m, err := mail.Parse([]byte(raw))
	if err != nil {
		b.Fatal(err)
	}
	c := Candidate{Msg: m, Header: Header([]byte(raw))}
	p := ctx(nil)
	p.Account.IMAP.Host = "mail.hanam.gov.vn"
	for b.Loop() {
		if a, _ := Decide(c, p); a != ActionAck {
			b.Fatal(a)
		}
	}
}

func BenchmarkEcho(b *testing.B) {
	s := strings.Repeat("Công văn số 15/STC-NS tại http://evil.example/?a=1 và evil.com ", 20)
	for b.Loop() {
		echo(s, true)
	}
}
