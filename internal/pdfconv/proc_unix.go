//go:build !windows

package pdfconv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// setGroup starts cmd in a process group of its own, so that soffice, the
// oosplash launcher and soffice.bin can be killed together.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills cmd's whole process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// acceptPipeReady reports whether LibreOffice's UNO acceptor listens on the
// named pipe: LibreOffice (sal/osl) makes it a socket /tmp/OSL_PIPE_<uid>_<name>
// once start-up is complete.
func acceptPipeReady(name string) bool {
	st, err := os.Stat(filepath.Join("/tmp", fmt.Sprintf("OSL_PIPE_%d_%s", os.Getuid(), name)))
	return err == nil && st.Mode()&os.ModeSocket != 0
}

// acceptPipeKnown: the socket path is known here, so readiness is watched.
const acceptPipeKnown = true
