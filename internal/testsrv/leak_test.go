package testsrv

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperServers is not a test: TestNoLeakWhenKilled runs it in a child
// test binary, which starts every server, prints their directories and
// waits to be killed.
func TestHelperServers(t *testing.T) {
	if os.Getenv("TESTSRV_HELPER") != "1" {
		t.Skip("helper process only")
	}
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	p := StartPostfix(t, d)
	k := StartKeyring(t)
	login(t, d, vanthu, vanthuPW) // an imap process too
	os.Stdout.WriteString("DIRS " + strings.Join([]string{d.Dir, p.Dir, k.Dir}, " ") + "\n")
	select {}
}

// TestNoLeakWhenKilled: when a test binary dies by SIGKILL (a go test
// timeout, a CI cancel), no daemon outlives it and the next start removes
// its directories.
func TestNoLeakWhenKilled(t *testing.T) {
	Need(t, "dovecot", "postfix", "dbus-daemon", "gnome-keyring-daemon")
	needRoot(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServers$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TESTSRV_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var dirs []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "DIRS "); ok {
			dirs = strings.Fields(rest)
			break
		}
	}
	if len(dirs) != 3 {
		t.Fatalf("helper did not start its servers")
	}
	if n := processesMentioning(dirs); n < 4 {
		t.Fatalf("only %d server processes found before the kill", n)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for processesMentioning(dirs) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d server processes outlived the killed test binary", processesMentioning(dirs))
		}
		time.Sleep(10 * time.Millisecond) // waiting for the kernel to deliver death signals
	}
	sweepStale(filepath.Dir(dirs[0]))
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("%s left behind after the sweep", d)
			os.RemoveAll(d)
		}
	}
}

// processesMentioning counts live (non-zombie) processes whose command line
// or environment (Postfix daemons carry MAIL_CONFIG) mentions one of dirs.
func processesMentioning(dirs []string) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 { // zombies have an empty command line
			continue
		}
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		cmdline := string(b) + string(env)
		for _, d := range dirs {
			if strings.Contains(cmdline, filepath.Base(d)) {
				n++
				break
			}
		}
	}
	return n
}
