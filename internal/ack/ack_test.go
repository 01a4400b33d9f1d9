package ack

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
)

func parse(t *testing.T, raw string) Candidate {
	t.Helper()
	m, err := mail.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return Candidate{Msg: m, Header: Header([]byte(raw)), Arrived: time.Now()}
}

const doc = "Return-Path: <stc@hanam.gov.vn>\r\nFrom: Sở Tài chính <stc@hanam.gov.vn>\r\nTo: vanthu@hanam.gov.vn\r\n" +
	"Subject: Công văn số 5\r\nMessage-ID: <cv5@hanam.gov.vn>\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n" +
	"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=cv5.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n"

func ctx(t *testing.T) Context {
	p, _ := profile.ByID("hanam")
	return Context{Account: model.Account{Email: "vanthu@hanam.gov.vn", Added: time.Now().Add(-time.Hour)}, Profile: p}
}

func TestDecideRateLimitAndDisabled(t *testing.T) {
	c := parse(t, doc)
	x := ctx(t)
	if a, r := Decide(c, x); a != ActionAck || r != ReasonDocument {
		t.Fatalf("document: %s %s", a, r)
	}
	x.RecentToSender = func(string) int { return MaxPerSenderPerHour }
	if _, r := Decide(c, x); r != ReasonRateLimit {
		t.Fatalf("rate limit: %s", r)
	}
	x.RecentToSender, x.Disabled = nil, true
	if _, r := Decide(c, x); r != ReasonDisabled {
		t.Fatalf("disabled: %s", r)
	}
}

func TestSystemSenders(t *testing.T) {
	for addr, want := range map[string]bool{"mailer-daemon@x.vn": true, "postmaster@x.vn": true, "cntt-request@lists.vn": true,
		"owner-cntt@lists.vn": true, "no-reply@dvc.gov.vn": true, "noreply@x.vn": true, "do_not_reply@x.vn": true,
		"stc@hanam.gov.vn": false, "replyto@x.vn": false} {
		if systemSender(addr) != want {
			t.Errorf("systemSender(%q) = %v", addr, !want)
		}
	}
}

