//go:build !unix

package imapsync

import "time"

// processCPU is measured on Unix only.
func processCPU() time.Duration { return 0 }
