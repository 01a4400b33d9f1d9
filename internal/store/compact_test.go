package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// packBytes returns every byte in the store's pack folder.
func packBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	files, _ := filepath.Glob(filepath.Join(packDir(path), "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func marker(i int) []byte { return []byte(fmt.Sprintf("Nội dung %d.\r\n", i)) }

func storeBodies(t *testing.T, s *Store, ids []int64, from int) {
	t.Helper()
	for i, id := range ids {
		if err := s.PutBodies(context.Background(), []Body{{ID: id, Raw: rawOf(from + i), Text: "noi dung"}}); err != nil {
			t.Fatal(err)
		}
	}
}

func checkBodies(t *testing.T, s *Store, ids []int64, from int) {
	t.Helper()
	for i, id := range ids {
		if got, err := s.Body(context.Background(), id); err != nil || !bytes.Equal(got, rawOf(from+i)) {
			t.Fatalf("body %d: %d bytes, %v", from+i, len(got), err)
		}
	}
}

// TestExpungedBodiesReclaimed: once most of a pack's messages are expunged,
// their bytes leave the disk and the others still read back.
func TestExpungedBodiesReclaimed(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 10)
	storeBodies(t, s, ids, 0)
	folder, _ := s.FolderID(ctx, "canhan", "INBOX")
	b, err := s.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(folder, []uint32{1, 2, 3, 4, 5, 6, 7}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	all := packBytes(t, path)
	for i := 0; i < 7; i++ {
		if bytes.Contains(all, marker(i)) {
			t.Fatalf("expunged body %d still in the packs", i)
		}
	}
	checkBodies(t, s, ids[7:], 7)
	var live int64
	s.db.QueryRow(`SELECT SUM(size) FROM body_packs`).Scan(&live)
	if int64(len(all)) != live {
		t.Fatalf("packs hold %d bytes, %d live", len(all), live)
	}
}

// TestFewDeletionsLeavePacksAlone: a pack mostly alive is not rewritten
// for one deleted body.
func TestFewDeletionsLeavePacksAlone(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 10)
	storeBodies(t, s, ids, 0)
	before := len(packBytes(t, path))
	folder, _ := s.FolderID(ctx, "canhan", "INBOX")
	b, _ := s.BeginBatch(ctx)
	b.Delete(folder, []uint32{10})
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if after := len(packBytes(t, path)); after != before {
		t.Fatalf("pack went from %d to %d bytes", before, after)
	}
	checkBodies(t, s, ids[:9], 0)
}

// TestRemoveAccountLeavesNoByte: after an account is removed not one of its
// bodies' bytes is in the packs, and another account's mail is whole.
func TestRemoveAccountLeavesNoByte(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 3)
	other, err := s.EnsureFolder(ctx, "vanthu", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	var kept []int64
	for i := 1; i <= 6; i++ {
		put(t, s, other.ID, &Record{UID: uint32(i), Subject: "Giấy mời", Date: time.Unix(int64(1_800_000_000+i), 0)})
		kept = append(kept, mustID(t, s, other.ID, uint32(i)))
	}
	storeBodies(t, s, kept[:3], 100)
	storeBodies(t, s, ids, 0) // interleaved with the other account's
	storeBodies(t, s, kept[3:], 103)
	if err := s.RemoveAccount(ctx, "canhan"); err != nil {
		t.Fatal(err)
	}
	all := packBytes(t, path)
	for i := 0; i < 3; i++ {
		if bytes.Contains(all, marker(i)) {
			t.Fatalf("body %d of the removed account still in the packs", i)
		}
	}
	checkBodies(t, s, kept, 100)
}

// TestCutOffCompactionLosesNothing: a compaction stopped after each of its
// steps loses no body and names none twice; the next one finishes the work.
func TestCutOffCompactionLosesNothing(t *testing.T) {
	defer func() { compactStep = nil }()
	for _, stop := range []string{"written", "renamed", "committed"} {
		t.Run(stop, func(t *testing.T) {
			ctx := context.Background()
			s, path, ids := packedStore(t, 8)
			storeBodies(t, s, ids, 0)
			folder, _ := s.FolderID(ctx, "canhan", "INBOX")
			cuts := 0
			compactStep = func(step string) error {
				if step == stop {
					cuts++
					return errors.New("cut off")
				}
				return nil
			}
			b, _ := s.BeginBatch(ctx)
			b.Delete(folder, []uint32{1, 2, 3, 4, 5, 6})
			if err := b.Commit(); err != nil { // its compaction is cut off
				t.Fatal(err)
			}
			if cuts != 1 {
				t.Fatalf("compaction cut off %d times, want 1", cuts)
			}
			checkBodies(t, s, ids[6:], 6)
			s.Close()
			s, err := Open(path) // as after a restart
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			checkBodies(t, s, ids[6:], 6)
			compactStep = nil
			if err := s.PurgeBodies(ctx); err != nil {
				t.Fatal(err)
			}
			checkBodies(t, s, ids[6:], 6)
			var rows int
			var live int64
			s.db.QueryRow(`SELECT COUNT(*), SUM(size) FROM body_packs`).Scan(&rows, &live)
			all := packBytes(t, path)
			if rows != 2 || int64(len(all)) != live {
				t.Fatalf("%d rows; packs hold %d bytes, %d live", rows, len(all), live)
			}
			for i := 0; i < 6; i++ {
				if bytes.Contains(all, marker(i)) {
					t.Fatalf("deleted body %d still in the packs", i)
				}
			}
		})
	}
}

// TestResetAndRemovedFoldersReclaimed: a folder renumbered by the server
// (UIDVALIDITY) or no longer listed leaves no body behind.
func TestResetAndRemovedFoldersReclaimed(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 4)
	storeBodies(t, s, ids, 0)
	folder, _ := s.FolderID(ctx, "canhan", "INBOX")
	if err := s.ResetFolder(ctx, folder, 77); err != nil {
		t.Fatal(err)
	}
	if all := packBytes(t, path); len(all) != 0 {
		t.Fatalf("%d bytes left in the packs after the folder was reset", len(all))
	}
	archive, _ := s.EnsureFolder(ctx, "canhan", "Lưu trữ", model.RoleArchive)
	put(t, s, archive.ID, &Record{UID: 1, Subject: "Quyết định", Date: time.Unix(1_700_000_000, 0)})
	storeBodies(t, s, []int64{mustID(t, s, archive.ID, 1)}, 50)
	if !bytes.Contains(packBytes(t, path), marker(50)) {
		t.Fatal("body not stored")
	}
	if err := s.RemoveFoldersExcept(ctx, "canhan", []string{"INBOX"}); err != nil {
		t.Fatal(err)
	}
	if all := packBytes(t, path); bytes.Contains(all, marker(50)) {
		t.Fatal("body of a removed folder left in the packs")
	}
}
