package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/testsrv"
)

// `thucongvu ack` obeys machine policy (AutoAckDisabled: exit 3, nothing
// sent), and lists a message it cannot read with state "error" and the
// reason while it acknowledges the document beside it (R2).
func TestCLIAckPolicyAndUnreadableMail(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p)...); r.code != 0 {
		t.Fatalf("account add: %d %s", r.code, r.stderr)
	}
	time.Sleep(time.Second) // INTERNALDATE counts whole seconds
	d.AppendMany(t, cliUser, "INBOX", 1, func(int) []byte { return []byte("\x00\x01 no header here\r\n\r\nbody\r\n") })
	d.Deliver(t, cliUser, []byte(fmt.Sprintf("Return-Path: <%s>\r\nFrom: Đỗ Văn Đức <%s>\r\nTo: %s\r\nSubject: Công văn số 88/STP\r\n"+
		"Message-ID: <cv88@longan.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n--b\r\nContent-Type: application/pdf\r\n"+
		"Content-Disposition: attachment; filename=cv88.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n", cliPeer, cliPeer, cliUser)))

	policy := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(policy, []byte(`{"AutoAckDisabled": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(config.PolicyEnv, policy)
	r := runCLI(t, home, "", "ack", "--json")
	if r.code != 3 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("ack under policy: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	r = runCLI(t, home, "", "ack", "--json")
	var res []struct{ Subject, State, Reason string }
	if err := json.Unmarshal([]byte(r.stdout), &res); r.code != 0 || err != nil {
		t.Fatalf("ack: exit %d %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	states := map[string]int{}
	for _, x := range res {
		states[x.State]++
		if x.State == "error" && x.Reason == "" {
			t.Errorf("error without a reason: %+v", x)
		}
	}
	if states["sent"] != 1 || states["error"] != 1 {
		t.Fatalf("want one sent and one error: %s", r.stdout)
	}
	// The peer got exactly one acknowledgement, not one under the policy.
	deadline := time.Now().Add(20 * time.Second)
	for countMessages(t, d, cliPeer) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d messages, want the one acknowledgement", cliPeer, countMessages(t, d, cliPeer))
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a second one would show now
	if n := countMessages(t, d, cliPeer); n != 1 {
		t.Fatalf("%s has %d messages, want the one acknowledgement", cliPeer, n)
	}
}

func countMessages(t *testing.T, d *testsrv.Dovecot, user string) int {
	out := strings.TrimSpace(d.Doveadm(t, "-f", "flow", "mailbox", "status", "-u", user, "messages", "INBOX"))
	_, val, _ := strings.Cut(out, "messages=")
	var n int
	fmt.Sscanf(val, "%d", &n)
	return n
}
