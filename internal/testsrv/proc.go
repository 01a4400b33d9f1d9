package testsrv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is one daemon started in its own process group.
type proc struct {
	cmd   *exec.Cmd
	done  chan struct{} // closed once Wait has returned
	err   error         // Wait's result, valid after done
	guard *os.File      // write end of the watchdog pipe, if any
}

// startProc starts cmd as the leader of a new process group that receives
// deathSig (none if 0) when the test binary dies. Pdeathsig fires when the
// forking OS thread exits, so the fork happens on a locked thread that lives
// until the child has been reaped.
func startProc(cmd *exec.Cmd, deathSig syscall.Signal) (*proc, error) {
	setGroup(cmd, deathSig)
	p := &proc{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine, after the child
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	return p, nil
}

// watchdogScript runs a daemon that clears its parent-death signal (Postfix's
// master changes credentials, which resets it): it keeps the daemon in the
// foreground and sends it SIGTERM once standard input, a pipe whose write end
// only the test process holds, reaches EOF — when the test binary dies,
// however it dies.
const watchdogScript = `"$@" </dev/null & d=$!; read -r _; kill -TERM $d 2>/dev/null; wait $d`

// startGuarded starts argv under watchdogScript in a new process group.
func startGuarded(argv []string, setup func(*exec.Cmd)) (*proc, error) {
	r, w, err := os.Pipe() // close-on-exec: no other child inherits the write end
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	cmd := exec.Command("/bin/sh", append([]string{"-c", watchdogScript, "testsrv-watchdog"}, argv...)...)
	setup(cmd)
	cmd.Stdin = r
	// No parent-death signal for the shell: it must live to see the EOF.
	p, err := startProc(cmd, 0)
	r.Close()
	if err != nil {
		w.Close()
		return nil, err
	}
	p.guard = w
	return p, nil
}

// exited reports whether the group leader has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the whole group, SIGKILL after grace (at once when
// grace is 0), and returns once no process of the group is left (so its
// listening sockets are closed).
func (p *proc) stop(grace time.Duration) {
	pgid := p.cmd.Process.Pid
	sig := syscall.SIGTERM
	if grace == 0 {
		sig = syscall.SIGKILL
	}
	signalGroup(pgid, sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		signalGroup(pgid, syscall.SIGKILL)
		<-p.done
	}
	// Children of the leader that outlived it: kill them and wait until none
	// is left running. Zombies (already dead, waiting for init to reap
	// them) hold no sockets and are ignored.
	deadline := time.Now().Add(5 * time.Second)
	for groupRunning(pgid) && time.Now().Before(deadline) {
		signalGroup(pgid, syscall.SIGKILL)
		time.Sleep(2 * time.Millisecond) // polling the kernel: there is no event for a group's end
	}
	if p.guard != nil {
		p.guard.Close()
	}
}

// freePorts returns n distinct free TCP ports on 127.0.0.1. Another process
// may take one before the server binds it; the starters retry on that.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// errAddrInUse marks a start that failed because a port was taken meanwhile.
var errAddrInUse = errors.New("address already in use")

// waitReady polls ready until it returns true, the process exits, or timeout.
// On exit it returns tail() (the end of the logs), classified as
// errAddrInUse when the logs say so.
func waitReady(p *proc, tail func() string, timeout time.Duration, ready func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		if ready() {
			return nil
		}
		if p.exited() {
			t := tail()
			if strings.Contains(t, "in use") {
				return fmt.Errorf("%w: %s", errAddrInUse, t)
			}
			return fmt.Errorf("exited (%v): %s", p.err, t)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %s", timeout, tail())
		}
		time.Sleep(5 * time.Millisecond) // readiness poll: the daemons offer no notification
	}
}

// logTail returns the last 2 KB of a log file, for error messages.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return strings.TrimSpace(string(b))
}

// canDial reports whether something accepts TCP connections on addr.
func canDial(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// makeDir creates a world-traversable directory for one server (the mail
// servers' unprivileged users must reach files inside it), with a path short
// enough for Unix sockets. It prefers the tmpfs /dev/shm, where creating
// 50,000 Maildir files takes a second instead of a minute on a loaded disk;
// TESTSRV_DIR overrides the parent. Directories left behind by test binaries
// that were killed before their cleanup ran are removed first.
func makeDir(prefix string) (string, error) {
	parent := os.Getenv("TESTSRV_DIR")
	if parent == "" {
		parent = os.TempDir()
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && writable("/dev/shm") {
			parent = "/dev/shm"
		}
	}
	sweepStale(parent)
	dir, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return "", fmt.Errorf("make temp dir: %w", err)
	}
	err = os.Chmod(dir, 0o755)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("make temp dir: %w", err)
	}
	return dir, nil
}

// ownerFile holds the PID of the test process that owns a server directory.
const ownerFile = "testsrv.owner"

// sweepStale removes tcv-* directories in parent whose owning process is gone.
func sweepStale(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "tcv-") {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if processGone(pid) {
			os.RemoveAll(dir)
		}
	}
}

// startOnSamePorts starts a stopped server again on its ports, waiting
// (up to a second) while another process still holds one of them.
func startOnSamePorts(start func() error) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		if err = start(); !isAddrInUse(err) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}
