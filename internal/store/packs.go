package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Raw bodies live in append-only pack files beside the database, one write
// and one fsync a batch, instead of going through the WAL and then the
// database file page by page. The database keeps where each body is.
//
// A batch is appended and synced while its transaction holds the
// database's write lock (BEGIN IMMEDIATE), so two processes on one store
// never append at once, and before the rows that point at it commit: the
// database never names bytes that are not on disk. A batch whose commit
// fails leaves unnamed bytes at a pack's end, never read, and its messages
// still without a body, to be downloaded again: no loss, no duplicate.
const packsSchema = `
CREATE TABLE IF NOT EXISTS body_packs (
	message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	pack    INTEGER NOT NULL,
	at      INTEGER NOT NULL,
	size    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS body_packs_by_pack ON body_packs (pack, at);
`

// packLimit: a new pack is started once the last one is this large.
var packLimit int64 = 256 << 20

// maxPackedBody bounds what one body may claim to be, so a damaged row
// cannot make a read allocate without end (SQLite's own bound on a value).
const maxPackedBody = 1 << 30

// packDir is where the packs of the database at path live.
func packDir(path string) string { return path + ".bodies" }

func packName(dir string, n int64) string {
	return filepath.Join(dir, fmt.Sprintf("%08d.pack", n))
}

// lastPack returns the highest pack number in dir, 0 when there is none.
func lastPack(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var nums []int64
	for _, e := range entries {
		if n, err := strconv.ParseInt(strings.TrimSuffix(e.Name(), ".pack"), 10, 64); err == nil && strings.HasSuffix(e.Name(), ".pack") {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return 0, nil
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	return nums[len(nums)-1], nil
}

// appendPack writes raws to the end of the current pack and syncs it. The
// caller holds the database's write lock. It returns the pack and each
// body's offset.
func (s *Store) appendPack(raws [][]byte) (int64, []int64, error) {
	if err := os.MkdirAll(s.packs, 0o700); err != nil {
		return 0, nil, fmt.Errorf("store bodies: %w", err)
	}
	n, err := lastPack(s.packs)
	if err != nil {
		return 0, nil, fmt.Errorf("store bodies: %w", err)
	}
	fresh := false
	if n == 0 {
		n, fresh = 1, true
	} else if fi, err := os.Stat(packName(s.packs, n)); err == nil && fi.Size() >= packLimit {
		n, fresh = n+1, true
	}
	f, err := os.OpenFile(packName(s.packs, n), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return 0, nil, fmt.Errorf("store bodies: %w", err)
	}
	defer f.Close()
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, nil, fmt.Errorf("store bodies: %w", err)
	}
	offsets := make([]int64, len(raws))
	at := end
	for i, raw := range raws {
		offsets[i] = at
		if _, err := f.Write(raw); err != nil {
			f.Truncate(end) // a full disk leaves no half batch behind
			return 0, nil, fmt.Errorf("store bodies: %w", err)
		}
		at += int64(len(raw))
	}
	if err := f.Sync(); err != nil {
		return 0, nil, fmt.Errorf("store bodies: %w", err)
	}
	if fresh {
		if err := syncDir(s.packs); err != nil {
			return 0, nil, fmt.Errorf("store bodies: %w", err)
		}
	}
	return n, offsets, nil
}

// syncDir makes a new file's name durable (Linux, macOS); Windows has no
// directory handle to sync and needs none.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// packedBody reads message id's body from its pack; ok is false when the
// body is not in a pack. A compaction may move the body between reading
// its row and opening its pack: the row is then read again.
func (s *Store) packedBody(ctx context.Context, id int64) (raw []byte, ok bool, err error) {
	for try := 0; ; try++ {
		raw, ok, err = s.readPacked(ctx, id)
		if try == 2 || !errors.Is(err, os.ErrNotExist) {
			return raw, ok, err
		}
	}
}

func (s *Store) readPacked(ctx context.Context, id int64) (raw []byte, ok bool, err error) {
	var pack, at, size int64
	err = s.db.QueryRowContext(ctx, `SELECT pack, at, size FROM body_packs WHERE message = ?`, id).Scan(&pack, &at, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if size < 0 || size > maxPackedBody || at < 0 {
		return nil, true, fmt.Errorf("body of message %d: damaged location", id)
	}
	f, err := os.Open(packName(s.packs, pack))
	if err != nil {
		return nil, true, fmt.Errorf("body of message %d: %w", id, err)
	}
	defer f.Close()
	raw = make([]byte, size)
	if _, err := f.ReadAt(raw, at); err != nil {
		return nil, true, fmt.Errorf("body of message %d: %w", id, err)
	}
	return raw, true, nil
}
