package imapsync

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"thucongvu/internal/mail"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

// TestDovecotBodiesIsolatePoisonMail: beside normal mail, a multipart
// whose boundaries point at each other (it once overflowed the stack), a
// message with no header and one that makes the decoder panic are stored
// with their reason; the sync completes and the normal mail is indexed.
func TestDovecotBodiesIsolatePoisonMail(t *testing.T) {
	ctx := context.Background()
	poison, err := os.ReadFile("../mail/testdata/poison-boundaries.eml")
	if err != nil {
		t.Fatal(err)
	}
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.Deliver(t, userHa, officialMail(1))
	d.Deliver(t, userHa, poison)
	headerless := []byte("\r\nno header at all, only a body\r\n")
	panicky := append([]byte("X-Test-Decoder: panic\r\n"), officialMail(2)...)
	d.AppendMany(t, userHa, "INBOX", 2, func(i int) []byte { return [][]byte{headerless, panicky}[i] })

	s := dovecotSyncer(t, dovecotAccount(d, true), &Options{BodyText: func(raw []byte) (string, error) {
		if bytes.HasPrefix(raw, []byte("X-Test-Decoder: panic")) {
			panic("decoder bug")
		}
		m, err := mail.Parse(raw) // what the engine indexes
		if err != nil {
			return "", err
		}
		return m.Text, nil
	}})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SyncBodies(ctx, c); err != nil || n != 4 {
		t.Fatalf("bodies: %d, %v", n, err)
	}
	if n, err := IndexBodies(ctx, s.Store, s.Opts.BodyText); err != nil || n != 4 {
		t.Fatalf("bodies indexed: %d, %v", n, err)
	}
	list, err := s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, false, 0, 10)
	if err != nil || len(list) != 4 {
		t.Fatalf("%d messages, %v", len(list), err)
	}
	reasons := map[string]string{}
	for _, m := range list {
		key := m.Subject
		switch {
		case m.Subject == "":
			key = "headerless"
		case strings.Contains(m.Subject, "số 2"):
			key = "panicky"
		case strings.Contains(m.Subject, "số 1"):
			key = "normal"
		}
		r, err := s.Store.ParseError(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		reasons[key] = r
	}
	if reasons["normal"] != "" || reasons["Cong van so 12"] != "" ||
		!strings.Contains(reasons["headerless"], "not a readable mail message") ||
		!strings.Contains(reasons["panicky"], "decoder failed: decoder bug") {
		t.Errorf("reasons: %q", reasons)
	}
	for _, q := range []string{"Văn bản số 1/STC-NS", "broken header line"} {
		if hits, _ := s.Store.Search(ctx, q, "", 5); len(hits) != 1 {
			t.Errorf("%q: %d hits", q, len(hits))
		}
	}
	if n, err := s.SyncBodies(ctx, c); n != 0 || err != nil {
		t.Errorf("bodies fetched again: %d, %v", n, err)
	}
}

// TestDovecotBodiesSkipOversized: a message over Options.MaxBodyBytes is
// stored empty with its reason instead of being held in memory (past
// 1 GB SQLite would refuse it and every pass would fail there).
func TestDovecotBodiesSkipOversized(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.Deliver(t, userHa, officialMail(1))
	d.Deliver(t, userHa, bigMail(3<<20))
	s := dovecotSyncer(t, dovecotAccount(d, true), &Options{MaxBodyBytes: 1 << 20, BodyText: func(raw []byte) (string, error) {
		m, err := mail.Parse(raw)
		if err != nil {
			return "", err
		}
		return m.Text, nil
	}})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SyncBodies(ctx, c); err != nil || n != 2 {
		t.Fatalf("bodies: %d, %v", n, err)
	}
	if n, err := IndexBodies(ctx, s.Store, s.Opts.BodyText); err != nil || n != 1 {
		t.Fatalf("bodies indexed: %d, %v", n, err) // the oversized one was never queued
	}
	list, _ := s.Store.Messages(ctx, "canhan", "INBOX", store.SortSize, true, 0, 2)
	if len(list) != 2 {
		t.Fatalf("%d messages", len(list))
	}
	big, small := list[0], list[1]
	if raw, err := s.Store.Body(ctx, big.ID); err != nil || len(raw) != 0 {
		t.Errorf("oversized body: %d bytes, %v", len(raw), err)
	}
	if r, _ := s.Store.ParseError(ctx, big.ID); !strings.Contains(r, "not downloaded: 3.0 MB, more than the 1.0 MB") {
		t.Errorf("reason %q", r)
	}
	if r, _ := s.Store.ParseError(ctx, small.ID); r != "" {
		t.Errorf("normal mail: reason %q", r)
	}
	if hits, _ := s.Store.Search(ctx, "Văn bản số 1/STC-NS", "", 5); len(hits) != 1 {
		t.Errorf("normal mail not indexed: %+v", hits)
	}
	if n, err := s.SyncBodies(ctx, c); n != 0 || err != nil {
		t.Errorf("bodies fetched again: %d, %v", n, err)
	}
}
