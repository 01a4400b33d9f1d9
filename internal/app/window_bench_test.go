package app

import (
	"context"
	"testing"

	"thucongvu/internal/engine"
	"thucongvu/internal/secret"
	"thucongvu/internal/ui"
)

// BenchmarkWindowServices: what the list and status bar ask per page of
// 100 rows (acknowledgement marks) and per refresh (status), on a store of
// 20,000 messages, a third of them documents.
func BenchmarkWindowServices(b *testing.B) {
	home := b.TempDir()
	fillStore(b, home, 20_000)
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	s := New(e, home)
	rows, err := s.Messages("vanthu", "INBOX", ui.SortDate, true, 0, 100)
	if err != nil || len(rows) != 100 {
		b.Fatalf("rows: %d %v", len(rows), err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	b.Run("AckMarks100", func(b *testing.B) {
		for b.Loop() {
			if len(s.AckMarks(ids)) != 100 {
				b.Fatal("marks missing")
			}
		}
	})
	b.Run("Status", func(b *testing.B) {
		for b.Loop() {
			s.Status()
		}
	})
	b.Run("SaveDraftLocal", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			// no server here: the local copy is kept and the server error returned
			d, _ := s.SaveDraft(ctx, ui.Draft{Account: "vanthu", To: []string{"stc@hanam.gov.vn"}, Subject: "Nháp", Body: "Nội dung"})
			if d.ID == "" {
				b.Fatal("not kept locally")
			}
		}
	})
}