func TestComposeAcknowledgement(t *testing.T) {
	c := parse(t, doc)
	a := model.Account{Email: "vanthu@hanam.gov.vn", Signature: model.Signature{Name: "Trần Thị Mai", Agency: "Sở TTTT Hà Nam"}}
	d, err := Compose(a, c.Msg, "vi", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.To[0].Address != "stc@hanam.gov.vn" || d.InReplyTo != "cv5@hanam.gov.vn" || !strings.HasPrefix(d.Subject, "Đã nhận được văn bản: Công văn số 5") {
		t.Fatalf("ack draft: %+v", d)
	}
	if d.Headers["Auto-Submitted"] != "auto-replied" || d.Headers["X-Auto-Response-Suppress"] != "All" || d.Headers["Precedence"] != "bulk" {
		t.Fatalf("RFC 3834 headers: %v", d.Headers)
	}
	if !strings.Contains(d.Body, "cv5.pdf") || !strings.Contains(d.Body, "Sở TTTT Hà Nam đã nhận được văn bản") {
		t.Fatalf("body: %s", d.Body)
	}
	en, _ := Compose(a, c.Msg, "en", "")
	if !strings.Contains(en.Body, "has received the document") {
		t.Fatalf("english body: %s", en.Body)
	}
	if _, err := Compose(a, c.Msg, "vi", "{{.Broken"); err == nil {
		t.Fatal("a broken template was accepted")
	}
}

func TestReceiptDecision(t *testing.T) {
	req := "Return-Path: <stc@hanam.gov.vn>\r\nFrom: stc@hanam.gov.vn\r\nDisposition-Notification-To: stc@hanam.gov.vn\r\nSubject: x\r\n\r\n"
	other := strings.Replace(req, "Disposition-Notification-To: stc@", "Disposition-Notification-To: theodoi@", 1)
	own := strings.Replace(req, "Disposition-Notification-To: stc@", "Disposition-Notification-To: vanthu@", 1)
	for _, tc := range []struct {
		raw, mode string
		flags     []string
		want      string
	}{
		{req, ReceiptAlways, nil, ReceiptSend},
		{req, ReceiptAsk, nil, ReceiptAskUser},
		{req, ReceiptNever, nil, ReceiptNone},
		{req, ReceiptAlways, []string{KeywordMDNSent}, ReceiptNone},
		{other, ReceiptAlways, nil, ReceiptAskUser},
		{own, ReceiptAlways, nil, ReceiptNone},
		{"From: a@b.vn\r\nSubject: x\r\n\r\n", ReceiptAlways, nil, ReceiptNone},
	} {
		if got, why := ReceiptDecision(Header([]byte(tc.raw)), tc.flags, nil, "vanthu@hanam.gov.vn", tc.mode); got != tc.want {
			t.Errorf("%s %v: %s (%s), want %s", tc.mode, tc.flags, got, why, tc.want)
		}
	}
}

// The header decides mail the body cannot turn into a document; the rest
// waits for the body.
func TestDecideHeaderFinal(t *testing.T) {
	x := ctx(t)
	head := func(raw string) Candidate {
		t.Helper()
		end := strings.Index(raw, "\r\n\r\n")
		m, h, err := HeaderMessage([]byte(raw[:end+4]), mail.Parse)
		if err != nil {
			t.Fatal(err)
		}
		return Candidate{Msg: m, Header: h, Arrived: time.Now()}
	}
	note := func(from, ctype string) string {
		return "From: " + from + "\r\nTo: vanthu@hanam.gov.vn\r\nSubject: Liên hoan\r\nContent-Type: " + ctype + "\r\n\r\nChào chị.\r\n"
	}
	for _, tc := range []struct {
		name     string
		c        Candidate
		textOnly bool
		reason   string
		final    bool
	}{
		{"document", head(doc), false, ReasonDocument, false},
		{"plain note from outside", head(note("a@baomoi.com.vn", "text/plain; charset=utf-8")), false, ReasonNotDocument, true},
		{"alternative from outside, structure unknown", head(note("a@baomoi.com.vn", "multipart/alternative; boundary=x")), false, ReasonNotDocument, false},
		{"alternative from outside, text only", head(note("a@baomoi.com.vn", "multipart/alternative; boundary=x")), true, ReasonNotDocument, true},
		{"plain note from a trusted agency", head(note("an@sotc.hanam.gov.vn", "text/plain")), true, ReasonNotDocument, false},
		{"list", head("List-Id: <x.lists.vn>\r\n" + doc), false, ReasonList, true},
	} {
		_, reason, final := DecideHeader(tc.c, x, tc.textOnly)
		if reason != tc.reason || final != tc.final {
			t.Errorf("%s: %s final=%v, want %s final=%v", tc.name, reason, final, tc.reason, tc.final)
		}
	}
	if _, _, err := HeaderMessage([]byte("\x00 no header\r\n\r\n"), mail.Parse); err == nil {
		t.Error("a header without fields decoded")
	}
	for reason, want := range map[string]bool{ReasonNotDocument: true, ReasonList: true, ReasonJunk: false, ReasonRateLimit: false, ReasonDisabled: false, ReasonAlreadyAcked: false} {
		if Permanent(reason) != want {
			t.Errorf("Permanent(%s) = %v", reason, !want)
		}
	}
}

// Decisions are kept per UIDVALIDITY and context; a new UIDVALIDITY drops
// the old ones, a new context hides them.
func TestLedgerDecisions(t *testing.T) {
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
	ds := []Decision{{Folder: "INBOX", UIDValidity: 7, UID: 1, Context: "k1", State: StateSkipped, Reason: ReasonList},
		{Folder: "INBOX", UIDValidity: 7, UID: 2, Context: "k1", State: StateError, Reason: "no header field", Subject: "?"}}
	if got, _ := l.Decided(c, "vanthu", "INBOX", 7, "k1", false); len(got) != 0 {
		t.Fatalf("decided before any record: %+v", got)
	}
	if err := l.Record(c, "vanthu", ds); err != nil {
		t.Fatal(err)
	}
	got, err := l.Decided(c, "vanthu", "INBOX", 7, "k1", true)
	if err != nil || len(got) != 2 || got[2].Reason != "no header field" || got[1].State != StateSkipped {
		t.Fatalf("decided: %+v %v", got, err)
	}
	if got, _ := l.Decided(c, "vanthu", "INBOX", 7, "k2", false); len(got) != 0 {
		t.Fatalf("another context sees %+v", got)
	}
	if got, _ := l.Decided(c, "canhan", "INBOX", 7, "k1", false); len(got) != 0 {
		t.Fatalf("another account sees %+v", got)
	}
	// Decided again under a new context: replaced.
	if err := l.Record(c, "vanthu", []Decision{{Folder: "INBOX", UIDValidity: 7, UID: 1, Context: "k2", State: StateSkipped, Reason: ReasonNotDocument}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Decided(c, "vanthu", "INBOX", 7, "k2", true); len(got) != 1 || got[1].Reason != ReasonNotDocument {
		t.Fatalf("replaced: %+v", got)
	}
	if got, _ := l.Decided(c, "vanthu", "INBOX", 7, "k2", false); len(got) != 1 || got[1].Reason != "" || got[1].State != StateSkipped {
		t.Fatalf("without details: %+v", got)
	}
	f := FolderState{Folder: "INBOX", UIDValidity: 7, Context: "k2", Floor: 3, UIDNext: 40, ModSeq: 1 << 40, Clean: true}
	if err := l.Record(c, "vanthu", nil, f); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := l.FolderState(c, "vanthu", "INBOX"); err != nil || !ok || got != f {
		t.Fatalf("folder state: %+v %v %v", got, ok, err)
	}
	if err := l.ForgetOtherValidity(c, "vanthu", "INBOX", 8); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Decided(c, "vanthu", "INBOX", 7, "k1", true); len(got) != 0 {
		t.Fatalf("old UIDVALIDITY kept: %+v", got)
	}
}
