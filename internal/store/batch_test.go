package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// TestBatchChunks: messages put many at a statement are all stored once,
// in the order given: a chunk holding a message whose search key is taken
// goes in one by one, a replayed UID (in the same batch or a later one)
// only has its flags updated, and flags set in the batch after a Put win.
func TestBatchChunks(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, err := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	put(t, s, f.ID, &Record{UID: 1, Subject: "Thông báo lịch trực", Date: day.Add(-time.Hour)})
	// Message 1 holds the key that UID 151 of the next batch (id 151, at
	// day+151 min) would get.
	taken := day.Add(151*time.Minute).Unix()<<searchKeyShift | 151
	if _, err := s.db.Exec(`DELETE FROM search`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE messages SET search_key = ? WHERE uid = 1`, taken); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO search (rowid, subject, sender, body) VALUES (?, 'thong bao lich truc', '', '')`, taken); err != nil {
		t.Fatal(err)
	}

	b, err := s.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2*insertChunk + 50
	for i := 2; i <= n; i++ {
		r := &Record{UID: uint32(i), Subject: fmt.Sprintf("Công văn số %d", i), Date: day.Add(time.Duration(i) * time.Minute)}
		if i%2 == 0 {
			r.Prepare()
		}
		if err := b.Put(f.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	// Replays of UIDs stored before and in this batch, and a flag change
	// after the Put of a message still queued.
	for _, uid := range []uint32{1, 7, n} {
		if err := b.Put(f.ID, &Record{UID: uid, Subject: "lặp lại", Flags: []string{`\Seen`}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Put(f.ID, &Record{UID: n + 1, Subject: "Công văn cuối", Date: day}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetFlags(f.ID, n+1, []string{`\Flagged`}, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}

	var count, distinctKeys, seen, flagged, replayed int
	if err := s.db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT search_key), SUM(seen), SUM(flagged), SUM(subject = 'lặp lại') FROM messages`).
		Scan(&count, &distinctKeys, &seen, &flagged, &replayed); err != nil {
		t.Fatal(err)
	}
	if count != n+1 || distinctKeys != n+1 || seen != 3 || flagged != 1 || replayed != 0 {
		t.Fatalf("%d messages, %d keys, %d seen, %d flagged, %d replaced", count, distinctKeys, seen, flagged, replayed)
	}
	var key151 int64
	if err := s.db.QueryRow(`SELECT search_key FROM messages WHERE uid = 151`).Scan(&key151); err != nil || key151 == taken {
		t.Fatalf("UID 151 has key %d (taken %d): %v", key151, taken, err)
	}
	// Every message is found by its own number (the number as a prefix
	// finds the longer ones too, fewer than 100).
	for uid := uint32(2); uid <= n; uid++ {
		hits, err := s.Search(ctx, fmt.Sprintf("cong van so %d", uid), "", 100)
		if err != nil || !hasUID(hits, uid) {
			t.Fatalf("UID %d: %d hits, %v", uid, len(hits), err)
		}
	}
	for q, uid := range map[string]uint32{"cong van cuoi": n + 1, "lich truc": 1, "cong van so 151": 151} {
		if hits, err := s.Search(ctx, q, "", 10); err != nil || len(hits) != 1 || hits[0].UID != uid {
			t.Fatalf("%q: %+v %v", q, hits, err)
		}
	}
}

func hasUID(list []model.MessageSummary, uid uint32) bool {
	for _, m := range list {
		if m.UID == uid {
			return true
		}
	}
	return false
}
