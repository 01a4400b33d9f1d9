package store

import (
	"context"
	"testing"
)

// headersQueued counts messages whose headers wait for the index.
func headersQueued(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM body_index WHERE headers = 0`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHeadersIndexedAfterTheBatch: a header batch leaves its messages'
// headers queued, not in the index; they survive a restart there, and a
// search indexes them before it answers, so every stored message is found
// by its subject as soon as its batch is committed.
func TestHeadersIndexedAfterTheBatch(t *testing.T) {
	s, path, _ := packedStore(t, 30)
	if n := headersQueued(t, s); n != 30 {
		t.Fatalf("%d messages queued for their headers, want 30", n)
	}
	var inIndex int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM search WHERE search MATCH 'cong'`).Scan(&inIndex); err != nil || inIndex != 0 {
		t.Fatalf("the batch wrote %d index entries (%v), want none", inIndex, err)
	}
	s.Close()
	s, err := Open(path) // as after a crash right after the batch
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := hits(t, s, "cong van so 17"); got != 1 {
		t.Fatalf("search after the restart: %d hits, want 1", got)
	}
	if n := headersQueued(t, s); n != 0 {
		t.Fatalf("%d still queued after a search", n)
	}
	if pending, _ := s.IndexPending(context.Background()); pending != 0 {
		t.Fatalf("%d messages without a body still queued", pending)
	}
	if got := hits(t, s, "cong van"); got != 30 {
		t.Fatalf("%d hits, want 30: each message indexed once", got)
	}
}

// TestHeadersThenBodies: bodies stored before the headers' turn keep their
// text. A body indexed at once leaves the queue, so the header pass cannot
// write over its entry; a body queued for later is indexed whole after its
// headers, and every message stays findable by subject throughout.
func TestHeadersThenBodies(t *testing.T) {
	ctx := context.Background()
	s, _, ids := packedStore(t, 6)
	if err := s.PutBody(ctx, ids[0], bodyMail(0), "Kính gửi phòng 9: mã M9X"); err != nil {
		t.Fatal(err)
	}
	storeLater(t, s, ids[1:3])
	if n, err := s.IndexHeaders(ctx); err != nil || n != 5 {
		t.Fatalf("IndexHeaders: %d, %v; want the 5 not indexed whole", n, err)
	}
	if got := hits(t, s, "M9X"); got != 1 {
		t.Fatalf("the body indexed at once: %d hits, want 1", got)
	}
	if got := hits(t, s, "cong van so"); got != 6 {
		t.Fatalf("%d messages found by subject, want 6", got)
	}
	if pending, _ := s.IndexPending(ctx); pending != 2 {
		t.Fatalf("%d waiting, want the 2 queued bodies", pending)
	}
	if got := hits(t, s, "M0X"); got != 0 {
		t.Fatalf("a queued body's text found before its turn: %d", got)
	}
	for {
		n, err := s.IndexBodies(ctx, mailText, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	for _, q := range []string{"M9X", "M0X", "M1X", "cong van so 2"} {
		if got := hits(t, s, q); got != 1 {
			t.Errorf("%q: %d hits, want 1", q, got)
		}
	}
	if got := hits(t, s, "cong van so"); got != 6 {
		t.Errorf("%d messages found by subject at the end, want 6", got)
	}
}
