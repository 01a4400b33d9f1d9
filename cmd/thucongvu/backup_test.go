package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/testsrv"
)

// The handover (LĐ 10.1d, BD 10) through the command line: backup, restore
// into the new head's mailbox (twice: nothing doubled), search finds the
// same mail there; then prune (LĐ 12.3) deletes only the old mail, and a
// backup onto an unwritable target fails and deletes nothing.
func TestContractBackupRestorePrune(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass}})
	p := testsrv.StartPostfix(t, d)
	for i := 1; i <= 3; i++ {
		d.Deliver(t, cliUser, []byte(fmt.Sprintf("From: snv@hanam.gov.vn\r\nTo: %s\r\nSubject: =?UTF-8?Q?Quy=E1=BA=BFt_=C4=91=E1=BB=8Bnh_s=E1=BB=91_%d_v=E1=BB=81_chuy=E1=BB=83n_=C4=91=E1=BB=95i_s=E1=BB=91?=\r\n"+
			"Message-ID: <qd%d@hanam.gov.vn>\r\nDate: Mon, 16 Nov 2026 08:0%d:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi các đơn vị.\r\n", cliUser, i, i, i)))
	}
	c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(cliUser, cliPass).Wait(); err != nil {
		t.Fatal(err)
	}
	old := "From: snv@hanam.gov.vn\r\nSubject: Lich cong tac nam 2024\r\nMessage-ID: <old@hanam.gov.vn>\r\n\r\nCu.\r\n"
	cmd := c.Append("INBOX", int64(len(old)), &imap.AppendOptions{Time: time.Now().AddDate(-2, 0, 0)})
	io.WriteString(cmd, old)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait()

	home, heirHome, to := t.TempDir(), t.TempDir(), t.TempDir()
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p)...); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	heirArgs := []string{"account", "add", "bangiao", "--email", cliPeer, "--imap", d.IMAPSAddr, "--smtp", p.SubmissionsAddr,
		"--tls", "implicit", "--trust-cert", d.CertSHA256 + "," + p.CertSHA256, "--profile", "hanam", "--password-stdin"}
	if r := runCLI(t, heirHome, cliPeerPass+"\n", heirArgs...); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}

	r := runCLI(t, home, "", "backup", "vanthu", "--to", to, "--json")
	var sum backupSummary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || sum.Messages != 4 || sum.Deleted != 0 {
		t.Fatalf("backup: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(sum.Path, "manifest.json")); err != nil {
		t.Fatal(err)
	}
	for round, want := range []int{4, 0} {
		r = runCLI(t, heirHome, "", "restore", to, "--account", "bangiao", "--json")
		var res []struct {
			Folder   string `json:"folder"`
			Appended int    `json:"appended"`
			Skipped  int    `json:"skipped"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
			t.Fatalf("restore %d: exit %d %v %s %s", round, r.code, err, r.stdout, r.stderr)
		}
		got := 0
		for _, f := range res {
			got += f.Appended
		}
		if got != want {
			t.Fatalf("restore %d appended %d, want %d: %s", round, got, want, r.stdout)
		}
	}
	if r = runCLI(t, heirHome, "", "sync", "--once"); r.code != 0 {
		t.Fatalf("sync: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, heirHome, "", "search", "chuyen doi so", "--json")
	var hits []struct{ Account, Folder, Subject string }
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 3 || hits[0].Account != "bangiao" || !strings.Contains(hits[0].Subject, "chuyển đổi số") {
		t.Fatalf("search after restore: %v %s", err, r.stdout)
	}

	// Restored mail arrived before the new head's account was added: no
	// acknowledgement goes out for it again (R2).
	r = runCLI(t, heirHome, "", "ack", "bangiao", "--dry-run", "--json")
	var acks []struct {
		MessageID string `json:"message_id"`
		Action    string `json:"action"`
		Reason    string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &acks); err != nil || r.code != 0 || len(acks) == 0 {
		t.Fatalf("ack --dry-run: %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	for _, a := range acks {
		if a.Action == "ack" || a.MessageID == "old@hanam.gov.vn" && a.Reason != "before-account" {
			t.Fatalf("restored mail would be acknowledged again: %s", r.stdout)
		}
	}

	// A damaged backup: exit 2, nothing restored.
	manifest := filepath.Join(sum.Path, "manifest.json")
	raw, _ := os.ReadFile(manifest)
	os.WriteFile(manifest, raw[:len(raw)/2], 0o600)
	if r = runCLI(t, heirHome, "", "restore", sum.Path, "--account", "bangiao"); r.code != 2 {
		t.Fatalf("damaged backup: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(manifest, raw, 0o600)

	// An unwritable target: an error, and nothing is pruned.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if r = runCLI(t, home, "", "backup", "vanthu", "--to", filepath.Join(file, "sub"), "--prune-server-older-than", "30"); r.code != 1 || !strings.Contains(r.stderr, "not a directory") {
		t.Fatalf("unwritable target: exit %d %s", r.code, r.stderr)
	}
	if n := countMessages(t, d, cliUser); n != 4 {
		t.Fatalf("INBOX holds %d after a failed backup, want 4", n)
	}
	r = runCLI(t, home, "", "backup", "vanthu", "--to", to, "--prune-server-older-than", "30", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || sum.Deleted != 1 {
		t.Fatalf("prune: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	if n := countMessages(t, d, cliUser); n != 3 {
		t.Fatalf("INBOX holds %d after the prune, want 3", n)
	}
}
