package pdfconv

import (
	"os/exec"
	"strconv"
	"syscall"
)

const createNoWindow = 0x08000000

// setGroup starts cmd in a new process group without a console window.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP | createNoWindow}
}

// killGroup kills cmd and every process it started (soffice.exe starts
// soffice.bin).
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	tk := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid))
	tk.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNoWindow}
	err := tk.Run()
	cmd.Process.Kill()
	return err
}

// acceptPipeReady cannot watch Windows named pipes by name reliably; the
// warm-up conversion tells readiness instead.
func acceptPipeReady(string) bool { return true }

const acceptPipeKnown = false
