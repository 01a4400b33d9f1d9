//go:build !windows

package docsigntest

import (
	"os/exec"
	"path/filepath"
	"testing"

	"thucongvu/internal/testsrv"
)

// NSSDB makes an NSS database (empty password) that trusts p.Root for
// signing and holds id as "signer" — what pdfsig signs and verifies with.
func NSSDB(tb testing.TB, p *PKI, id *Identity) string {
	tb.Helper()
	testsrv.Need(tb, "certutil", "pk12util", "openssl")
	dir := tb.TempDir()
	run := func(name string, args ...string) {
		tb.Helper()
		if msg, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			tb.Fatalf("%s %v: %v\n%s", name, args, err, msg)
		}
	}
	run("certutil", "-N", "-d", "sql:"+dir, "--empty-password")
	root := WriteFile(tb, dir, "root.pem", PEM(p.Root.Cert))
	run("certutil", "-A", "-d", "sql:"+dir, "-n", "root", "-t", "CT,C,CT", "-a", "-i", root)
	inter := WriteFile(tb, dir, "inter.pem", PEM(p.Intermediate.Cert))
	run("certutil", "-A", "-d", "sql:"+dir, "-n", "intermediate", "-t", ",,", "-a", "-i", inter)
	if id != nil {
		cert := WriteFile(tb, dir, "id.pem", PEM(id.Cert))
		key := WriteFile(tb, dir, "id.key", KeyPEM(tb, id.Key))
		p12 := filepath.Join(dir, "id.p12")
		run("openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-name", "signer", "-out", p12, "-passout", "pass:")
		run("pk12util", "-i", p12, "-d", "sql:"+dir, "-W", "")
	}
	return dir
}
