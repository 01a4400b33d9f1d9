//go:build !windows && cgo

package app

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/ui"
)

// R4: "Ký số" in compose signs through the PKCS#11 token (softhsm2) and the
// reader's verifier accepts the result; a wrong PIN is told as such and
// writes nothing.
func TestR4ServicesSignAndVerifyPDF(t *testing.T) {
	home := t.TempDir()
	t.Setenv("THUCONGVU_POLICY", filepath.Join(home, "no-policy.json"))
	p := docsigntest.NewPKI(t)
	hsm := docsigntest.StartSoftHSM(t, "Token văn thư", "135790")
	hsm.Import(t, p.Signer, "nva", true)
	hsm.ImportCert(t, p.Intermediate.Cert, "ca")
	t.Setenv(docsign.ModuleEnv, hsm.Module)
	if err := os.MkdirAll(docsign.UserRootsDir(home), 0o700); err != nil {
		t.Fatal(err)
	}
	docsigntest.WriteFile(t, docsign.UserRootsDir(home), "root.pem", docsigntest.PEM(p.Root.Cert))
	in := docsigntest.WriteFile(t, t.TempDir(), "cong-van.pdf", docsigntest.SamplePDF(t, "Công văn", 0))
	s := &Services{Home: home}
	if _, err := s.SignPDF(in, ui.SignRequest{As: docsign.AsSigner, PIN: "000000"}); !errors.Is(err, docsign.ErrWrongPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	out, err := s.SignPDF(in, ui.SignRequest{As: docsign.AsSigner, PIN: "135790"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := s.VerifyPDF(b)
	if rep.State != docsign.Valid || len(rep.Signatures) != 1 || rep.Signatures[0].Signer != "Nguyễn Văn A" {
		t.Fatalf("%+v", rep)
	}
	orig, _ := os.ReadFile(in)
	if len(b) <= len(orig) || string(b[:len(orig)]) != string(orig) {
		t.Fatal("the signature is not an incremental update of the original")
	}
}
