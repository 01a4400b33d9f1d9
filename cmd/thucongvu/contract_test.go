package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/testsrv"
)

// The contract tests drive the real command line against a private
// Dovecot and Postfix, with passwords in a real gnome-keyring.

const (
	cliUser     = "vanthu@hanam.gov.vn"
	cliPass     = "Vt#2026-khoá"
	cliPeer     = "ducdv@longan.gov.vn"
	cliPeerPass = "La#2026-efgh"
)

type cliRun struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, home, stdin string, args ...string) cliRun {
	t.Helper()
	t.Setenv("THUCONGVU_HOME", home)
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return cliRun{code, out.String(), errb.String()}
}

func addArgs(name string, d *testsrv.Dovecot, p *testsrv.Postfix, extra ...string) []string {
	args := []string{"account", "add", name, "--email", cliUser, "--imap", d.IMAPSAddr, "--smtp", p.SubmissionsAddr,
		"--tls", "implicit", "--trust-cert", d.CertSHA256 + "," + p.CertSHA256, "--profile", "hanam", "--password-stdin"}
	return append(args, extra...)
}

func TestContractAccountSyncSearchSend(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	for i := 1; i <= 3; i++ {
		d.Deliver(t, cliUser, []byte(fmt.Sprintf("From: =?UTF-8?Q?S=E1=BB=9F_N=E1=BB=99i_v=E1=BB=A5?= <snv@hanam.gov.vn>\r\nTo: %s\r\n"+
			"Subject: =?UTF-8?Q?Quy=E1=BA=BFt_=C4=91=E1=BB=8Bnh_s=E1=BB=91_%d_v=E1=BB=81_chuy=E1=BB=83n_=C4=91=E1=BB=95i_s=E1=BB=91?=\r\n"+
			"Message-ID: <qd%d@hanam.gov.vn>\r\nDate: Mon, 16 Nov 2026 08:0%d:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Kính gửi các đơn vị. Đề nghị triển khai văn bản.\r\n", cliUser, i, i, i)))
	}

	// Wrong password: exit 4, nothing saved.
	r := runCLI(t, home, "sai-mat-khau\n", addArgs("vanthu", d, p)...)
	if r.code != 4 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("wrong password: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(home, "accounts.json")); err == nil {
		t.Fatal("account saved after a failed login")
	}
	// Unreachable: exit 5.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	args := addArgs("vanthu", d, p)
	args[6] = closed
	if r = runCLI(t, home, cliPass+"\n", args...); r.code != 5 {
		t.Fatalf("unreachable: exit %d, %q", r.code, r.stderr)
	}
	// Plaintext to a remote host is refused by the rules: exit 3.
	args = addArgs("vanthu", d, p)
	args[6], args[10] = "mail.hanam.gov.vn:143", "none"
	if r = runCLI(t, home, cliPass+"\n", args...); r.code != 3 {
		t.Fatalf("plaintext remote: exit %d, %q", r.code, r.stderr)
	}
	// Usage: exit 2.
	if r = runCLI(t, home, "", "account", "add", "x"); r.code != 2 {
		t.Fatalf("usage: exit %d", r.code)
	}

	if r = runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p, "--shared")...); r.code != 0 {
		t.Fatalf("add: exit %d, %q", r.code, r.stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	if bytes.Contains(raw, []byte(cliPass)) {
		t.Fatal("password written to accounts.json")
	}
	r = runCLI(t, home, "", "account", "list", "--json")
	var accounts []struct {
		Name, Email string
		Shared      bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &accounts); err != nil || len(accounts) != 1 || !accounts[0].Shared || accounts[0].Email != cliUser {
		t.Fatalf("account list: %v %q", err, r.stdout)
	}

	r = runCLI(t, home, "", "sync", "--once", "--json")
	var sum struct {
		Accounts []struct {
			Name     string  `json:"name"`
			Folders  int     `json:"folders"`
			Messages int     `json:"messages"`
			New      int     `json:"new"`
			Seconds  float64 `json:"seconds"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || len(sum.Accounts) != 1 {
		t.Fatalf("sync: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	if a := sum.Accounts[0]; a.Name != "vanthu" || a.Messages != 3 || a.New != 3 || a.Folders < 6 {
		t.Fatalf("sync summary: %+v", a)
	}

	r = runCLI(t, home, "", "search", "chuyen doi so", "--json")
	var hits []struct {
		Folder, Subject, From, Date string
		UID                         uint32
	}
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 3 || hits[0].Folder != "INBOX" ||
		!strings.HasPrefix(hits[0].Subject, "Quyết định số 3") || hits[0].Date == "" {
		t.Fatalf("search: %v %q", err, r.stdout)
	}

	// Signature and send.
	r = runCLI(t, home, "", "signature", "vanthu", "--json")
	if !strings.Contains(r.stdout, `"complete": false`) {
		t.Fatalf("empty signature reported complete: %s", r.stdout)
	}
	r = runCLI(t, home, "", "signature", "vanthu", "--set", "name=Trần Thị Mai", "--set", "title=Văn thư",
		"--set", "agency=Sở Thông tin và Truyền thông tỉnh Hà Nam", "--set", "address=Số 2 Lý Thường Kiệt, Phủ Lý",
		"--set", "phone=0226.3852.701", "--set", "email="+cliUser, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"complete": true`) {
		t.Fatalf("signature set: %d %s %s", r.code, r.stdout, r.stderr)
	}
	eml := filepath.Join(t.TempDir(), "thu.eml")
	os.WriteFile(eml, []byte("From: "+cliUser+"\r\nTo: =?UTF-8?Q?=C4=90=E1=BB=97_V=C4=83n_=C4=90=E1=BB=A9c?= <"+cliPeer+">\r\n"+
		"Subject: =?UTF-8?Q?Th=C3=B4ng_b=C3=A1o_l=E1=BB=8Bch_h=E1=BB=8Dp?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Kính gửi anh Đức,\r\nLịch họp chiều thứ Sáu.\r\n"), 0o600)
	if r = runCLI(t, home, "", "check", eml, "--account", "vanthu", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"ok": true`) {
		t.Fatalf("check: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r = runCLI(t, home, "", "send", eml, "--account", "vanthu"); r.code != 0 {
		t.Fatalf("send: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if n := d.WaitMessages(t, cliPeer, "INBOX", 1); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	if r = runCLI(t, home, "", "outbox", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("outbox after send: %s", r.stdout)
	}
	secretEml := filepath.Join(t.TempDir(), "mat.eml")
	os.WriteFile(secretEml, []byte("From: "+cliUser+"\r\nTo: "+cliPeer+"\r\nSubject: =?UTF-8?Q?=5BM=E1=BA=ACT=5D_K=E1=BA=BF_ho=E1=BA=A1ch?=\r\n\r\nx\r\n"), 0o600)
	if r = runCLI(t, home, "", "send", secretEml, "--account", "vanthu", "--json"); r.code != 3 || !strings.Contains(r.stdout, `"rule": "R7"`) {
		t.Fatalf("secret mail: exit %d %s %s", r.code, r.stdout, r.stderr)
	}

	// The account's own acknowledgement text; one that does not render is refused.
	tmpl := filepath.Join(t.TempDir(), "ack.txt")
	os.WriteFile(tmpl, []byte("Văn thư xác nhận đã nhận {{.Subject}}.\n"), 0o600)
	if r = runCLI(t, home, "", "ack-template", "vanthu", "--file", tmpl); r.code != 0 || !strings.Contains(r.stdout, "Văn thư xác nhận") {
		t.Fatalf("ack-template: %d %s %s", r.code, r.stdout, r.stderr)
	}
	os.WriteFile(tmpl, []byte("{{.Broken"), 0o600)
	if r = runCLI(t, home, "", "ack-template", "vanthu", "--file", tmpl); r.code != 2 {
		t.Fatalf("broken template: %d %s", r.code, r.stderr)
	}
	if r = runCLI(t, home, "", "ack-template", "vanthu", "--language", "en"); !strings.Contains(r.stdout, "has received the document") {
		t.Fatalf("default english template: %s", r.stdout)
	}

	// doctor: keychain, converter, and both logins of the account.
	r = runCLI(t, home, "", "doctor", "--json")
	var checks []struct {
		Name string `json:"name"`
		OK   bool   `json:"ok"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil || r.code != 0 {
		t.Fatalf("doctor: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	names := map[string]bool{}
	for _, ch := range checks {
		names[ch.Name] = ch.OK
	}
	for _, want := range []string{"keychain", "office converter", "vanthu IMAP", "vanthu SMTP"} {
		if !names[want] {
			t.Errorf("doctor: %s not ok in %s", want, r.stdout)
		}
	}

	// Remove: the keychain entry goes too.
	if r = runCLI(t, home, "", "account", "remove", "vanthu"); r.code != 0 {
		t.Fatalf("remove: %d %s", r.code, r.stderr)
	}
	if r = runCLI(t, home, "", "sync", "--once"); r.code != 2 {
		t.Fatalf("sync without accounts: %d %s", r.code, r.stderr)
	}
}

func TestContractErrorsInEnglish(t *testing.T) {
	r := runCLI(t, t.TempDir(), "", "--lang", "en", "parse", "/nonexistent.eml")
	if r.code != 1 || !strings.Contains(r.stderr, "Not found") {
		t.Fatalf("english error: %d %q", r.code, r.stderr)
	}
	r = runCLI(t, t.TempDir(), "", "parse", "/nonexistent.eml")
	if !strings.Contains(r.stderr, "Không tìm thấy") {
		t.Fatalf("vietnamese error: %q", r.stderr)
	}
	if r = runCLI(t, t.TempDir(), "", "khong-co-lenh"); r.code != 2 {
		t.Fatalf("unknown command: %d", r.code)
	}
	if r = runCLI(t, t.TempDir(), "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "thucongvu ") {
		t.Fatalf("version: %q", r.stdout)
	}
}
