package testsrv

import (
	"os"
	"os/exec"
	"syscall"
)

// The servers are Unix daemons: on Windows the package builds (its helpers
// and test binaries cross-compile) and Need reports them missing.

// setGroup has no Windows counterpart: children are stopped one by one.
func setGroup(*exec.Cmd, syscall.Signal) {}

// signalGroup ends process pid (Windows has no signals to send).
func signalGroup(pid int, _ syscall.Signal) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// groupRunning is false: signalGroup already ended the only process.
func groupRunning(int) bool { return false }

// processGone reports whether no process pid exists.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}

// writable reports whether dir exists (Windows temp directories are the user's).
func writable(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// PeakRSSKiB is 0: Windows reports no peak memory in the process state
// (the memory benchmarks run on Linux).
func PeakRSSKiB(*os.ProcessState) int64 { return 0 }
