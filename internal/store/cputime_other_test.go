//go:build !unix

package store

import "time"

// cpuTime is measured on Unix only.
func cpuTime() time.Duration { return 0 }
