//go:build !linux

package ui_test

import "time"

// threadCPU and processCPU are measured on Linux only.
func threadCPU() time.Duration  { return 0 }
func processCPU() time.Duration { return 0 }
