package app

import (
	"errors"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// The reader gets what the store holds without the server: the summary
// while the body is not downloaded, the decoded body once it is. Opening
// needs the server; when it is down the error says so.
func TestPeekNeedsNoServer(t *testing.T) {
	s := newServices(t)
	s.E.Config.Accounts[0].IMAP = model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone}
	s.E.Secrets.Set("vanthu@hanam.gov.vn@127.0.0.1", "x")
	ctx := t.Context()
	list, err := s.E.Store.Search(ctx, "cong van so 1", "", 1)
	if err != nil || len(list) != 1 {
		t.Fatalf("search: %v %v", list, err)
	}
	id := list[0].ID
	r, err := s.Peek(id)
	if err != nil || r.Summary.Subject != "Công văn số 1" || !r.Loading || r.Text != "" {
		t.Fatalf("peek before download: %+v %v", r, err)
	}
	if _, err := s.Open(id); !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("open with the server down: %v", err)
	}
	raw := "From: vp@hanam.gov.vn\r\nTo: vanthu@hanam.gov.vn\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_1?=\r\n" +
		"Message-ID: <cv1@hanam.gov.vn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi Sở Tài chính.\r\n"
	if err := s.E.Store.PutBodies(ctx, []store.Body{{ID: id, Raw: []byte(raw), Text: "Kính gửi Sở Tài chính."}}); err != nil {
		t.Fatal(err)
	}
	r, err = s.Peek(id)
	if err != nil || !r.Loading || !strings.Contains(r.Text, "Kính gửi Sở Tài chính.") || r.Problem != "" {
		t.Fatalf("peek of a stored body, not yet seen: %+v %v", r, err)
	}
	fid, err := s.E.Store.FolderID(ctx, "vanthu", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.E.Store.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetFlags(fid, list[0].UID, []string{`\Seen`}, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if r, err = s.Peek(id); err != nil || r.Loading {
		t.Fatalf("peek of a stored, seen mail still asks for Open: %+v %v", r, err)
	}
}

// A header block is shown as text when the body cannot be decoded.
func TestHeaderBlock(t *testing.T) {
	got := headerBlock([]byte("From: a@b.vn\r\nSubject: x\r\n\r\nbody"))
	if got != "From: a@b.vn\nSubject: x" {
		t.Fatalf("%q", got)
	}
}
