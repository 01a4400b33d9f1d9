//go:build !windows

package send

import (
	"os"
	"syscall"
)

// processGone reports whether no process pid exists on this machine.
func processGone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }

// pidSpace names the process-id namespace (Linux containers, sandboxes).
func pidSpace() string {
	ns, _ := os.Readlink("/proc/self/ns/pid")
	return ns
}
