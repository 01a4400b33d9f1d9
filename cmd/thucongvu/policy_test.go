package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/app"
	"thucongvu/internal/config"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
)

func writeMachinePolicy(t *testing.T, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(config.PolicyEnv, path)
}

// What machine policy locks is refused on the command line with exit 3 and
// says so; the user's own fields stay theirs, and nothing of the policy is
// written into accounts.json.
func TestContractPolicyLocks(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p)...); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	before, _ := os.ReadFile(filepath.Join(home, "accounts.json"))

	const agency = "Sở Thông tin và Truyền thông tỉnh Hà Nam"
	writeMachinePolicy(t, `{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "IMAPPort": 993, "Profile": "hanam",
		"AgencyName": "`+agency+`", "AckTemplate": "Văn thư Sở xác nhận đã nhận {{.Subject}}.", "AckTemplateLocked": 1,
		"Converter": "libreoffice"}`)
	blocked := func(r cliRun, what string) {
		t.Helper()
		if r.code != 3 || !strings.Contains(r.stderr, "machine policy") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Fatalf("%s: exit %d, stderr %q (want 3, saying machine policy)", what, r.code, r.stderr)
		}
	}
	r := runCLI(t, home, "", "--lang", "en", "signature", "vanthu", "--set", "agency=Cơ quan khác")
	blocked(r, "signature --set agency")
	if !strings.Contains(r.stderr, "signature.agency") {
		t.Fatalf("the locked field is not named: %q", r.stderr)
	}
	if r = runCLI(t, home, "", "signature", "vanthu", "--set", "title=Văn thư", "--set", "agency="+agency, "--json"); r.code != 0 ||
		!strings.Contains(r.stdout, `"agency": "`+agency+`"`) || !strings.Contains(r.stdout, `"title": "Văn thư"`) {
		t.Fatalf("the user's own field, and the policy's own value: %d %s %s", r.code, r.stdout, r.stderr)
	}
	after, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	if strings.Contains(string(after), "mail.hanam.gov.vn") || strings.Contains(string(after), agency) ||
		!strings.Contains(string(after), "Văn thư") || !strings.Contains(string(before), d.IMAPSAddr[:strings.LastIndex(d.IMAPSAddr, ":")]) {
		t.Fatalf("policy written into accounts.json:\n%s", after)
	}

	tmpl := filepath.Join(t.TempDir(), "ack.txt")
	os.WriteFile(tmpl, []byte("Tôi đã nhận {{.Subject}}.\n"), 0o600)
	blocked(runCLI(t, home, "", "--lang", "en", "ack-template", "vanthu", "--file", tmpl), "ack-template --file")
	blocked(runCLI(t, home, "", "--lang", "en", "ack-template", "vanthu", "--reset"), "ack-template --reset")
	if r = runCLI(t, home, "", "ack-template", "vanthu"); !strings.Contains(r.stdout, "Văn thư Sở xác nhận") {
		t.Fatalf("the text in force is the policy's: %q", r.stdout)
	}

	// A new account whose typed server differs from the policy's.
	blocked(runCLI(t, t.TempDir(), cliPass+"\n", append([]string{"--lang", "en"}, addArgs("other", d, p)...)...), "account add --imap")
	blocked(runCLI(t, home, "", "--lang", "en", "convert", "--prefer", "msoffice", tmpl), "convert --prefer")

	// A policy naming the real server: its servers need not be typed, the
	// agency's fields are not the user's, and a sync finds the password.
	host, port := splitHostPort(d.IMAPSAddr)
	writeMachinePolicy(t, fmt.Sprintf(`{"Domain": "hanam.gov.vn", "IMAPHost": %q, "IMAPPort": %d, "TLS": "implicit",
		"AgencyName": %q}`, host, port, agency))
	home2 := t.TempDir()
	args := []string{"account", "add", "vanthu", "--email", cliUser, "--smtp", p.SubmissionsAddr,
		"--trust-cert", d.CertSHA256 + "," + p.CertSHA256, "--password-stdin"}
	if r = runCLI(t, home2, cliPass+"\n", args...); r.code != 0 {
		t.Fatalf("add with the policy's server: %d %s", r.code, r.stderr)
	}
	if raw, _ := os.ReadFile(filepath.Join(home2, "accounts.json")); strings.Contains(string(raw), agency) {
		t.Fatalf("the policy's agency written into accounts.json:\n%s", raw)
	}
	if r = runCLI(t, home2, "", "sync", "--once"); r.code != 0 {
		t.Fatalf("sync under the policy: %d %s", r.code, r.stderr)
	}
	if r = runCLI(t, home2, "", "doctor", "--json"); !strings.Contains(r.stdout, "Domain, IMAPHost, IMAPPort, TLS, AgencyName") ||
		!strings.Contains(r.stdout, `"name": "vanthu IMAP",
    "ok": true`) {
		t.Fatalf("doctor under the policy: %s %s", r.stdout, r.stderr)
	}
}

// The demo runs on its own server with its own signatures whatever the
// machine policy says.
func TestDemoIgnoresMachinePolicy(t *testing.T) {
	writeMachinePolicy(t, `{"IMAPHost": "mail.hanam.gov.vn", "IMAPPort": 993, "TLS": "implicit", "AgencyName": "Cơ quan theo chính sách",
		"AutoAckDisabled": 1, "CheckTimes": "09:00,14:00", "Converter": "msoffice"}`)
	w, err := startDemo(context.Background(), secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer w.cleanup()
	srv, _ := splitHostPort(w.srv.IMAPAddr)
	for _, a := range w.engine.Config.Accounts {
		if a.IMAP.Host != srv || a.Signature.Agency == "Cơ quan theo chính sách" {
			t.Fatalf("policy applied to the demo account: %+v", a)
		}
	}
	svc := app.New(w.engine, w.home)
	defer svc.Close()
	if st := svc.Settings(); len(st.Locked) != 0 || !st.AutoAck || st.Converter == "msoffice" {
		t.Fatalf("demo settings under machine policy: %+v", st)
	}
}
