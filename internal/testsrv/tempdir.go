package testsrv

import (
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
)

// TempDir is t.TempDir for tests that also run on Windows under Wine.
// Wine 8 does not implement the POSIX-semantics delete that os.RemoveAll
// uses on Windows (NtSetInformationFile with FileDispositionInformationEx
// answers STATUS_NOT_IMPLEMENTED, "Invalid function"), so t.TempDir's
// cleanup fails there. This directory is removed at cleanup too, and only
// that one Windows error is tolerated; everywhere else it is t.TempDir.
func TempDir(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "windows" {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("", "tcv-test-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil && !errors.Is(err, errInvalidFunction) {
			tb.Errorf("remove %s: %v", dir, err)
		}
	})
	return dir
}

// errInvalidFunction is Windows' ERROR_INVALID_FUNCTION, what Wine's
// missing NtSetInformationFile class becomes.
var errInvalidFunction = syscall.Errno(1)
