//go:build unix

package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"thucongvu/internal/config"
	"thucongvu/internal/discover"
	"thucongvu/internal/testsrv"
)

// srvResolver answers SRV queries from a table and nothing else.
type srvResolver map[string][]*net.SRV

func (r srvResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if recs, ok := r["_"+service+"._"+proto+"."+name]; ok {
		return "", recs, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (r srvResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// account add without --imap/--smtp discovers; a server that SRV names
// outside the address's domain is refused (exit 3, naming host and source)
// before anything connects, and used once --accept-server confirms it.
func TestAccountAddConfirmsForeignDiscoveredServer(t *testing.T) {
	const user, pw = "vanthu@example.test", "Vt#2026-khoá"
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{user: pw}})
	home := t.TempDir()
	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))

	// A listener in front of Dovecot counts connections: a refused account
	// add must not connect at all.
	var conns atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", d.IMAPSAddr)
				if err != nil {
					return
				}
				defer up.Close()
				go copyConn(up, c)
				copyConn(c, up)
			}()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	n, _ := strconv.Atoi(port)
	res := srvResolver{
		"_imaps._tcp.example.test":       {{Target: "127.0.0.1.", Port: uint16(n), Priority: 0, Weight: 1}},
		"_submissions._tcp.example.test": {{Target: "127.0.0.1.", Port: 465, Priority: 0, Weight: 1}},
	}
	old := discoverOptions
	discoverOptions = func() *discover.Options {
		return &discover.Options{ISPDirs: []string{}, Resolver: res,
			Dial: func(context.Context, string, string) (net.Conn, error) { return nil, net.ErrClosed }}
	}
	t.Cleanup(func() { discoverOptions = old })

	args := []string{"--lang", "en", "account", "add", "vanthu", "--email", user, "--trust-cert", d.CertSHA256, "--password-stdin"}
	r := runCLI(t, home, pw+"\n", args...)
	if r.code != 3 || !strings.Contains(r.stderr, "127.0.0.1") || !strings.Contains(r.stderr, "srv") ||
		!strings.Contains(r.stderr, "--accept-server 127.0.0.1") {
		t.Fatalf("unconfirmed foreign server: exit %d, stderr %q", r.code, r.stderr)
	}
	if conns.Load() != 0 {
		t.Fatalf("%d connections before the server was confirmed", conns.Load())
	}
	if _, err := os.Stat(filepath.Join(home, "accounts.json")); err == nil {
		t.Fatal("account saved without confirmation")
	}

	r = runCLI(t, home, "", "discover", user, "--json")
	var found struct {
		Source        string   `json:"source"`
		ConfirmNeeded bool     `json:"confirm_needed"`
		ConfirmHosts  []string `json:"confirm_hosts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &found); err != nil || found.Source != "srv" || !found.ConfirmNeeded ||
		len(found.ConfirmHosts) != 1 || found.ConfirmHosts[0] != "127.0.0.1" {
		t.Fatalf("discover --json: %v %q", err, r.stdout)
	}

	r = runCLI(t, home, pw+"\n", append(args, "--accept-server", "127.0.0.1")...)
	if r.code != 0 || conns.Load() == 0 {
		t.Fatalf("confirmed: exit %d, %d connections, stderr %q", r.code, conns.Load(), r.stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	if !strings.Contains(string(raw), `"port": `+port) || !strings.Contains(string(raw), `"security": "implicit"`) {
		t.Fatalf("accounts.json: %s", raw)
	}
}

func copyConn(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if tc, ok := dst.(*net.TCPConn); ok {
				tc.CloseWrite()
			}
			return
		}
	}
}

// An SMTP server whose certificate is not trusted: doctor fails the SMTP
// line naming its SHA-256, and send exits 5 naming it, the mail kept in
// the outbox with the reason.
func TestSMTPUntrustedCertificate(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass}})
	p := testsrv.StartPostfix(t, d)
	home := filepath.Join(t.TempDir(), "home")
	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	// Every file the commands write under the home is 0600 and every folder
	// 0700, even under a permissive umask.
	defer syscall.Umask(syscall.Umask(0))
	r := runCLI(t, home, cliPass+"\n", "account", "add", "vanthu", "--email", cliUser, "--imap", d.IMAPAddr,
		"--smtp", p.SubmissionAddr, "--tls", "starttls", "--trust-cert", d.CertSHA256, "--profile", "hanam", "--password-stdin")
	if r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, home, "", "doctor", "--json")
	var checks []doctorCheck
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil || r.code == 0 {
		t.Fatalf("doctor: exit %d %v %s", r.code, err, r.stdout)
	}
	smtpChecked := false
	for _, ch := range checks {
		if ch.Name == "vanthu SMTP" {
			smtpChecked = true
			if ch.OK || !strings.Contains(ch.Detail, p.CertSHA256) {
				t.Fatalf("doctor SMTP: %+v", ch)
			}
		}
		if ch.Name == "vanthu IMAP" && !ch.OK {
			t.Fatalf("doctor IMAP: %+v", ch)
		}
	}
	if !smtpChecked {
		t.Fatalf("no SMTP line: %s", r.stdout)
	}

	r = runCLI(t, home, "", "signature", "vanthu", "--set", "name=Trần Thị Mai", "--set", "title=Văn thư",
		"--set", "agency=Sở Thông tin và Truyền thông tỉnh Hà Nam", "--set", "address=Số 2 Lý Thường Kiệt, Phủ Lý",
		"--set", "phone=0226.3852.701", "--set", "email="+cliUser)
	if r.code != 0 {
		t.Fatalf("signature: %d %s", r.code, r.stderr)
	}
	eml := filepath.Join(t.TempDir(), "thu.eml")
	os.WriteFile(eml, []byte("From: "+cliUser+"\r\nTo: <"+cliPeer+">\r\nSubject: Lich hop\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nLịch họp chiều thứ Sáu.\r\n"), 0o600)
	r = runCLI(t, home, "", "send", eml, "--account", "vanthu")
	if r.code != 5 || !strings.Contains(r.stderr, p.CertSHA256) {
		t.Fatalf("send: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, home, "", "outbox", "--json")
	if !strings.Contains(r.stdout, p.CertSHA256) {
		t.Fatalf("outbox: %s", r.stdout)
	}

	for _, args := range [][]string{{"sync", "--once"}, {"ack", "vanthu"}} {
		if r = runCLI(t, home, "", args...); r.code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}
	files := 0
	filepath.WalkDir(home, func(path string, de os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := de.Info()
		want := os.FileMode(0o600)
		if de.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if files < 3 {
		t.Fatalf("only %d files under the home", files)
	}

	// A policy file an ordinary user owns is ignored, and doctor says so.
	pol := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(pol, []byte(`{"IMAPHost": "mail.attacker.test"}`), 0o644)
	os.Chown(pol, 65534, 65534)
	t.Setenv(config.PolicyEnv, pol)
	r = runCLI(t, home, "", "doctor", "--json")
	checks = nil
	json.Unmarshal([]byte(r.stdout), &checks)
	seen := false
	for _, ch := range checks {
		seen = seen || ch.Name == "machine policy"
		if ch.Name == "machine policy" && (ch.OK || !strings.Contains(ch.Detail, "ignored") || !strings.Contains(ch.Detail, "uid 65534")) {
			t.Fatalf("doctor policy line: %+v", ch)
		}
		if ch.Name == "vanthu IMAP" && ch.Detail != d.IMAPAddr {
			t.Fatalf("the ignored policy was applied: %+v", ch)
		}
	}
	if !seen {
		t.Fatalf("doctor has no machine policy line: %s", r.stdout)
	}
}
