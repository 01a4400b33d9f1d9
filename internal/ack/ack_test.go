package ack

import (
	"strings"
	"testing"
	"time"

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
