package store

import (
	"context"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// TestSearchKeyTaken: a message whose search key (date and id) another
// message already holds is stored all the same under a free key, and both
// are found; a replayed message is not stored twice.
func TestSearchKeyTaken(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, err := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	put(t, s, f.ID, &Record{UID: 1, Subject: "Giấy mời họp giao ban", Date: day.Add(-time.Hour)})
	// Give message 1 the key the next message, at `day`, would get.
	taken := day.Unix()<<searchKeyShift | 2
	if _, err := s.db.Exec(`DELETE FROM search`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE messages SET search_key = ? WHERE uid = 1`, taken); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO search (rowid, subject, sender, body) VALUES (?, 'giay moi hop giao ban', '', '')`, taken); err != nil {
		t.Fatal(err)
	}
	put(t, s, f.ID, &Record{UID: 2, Subject: "Báo cáo chuyển đổi số", Date: day})
	put(t, s, f.ID, &Record{UID: 2, Subject: "Báo cáo chuyển đổi số", Date: day, Flags: []string{`\Seen`}})

	rows, err := s.db.Query(`SELECT uid, search_key, seen FROM messages ORDER BY uid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[uint32]int64{}
	seen := map[uint32]bool{}
	for rows.Next() {
		var uid uint32
		var key int64
		var s bool
		if err := rows.Scan(&uid, &key, &s); err != nil {
			t.Fatal(err)
		}
		keys[uid], seen[uid] = key, s
	}
	if len(keys) != 2 || keys[1] != taken || keys[2] == taken || keys[2]>>searchKeyShift != day.Unix() || !seen[2] {
		t.Fatalf("keys %v (taken %d), seen %v", keys, taken, seen)
	}
	for q, uid := range map[string]uint32{"giay moi": 1, "chuyen doi so": 2} {
		hits, err := s.Search(ctx, q, "", 10)
		if err != nil || len(hits) != 1 || hits[0].UID != uid {
			t.Fatalf("%q: %+v %v", q, hits, err)
		}
	}
}
