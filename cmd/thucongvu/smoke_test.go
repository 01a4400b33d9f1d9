package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func waitFor(t *testing.T, limit time.Duration, ok func() bool) {
	t.Helper()
	if !tryFor(limit, ok) {
		t.Fatalf("gave up after %s", limit)
	}
}

func tryFor(limit time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
	return true
}

var binary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildBinary builds the thucongvu executable once for the package's tests.
func buildBinary(t *testing.T) string {
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "thucongvu-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "thucongvu")
		binary.out, binary.err = exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
	})
	if binary.err != nil {
		t.Fatalf("build: %v\n%s", binary.err, binary.out)
	}
	return binary.path
}

// Under LANG=C.UTF-8 (the usual locale of servers and CI machines) an
// error is still one line on stderr: nothing of Fyne's start-up leaks.
func TestErrorIsOneLineUnderCLocale(t *testing.T) {
	for _, lang := range []string{"C.UTF-8", "C", "POSIX", "en_US.UTF-8", "vi_VN.UTF-8"} {
		cmd := exec.Command(buildBinary(t), "parse", "/khong-co-tep.eml")
		cmd.Env = append(os.Environ(), "LANG="+lang, "LC_ALL=", "THUCONGVU_HOME="+t.TempDir())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("LANG=%s: %v", lang, err)
		}
		if lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n"); len(lines) != 1 {
			t.Errorf("LANG=%s: %d lines on stderr:\n%s", lang, len(lines), stderr.String())
		}
		english := strings.HasPrefix(lang, "en")
		if got := strings.Contains(stderr.String(), "Not found"); got != english {
			t.Errorf("LANG=%s: %q", lang, stderr.String())
		}
	}
}
