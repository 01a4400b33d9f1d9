//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"thucongvu/internal/testsrv"
)

// TestDemoWindowUnderXvfb starts `thucongvu demo` in a real window on a
// private X server and finds its window.
func TestDemoWindowUnderXvfb(t *testing.T) {
	testsrv.Need(t, "Xvfb", "xwininfo")
	display := fmt.Sprintf(":%d", 90+os.Getpid()%400)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	xvfb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := xvfb.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { xvfb.Process.Kill(); xvfb.Wait() }()
	waitFor(t, 10*time.Second, func() bool { return exec.Command("xwininfo", "-display", display, "-root").Run() == nil })

	// The real binary: GLFW needs the process's main thread, which a test
	// goroutine is not.
	demo := exec.Command(buildBinary(t), "demo")
	demo.Env = append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS=", "THUCONGVU_HOME="+t.TempDir())
	demo.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	demo.Stdout, demo.Stderr = &out, &out
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { syscall.Kill(-demo.Process.Pid, syscall.SIGKILL); demo.Wait() }()
	found := ""
	tryFor(60*time.Second, func() bool {
		tree, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").CombinedOutput()
		for _, line := range strings.Split(string(tree), "\n") {
			if strings.Contains(line, "Thư Công Vụ") && strings.Contains(line, "thư chưa đọc") {
				found = line
				return true
			}
		}
		return false
	})
	if found == "" {
		t.Fatalf("no demo window; output:\n%s", out.String())
	}
	t.Logf("window: %s", strings.TrimSpace(found))
}
