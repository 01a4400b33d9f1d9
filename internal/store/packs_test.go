package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

func packedStore(t *testing.T, n int) (*Store, string, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mail.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f, err := s.EnsureFolder(context.Background(), "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := 1; i <= n; i++ {
		put(t, s, f.ID, &Record{UID: uint32(i), Subject: fmt.Sprintf("Công văn số %d", i), Date: time.Unix(int64(1_700_000_000+i), 0)})
		ids = append(ids, mustID(t, s, f.ID, uint32(i)))
	}
	return s, path, ids
}

func rawOf(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("Subject: thư %d\r\n\r\nNội dung %d.\r\n", i, i)), 100+i)
}

// TestPackedBodiesSurviveReopen: bodies, an empty one among them, read
// back the same after the store is closed and opened again, across packs.
func TestPackedBodiesSurviveReopen(t *testing.T) {
	defer func(old int64) { packLimit = old }(packLimit)
	packLimit = 8 << 10 // a new pack every few bodies
	ctx := context.Background()
	s, path, ids := packedStore(t, 12)
	for k := 0; k < len(ids); k += 3 {
		var batch []Body
		for i := k; i < k+3; i++ {
			raw := rawOf(i)
			if i == 4 {
				raw = []byte{}
			}
			batch = append(batch, Body{ID: ids[i], Raw: raw, Text: fmt.Sprintf("noi dung %d", i)})
		}
		if err := s.PutBodies(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, id := range ids {
		got, err := s.Body(ctx, id)
		want := rawOf(i)
		if i == 4 {
			want = []byte{}
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("body %d: %d bytes, %v; want %d bytes", i, len(got), err, len(want))
		}
	}
	packs, _ := filepath.Glob(filepath.Join(packDir(path), "*.pack"))
	if len(packs) < 2 {
		t.Fatalf("%d packs, want several", len(packs))
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(packDir(path)); fi.Mode().Perm() != 0o700 {
			t.Errorf("pack folder mode %v, want 0700", fi.Mode().Perm())
		}
		for _, p := range packs {
			if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
			}
		}
	}
	if refs, _ := s.MissingBodies(ctx, "canhan", 100); len(refs) != 0 {
		t.Fatalf("%d bodies still missing", len(refs))
	}
}

// TestPackFailedCommitResumes: a batch whose transaction fails after its
// bytes were appended stores nothing; the next attempt stores each body
// once, and the bytes left behind are never read.
func TestPackFailedCommitResumes(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 2)
	err := s.PutBodies(ctx, []Body{{ID: ids[0], Raw: rawOf(0)}, {ID: 999_999, Raw: rawOf(9)}})
	if err == nil {
		t.Fatal("a body of an unknown message was accepted")
	}
	if _, err := s.Body(ctx, ids[0]); !errors.Is(err, failure.ErrNotFound) {
		t.Fatalf("body of a failed batch: %v", err)
	}
	if refs, _ := s.MissingBodies(ctx, "canhan", 10); len(refs) != 2 {
		t.Fatalf("%d bodies missing after the failed batch, want 2", len(refs))
	}
	if err := s.PutBodies(ctx, []Body{{ID: ids[1], Raw: rawOf(1)}, {ID: ids[0], Raw: rawOf(0)}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBodies(ctx, []Body{{ID: ids[0], Raw: rawOf(0)}}); err != nil { // replayed
		t.Fatal(err)
	}
	for i, id := range ids {
		if got, err := s.Body(ctx, id); err != nil || !bytes.Equal(got, rawOf(i)) {
			t.Fatalf("body %d: %d bytes, %v", i, len(got), err)
		}
	}
	var rows int
	s.db.QueryRow(`SELECT COUNT(*) FROM body_packs`).Scan(&rows)
	fi, _ := os.Stat(packName(packDir(path), 1))
	if rows != 2 || fi.Size() <= int64(len(rawOf(0))+len(rawOf(1))) {
		t.Fatalf("%d rows, pack of %d bytes", rows, fi.Size())
	}
	hits, err := s.Search(ctx, "cong van so 1", "", 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search after resume: %v %v", hits, err)
	}
}

// TestBlobBodiesOfOlderStoresRead: a body an older version kept in the
// database is read from there, and replaced by the packed copy when the
// body comes again.
func TestBlobBodiesOfOlderStoresRead(t *testing.T) {
	ctx := context.Background()
	s, _, ids := packedStore(t, 1)
	if _, err := s.db.Exec(`INSERT INTO bodies (message, raw) VALUES (?, ?)`, ids[0], []byte("old blob")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Body(ctx, ids[0]); err != nil || string(got) != "old blob" {
		t.Fatalf("%q %v", got, err)
	}
	if err := s.PutBodies(ctx, []Body{{ID: ids[0], Raw: []byte("packed")}}); err != nil {
		t.Fatal(err)
	}
	var blobs int
	s.db.QueryRow(`SELECT COUNT(*) FROM bodies`).Scan(&blobs)
	if got, err := s.Body(ctx, ids[0]); err != nil || string(got) != "packed" || blobs != 0 {
		t.Fatalf("%q %v, %d blobs left", got, err, blobs)
	}
}
