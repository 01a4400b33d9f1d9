package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"thucongvu/internal/model"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(t *testing.T, s *Store, folderID int64, recs ...*Record) {
	t.Helper()
	b, err := s.BeginBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := b.Put(folderID, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestSearchIgnoresDiacritics(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, err := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	put(t, s, f.ID,
		&Record{UID: 1, Subject: "Về việc triển khai chuyển đổi số năm 2026", From: model.Address{Name: "Sở Thông tin và Truyền thông", Address: "stttt@hanam.gov.vn"}, Date: day},
		&Record{UID: 2, Subject: "Giấy mời họp giao ban", From: model.Address{Name: "Văn phòng UBND tỉnh", Address: "vp@hanam.gov.vn"}, Date: day.Add(time.Hour), Attachments: []string{"giay-moi.docx"}},
		&Record{UID: 3, Subject: "Báo cáo tháng 10", From: model.Address{Name: "Đỗ Văn Đức", Address: "ducdv@longan.gov.vn"}, Date: day.Add(2 * time.Hour)},
	)
	if err := s.PutBody(ctx, mustID(t, s, f.ID, 3), []byte("raw"), "Kính gửi: Sở. Đề nghị gửi văn bản trước ngày 15."); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want []uint32
	}{
		{"chuyen doi so", []uint32{1}},
		{"CHUYỂN ĐỔI SỐ", []uint32{1}},
		{"gửi van ban", []uint32{3}},
		{"van ban", []uint32{3, 2}}, // "Văn phòng … giao ban" holds both words too
		{"do van duc", []uint32{3}},
		{"giao ban", []uint32{2}},
		{"giay-moi", []uint32{2}},
		{"hanam", []uint32{2, 1}},
		{"khong co dau", nil},
		{"  ", nil},
	} {
		got, err := s.Search(ctx, tc.q, "", 10)
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		var uids []uint32
		for _, m := range got {
			uids = append(uids, m.UID)
		}
		if len(uids) != len(tc.want) {
			t.Errorf("%q: got %v, want %v", tc.q, uids, tc.want)
			continue
		}
		for i := range uids {
			if uids[i] != tc.want[i] {
				t.Errorf("%q: got %v, want %v", tc.q, uids, tc.want)
			}
		}
	}
}

func mustID(t *testing.T, s *Store, folderID int64, uid uint32) int64 {
	var id int64
	if err := s.db.QueryRow(`SELECT id FROM messages WHERE folder_id = ? AND uid = ?`, folderID, uid).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestReplayNeverDuplicatesAndUpdatesFlags(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, _ := s.EnsureFolder(ctx, "a", "INBOX", model.RoleInbox)
	r := &Record{UID: 7, Subject: "Công văn số 12", From: model.Address{Address: "x@hanam.gov.vn"}}
	put(t, s, f.ID, r)
	r.Flags = []string{`\Seen`, KeywordAcked}
	put(t, s, f.ID, r)
	n, _ := s.CountMessages(ctx, "a", "INBOX")
	if n != 1 {
		t.Fatalf("replay stored %d messages", n)
	}
	got, _ := s.Search(ctx, "cong van", "a", 10)
	if len(got) != 1 || !got[0].Seen || !got[0].Acked {
		t.Fatalf("flags not updated or index duplicated: %+v", got)
	}
	folders, _ := s.Folders(ctx, "a")
	if len(folders) != 1 || folders[0].Total != 1 || folders[0].Unread != 0 {
		t.Fatalf("folders: %+v", folders)
	}
}

func TestResetAndDeleteUnindex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, _ := s.EnsureFolder(ctx, "a", "INBOX", model.RoleInbox)
	put(t, s, f.ID, &Record{UID: 1, Subject: "Kế hoạch"}, &Record{UID: 2, Subject: "Kế hoạch hai"})
	b, _ := s.BeginBatch(ctx)
	if err := b.Delete(f.ID, []uint32{1}); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if got, _ := s.Search(ctx, "ke hoach", "", 10); len(got) != 1 || got[0].UID != 2 {
		t.Fatalf("after delete: %+v", got)
	}
	if err := s.ResetFolder(ctx, f.ID, 99); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Search(ctx, "ke hoach", "", 10); len(got) != 0 {
		t.Fatalf("after reset: %+v", got)
	}
	st, _ := s.FolderStates(ctx, "a")
	if st[0].UIDValidity != 99 || st[0].UIDNext != 0 {
		t.Fatalf("state after reset: %+v", st[0])
	}
}

func TestParseErrorKeptWithBody(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f, _ := s.EnsureFolder(ctx, "a", "INBOX", model.RoleInbox)
	put(t, s, f.ID, &Record{UID: 1, Subject: "hỏng"}, &Record{UID: 2, Subject: "lành"})
	bad, good := mustID(t, s, f.ID, 1), mustID(t, s, f.ID, 2)
	long := strings.Repeat("ư", 1000) // cut to maxReasonBytes, still UTF-8
	if err := s.PutBodies(ctx, []Body{{ID: bad, Raw: []byte("x"), ParseError: long}, {ID: good, Raw: []byte("y"), Text: "nội dung"}}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.ParseError(ctx, bad); err != nil || len(r) > maxReasonBytes || !utf8.ValidString(r) || !strings.HasPrefix(r, "ư") {
		t.Errorf("bad: %q, %v", r, err)
	}
	if r, err := s.ParseError(ctx, good); err != nil || r != "" {
		t.Errorf("good: %q, %v", r, err)
	}
	if refs, _ := s.MissingBodies(ctx, "a", 10); len(refs) != 0 {
		t.Errorf("an unreadable body is fetched again: %+v", refs)
	}
	// A body stored again that now decodes clears the reason.
	if err := s.PutBody(ctx, bad, []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.ParseError(ctx, bad); r != "" {
		t.Errorf("stale reason %q", r)
	}
	if err := s.SetParseError(ctx, good, "decoder failed"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM messages WHERE id = ?`, good); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM parse_errors`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d reasons left after the message went, %v", n, err)
	}
}
