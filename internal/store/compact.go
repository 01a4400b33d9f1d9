package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Deleted mail leaves its bytes in the packs until they are compacted: a
// pack whose dead share passes deadShare is rewritten without its dead
// bodies, and after an account is removed every pack with a dead byte is,
// so nothing of the account's mail stays on disk.
//
// A compaction runs under the database's write lock, so no batch appends
// meanwhile. It copies the live bodies into a new pack (written under a
// temporary name, synced, then renamed), points their rows at it in one
// transaction, and only then unlinks the old pack. A crash before the
// commit leaves the old rows and the old pack whole and the new pack named
// by no row; a crash after it leaves the old pack named by no row. Either
// way nothing is lost, no body is named twice, and the next compaction
// unlinks the pack no row names.
const deadShare = 0.5

// compactStep, when set, runs between the steps of a compaction; an error
// it returns stops the compaction there, as a crash would.
var compactStep func(step string) error

func stepDone(step string) error {
	if compactStep == nil {
		return nil
	}
	return compactStep(step)
}

// packUse is how much of a pack the database still names.
type packUse struct {
	live int64 // bytes of bodies rows name
	size int64 // bytes in the file
}

// ReclaimBodies compacts the packs whose dead share passes the threshold.
// It is called after mail is deleted; a failure leaves the packs readable.
func (s *Store) ReclaimBodies(ctx context.Context) error {
	return s.compactPacks(ctx, deadShare)
}

// PurgeBodies compacts every pack holding a byte no row names.
func (s *Store) PurgeBodies(ctx context.Context) error {
	return s.compactPacks(ctx, 0)
}

// compactPacks rewrites each pack whose dead share exceeds threshold (any
// dead byte when threshold is 0) and unlinks the packs no row names.
func (s *Store) compactPacks(ctx context.Context, threshold float64) error {
	entries, err := os.ReadDir(s.packs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reclaim bodies: %w", err)
	}
	var packs []int64
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".pack.new") { // left by a cut-off compaction
			os.Remove(filepath.Join(s.packs, name))
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSuffix(name, ".pack"), 10, 64); err == nil && strings.HasSuffix(name, ".pack") {
			packs = append(packs, n)
		}
	}
	// What each pack holds, read once without the lock; a pack that looks
	// worth compacting is looked at again under it.
	live := map[int64]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT pack, SUM(size) FROM body_packs GROUP BY pack`)
	if err != nil {
		return fmt.Errorf("reclaim bodies: %w", err)
	}
	for rows.Next() {
		var n, size int64
		if err := rows.Scan(&n, &size); err != nil {
			rows.Close()
			return fmt.Errorf("reclaim bodies: %w", err)
		}
		live[n] = size
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reclaim bodies: %w", err)
	}
	for _, n := range packs {
		fi, err := os.Stat(packName(s.packs, n))
		if err != nil {
			continue
		}
		if used, named := live[n]; named && !worthCompacting(packUse{live: used, size: fi.Size()}, threshold) {
			continue
		}
		if err := s.compactPack(ctx, n, threshold); err != nil {
			return fmt.Errorf("reclaim bodies: %w", err)
		}
	}
	return nil
}

// worthCompacting: the pack's dead bytes exceed threshold of its size (any
// dead byte when threshold is 0).
func worthCompacting(u packUse, threshold float64) bool {
	dead := u.size - u.live
	return dead > 0 && float64(dead) > threshold*float64(u.size)
}

// compactPack rewrites pack n without its dead bodies when their share
// exceeds threshold, and unlinks it when no row names it.
func (s *Store) compactPack(ctx context.Context, n int64, threshold float64) error {
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: no batch appends meanwhile
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old := packName(s.packs, n)
	fi, err := os.Stat(old)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	use := packUse{size: fi.Size()}
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM body_packs WHERE pack = ?`, n).Scan(&count, &use.live); err != nil {
		return err
	}
	if count == 0 { // unlinked under the lock: no batch is appending to it
		return unlinkPack(old)
	}
	if !worthCompacting(use, threshold) {
		return nil
	}
	type body struct{ message, at, size int64 }
	rows, err := tx.QueryContext(ctx, `SELECT message, at, size FROM body_packs WHERE pack = ? ORDER BY at`, n)
	if err != nil {
		return err
	}
	var bodies []body
	for rows.Next() {
		var b body
		if err := rows.Scan(&b.message, &b.at, &b.size); err != nil {
			rows.Close()
			return err
		}
		bodies = append(bodies, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	last, err := lastPack(s.packs)
	if err != nil {
		return err
	}
	fresh := last + 1
	tmp := packName(s.packs, fresh) + ".new"
	src, err := os.Open(old)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	keepTmp := false
	defer func() {
		dst.Close()
		if !keepTmp {
			os.Remove(tmp)
		}
	}()
	moved := make([]int64, len(bodies))
	var at int64
	for i, b := range bodies {
		if b.size < 0 || b.size > maxPackedBody || b.at < 0 || b.at+b.size > use.size {
			return fmt.Errorf("body of message %d: damaged location", b.message)
		}
		if _, err := io.Copy(dst, io.NewSectionReader(src, b.at, b.size)); err != nil {
			return err
		}
		moved[i] = at
		at += b.size
	}
	if err := dst.Sync(); err != nil {
		return err
	}
	if err := stepDone("written"); err != nil {
		return err
	}
	if err := os.Rename(tmp, packName(s.packs, fresh)); err != nil {
		return err
	}
	keepTmp = true
	if err := syncDir(s.packs); err != nil {
		return err
	}
	if err := stepDone("renamed"); err != nil {
		return err
	}
	point, err := tx.PrepareContext(ctx, `UPDATE body_packs SET pack = ?, at = ? WHERE message = ?`)
	if err != nil {
		return err
	}
	defer point.Close()
	for i, b := range bodies {
		if _, err := point.ExecContext(ctx, fresh, moved[i], b.message); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if err := stepDone("committed"); err != nil {
		return err
	}
	return unlinkPack(old)
}

// unlinkPack removes a pack no row names and makes the removal durable.
func unlinkPack(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Dir(path))
}
