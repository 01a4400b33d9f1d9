package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// The reminder's counts cover the whole INBOX, not a window of it, and
// read the acknowledgement keyword whatever its case.
func TestInboxCounts(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	f, _ := s.EnsureFolder(ctx, "vanthu", "INBOX", model.RoleInbox)
	sent, _ := s.EnsureFolder(ctx, "vanthu", "Sent", model.RoleSent)
	b, _ := s.BeginBatch(ctx)
	for i := 1; i <= 1200; i++ {
		r := &Record{UID: uint32(i), Subject: fmt.Sprint("thư ", i), Date: time.Unix(int64(i)*60, 0), Document: i%3 == 0}
		switch {
		case i%2 == 0:
			r.Flags = []string{`\Seen`}
		case i%5 == 0:
			r.Flags = []string{`\Seen`, "$tcvacked"}
		}
		b.Put(f.ID, r)
	}
	b.Put(sent.ID, &Record{UID: 1, Subject: "đã gửi", Document: true})
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	unread, unacked, err := s.InboxCounts(ctx, "vanthu")
	if err != nil {
		t.Fatal(err)
	}
	// Unread: odd UIDs not a multiple of 5 (480). Documents: multiples of 3
	// (400), less those acknowledged: odd multiples of 15 (40).
	if unread != 480 || unacked != 360 {
		t.Fatalf("counts %d unread, %d unacknowledged documents; want 480, 360", unread, unacked)
	}
}
