//go:build !windows

package send

import "syscall"

// processGone reports whether no process pid exists on this machine.
func processGone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }
