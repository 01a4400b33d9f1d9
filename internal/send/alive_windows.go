package send

import "os"

// processGone reports whether no process pid exists on this machine.
func processGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}

// pidSpace: Windows has one process-id space per machine.
func pidSpace() string { return "" }
