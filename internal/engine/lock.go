package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Duties an account's lock is taken for.
const (
	DutyAck    = "ack"    // an acknowledgement pass (R2: exactly once)
	DutyOutbox = "outbox" // an outbox flush: a queued row goes once
)

// procLocks holds one slot per lock file for the whole process, so that
// two engines on the same home in one process also take turns.
var procLocks sync.Map // absolute lock path → chan struct{} (one slot)

// lockPoll is how often a lock held by another process is tried again.
const lockPoll = 25 * time.Millisecond

// errLocked: another process holds the lock file.
var errLocked = errors.New("lock held by another process")

// LockAccount makes a duty single-flight per account: within the process
// and across processes sharing the home (a lock file under locks/). A
// second caller waits for the first; it gives up with ctx's error. The
// returned unlock is safe to call more than once.
func (e *Engine) LockAccount(ctx context.Context, account, duty string) (unlock func(), err error) {
	dir, err := filepath.Abs(filepath.Join(e.Config.Dir, "locks"))
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, fileSafe(account)+"."+duty+".lock")
	v, _ := procLocks.LoadOrStore(path, make(chan struct{}, 1))
	slot := v.(chan struct{})
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f, err := lockFileWait(ctx, dir, path)
	if err != nil {
		<-slot
		return nil, err
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			f.Close() // closing releases the OS lock
			<-slot
		})
	}, nil
}

func lockFileWait(ctx context.Context, dir, path string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	for {
		err := tryLockFile(f)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// fileSafe spells an account name with the bytes every file system takes
// (letters, digits, - _ .), the others as %XX.
func fileSafe(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			b = append(b, c)
		} else {
			b = fmt.Appendf(b, "%%%02X", c)
		}
	}
	return string(b)
}
