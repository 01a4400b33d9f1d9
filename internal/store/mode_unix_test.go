//go:build unix

package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// mail.db and its -wal and -shm are 0600 even under a permissive umask, and
// an older install's 0644 database is brought down to 0600.
func TestStoreFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "home")
	path := filepath.Join(dir, "mail.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(context.Background(), `CREATE TABLE t (x); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	check := func(want int) {
		t.Helper()
		n := 0
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				continue
			}
			n++
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
			}
		}
		if n < want {
			t.Fatalf("only %d of the database files exist", n)
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
		}
	}
	check(3)
	st.Close()

	os.Chmod(path, 0o644)
	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check(1)
}
