//go:build !windows && cgo

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// R4: a locked token is told apart from a wrong PIN. softhsm2 keeps the
// token's flags in token.object and reports CKF_USER_PIN_LOCKED from
// there (it has no retry counter, so its C_Login never answers
// CKR_PIN_LOCKED itself): sign refuses with exit 3 and the locked message,
// where a wrong PIN on an unlocked token is exit 4. Nothing is written.
func TestContractR4SignLockedTokenAndWrongPIN(t *testing.T) {
	home := t.TempDir()
	t.Setenv("THUCONGVU_POLICY", filepath.Join(home, "no-policy.json"))
	p := docsigntest.NewPKI(t)
	hsm := docsigntest.StartSoftHSM(t, "Token bị khoá", "246810")
	hsm.Import(t, p.Signer, "nva", false)
	t.Setenv(docsign.ModuleEnv, hsm.Module)
	dir := t.TempDir()
	in := docsigntest.WriteFile(t, dir, "in.pdf", docsigntest.SamplePDF(t, "Công văn", 0))
	out := filepath.Join(dir, "out.pdf")
	if r := runCLI(t, home, "", "trust", "add", docsigntest.WriteFile(t, dir, "root.pem", docsigntest.PEM(p.Root.Cert))); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := runCLI(t, home, "000000\n", "--lang", "en", "sign", in, "--out", out, "--as", "signer", "--pin-stdin")
	if r.code != 4 || !strings.Contains(r.stderr, "wrong PIN") {
		t.Fatalf("wrong PIN: exit %d %q", r.code, r.stderr)
	}
	hsm.LockUserPIN(t)
	for lang, msg := range map[string]string{"en": "locked", "vi": "đã bị khoá"} {
		r := runCLI(t, home, "246810\n", "--lang", lang, "sign", in, "--out", out, "--as", "signer", "--pin-stdin")
		if r.code != 3 || !strings.Contains(r.stderr, msg) {
			t.Fatalf("locked token (%s): exit %d %q", lang, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output written: %v", err)
	}
}
