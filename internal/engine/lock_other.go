//go:build !unix && !windows

package engine

import "os"

// tryLockFile: no file locking here; the in-process lock still holds.
func tryLockFile(*os.File) error { return nil }
