//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/testsrv"
)

const (
	alwaysSender     = "stc@hanam.gov.vn"
	alwaysSenderPass = "Stc#2026-abcd"
)

// syncProc is a running `thucongvu sync` on one state folder: one machine.
type syncProc struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *syncProc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *syncProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func startSync(t *testing.T, home string) *syncProc {
	p := &syncProc{cmd: exec.Command(buildBinary(t), "sync")}
	p.cmd.Env = append(os.Environ(), "THUCONGVU_HOME="+home)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// stop ends it as systemd or Task Scheduler would, and waits.
func (p *syncProc) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("sync exited with %v:\n%s", err, p.output())
	}
}

// Always on (LA 6.2, R2): two machines run continuous `thucongvu sync` on
// the agency mailbox, each with its own state folder, the password in the
// keychain reached from the background process. Documents delivered
// through Postfix meanwhile are acknowledged by one of them, exactly once
// each: the claim on the server ($TCVAcked set with UNCHANGEDSINCE)
// decides between machines.
func TestAlwaysOnSyncAcknowledgesOnceAcrossMachines(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, alwaysSender: alwaysSenderPass}})
	p := testsrv.StartPostfix(t, d)
	homes := []string{t.TempDir(), t.TempDir()}
	for _, home := range homes {
		if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p, "--shared")...); r.code != 0 {
			t.Fatalf("add: %d %s", r.code, r.stderr)
		}
	}
	procs := []*syncProc{startSync(t, homes[0]), startSync(t, homes[1])}
	for _, p := range procs { // both past their first pass, on IDLE
		waitFor(t, 60*time.Second, func() bool { return strings.Contains(p.output(), "vanthu:") })
	}
	const n = 5
	for i := 1; i <= n; i++ {
		submitAs(t, p, alwaysSender, alwaysSenderPass, cliUser, fmt.Sprintf("From: Sở Tài chính <%s>\r\nTo: %s\r\n"+
			"Subject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_%d/STC-NS?=\r\nMessage-ID: <always%d.%d@hanam.gov.vn>\r\nDate: %s\r\n"+
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Kính gửi Văn phòng.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n", alwaysSender, cliUser, i, i, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z)))
	}
	start := time.Now()
	if !tryFor(60*time.Second, func() bool { return countMessages(t, d, alwaysSender) >= n }) {
		t.Fatalf("%d of %d acknowledgements after 60 s\n%s\n%s", countMessages(t, d, alwaysSender), n, procs[0].output(), procs[1].output())
	}
	t.Logf("%d documents acknowledged %s after delivery began", n, time.Since(start).Round(time.Millisecond))
	for _, p := range procs {
		p.stop(t)
	}
	// Nothing left in flight: both outboxes empty, Postfix's queue empty.
	for _, home := range homes {
		r := runCLI(t, home, "", "outbox", "--json")
		var items []any
		if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 0 {
			t.Fatalf("outbox of %s: %v %s", home, err, r.stdout)
		}
	}
	waitFor(t, 30*time.Second, func() bool { return p.Queued() == 0 })
	if got := countMessages(t, d, alwaysSender); got != n {
		t.Fatalf("%s received %d acknowledgements for %d documents", alwaysSender, got, n)
	}
}

func submitAs(t *testing.T, p *testsrv.Postfix, user, pass, to, raw string) {
	c, err := smtp.DialTLS(p.SubmissionsAddr, p.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(user, []string{to}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
}

// The background process reaches the password in the keychain; while the
// keychain is locked (after a reboot, before the login that unlocks it)
// sync stops with a keychain error for the service manager to restart it,
// and once unlocked the restarted sync runs.
func TestAlwaysOnSyncLockedKeychain(t *testing.T) {
	k := testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p, "--shared")...); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	k.Lock(t)
	locked := exec.Command(buildBinary(t), "sync", "--lang", "en")
	locked.Env = append(os.Environ(), "THUCONGVU_HOME="+home)
	out, err := locked.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(strings.ToLower(string(out)), "keychain") {
		t.Fatalf("sync with a locked keychain: %v\n%s", err, out)
	}
	k.Unlock(t)
	s := startSync(t, home)
	waitFor(t, 30*time.Second, func() bool {
		return strings.Contains(s.output(), "vanthu: ") && strings.Contains(s.output(), " messages")
	})
	s.stop(t)
}
