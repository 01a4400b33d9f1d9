//go:build !windows

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/model"
)

// writeAccounts writes accounts.json with the named accounts (no server is
// contacted by the commands that read it).
func writeAccounts(t *testing.T, home string, names ...string) {
	t.Helper()
	var file struct {
		Accounts []model.Account `json:"accounts"`
	}
	for _, n := range names {
		srv := model.Server{Host: "mail.longan.gov.vn", Port: 993, Security: model.SecurityImplicit}
		file.Accounts = append(file.Accounts, model.Account{Name: n, Email: n + "@longan.gov.vn", IMAP: srv, SMTP: srv})
	}
	b, _ := json.Marshal(file)
	if err := os.WriteFile(filepath.Join(home, "accounts.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// R4, Decree 30/2020 Appendix I: `sign-images` keeps each account's
// signature image and seal; not a PNG is exit 2; a picture machine policy
// sets is shown, and changing it is exit 3 naming the policy.
func TestContractR4SignImages(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	t.Setenv(config.PolicyEnv, filepath.Join(dir, "none.json"))
	writeAccounts(t, home, "nva", "stttt")
	sigPNG, sealPNG := docsigntest.StampImages(t)
	sig := docsigntest.WriteFile(t, dir, "chữ ký.png", sigPNG)
	seal := docsigntest.WriteFile(t, dir, "dấu.png", sealPNG)
	if r := runCLI(t, home, "", "sign-images", "nva", "--set", "image="+sig, "--json"); r.code != 0 ||
		!strings.Contains(r.stdout, `"image": "`+sig+`"`) {
		t.Fatalf("set image: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, home, "", "sign-images", "nva", "--set", "seal="+filepath.Join(dir, "none.json")); r.code != 2 {
		t.Fatalf("missing file: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, home, "", "sign-images", "nva", "--set", "logo="+sig); r.code != 2 {
		t.Fatalf("unknown field: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, home, "", "sign-images", "khac"); r.code == 0 {
		t.Fatalf("unknown account: exit 0")
	}

	writeMachinePolicy(t, `{"SignatureSeal": "`+seal+`"}`)
	r := runCLI(t, home, "", "sign-images", "stttt", "--json")
	var got struct {
		Image, Seal string
		Locked      []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 || got.Seal != seal || len(got.Locked) != 1 || got.Locked[0] != "seal" {
		t.Fatalf("policy seal: %d %+v %v %s", r.code, got, err, r.stderr)
	}
	r = runCLI(t, home, "", "--lang", "en", "sign-images", "stttt", "--set", "seal="+sig)
	if r.code != 3 || !strings.Contains(r.stderr, "machine policy") || !strings.Contains(r.stderr, config.SettingSignSeal) {
		t.Fatalf("locked seal: exit %d %s", r.code, r.stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	if strings.Contains(string(raw), "dấu.png") || !strings.Contains(string(raw), "chữ ký.png") {
		t.Fatalf("accounts.json holds the policy's seal or lost the image:\n%s", raw)
	}

	// Nor is the seal it sets, on the command line.
	in0 := docsigntest.WriteFile(t, dir, "in0.pdf", docsigntest.SamplePDF(t, "Công văn", 0))
	r = runCLI(t, home, "", "--lang", "en", "sign", in0, "--out", filepath.Join(dir, "out0.pdf"), "--as", "organization", "--image", sig, "--pin-stdin")
	if r.code != 3 || !strings.Contains(r.stderr, config.SettingSignSeal) {
		t.Fatalf("--image over the policy's seal: exit %d %s", r.code, r.stderr)
	}

	// The timestamp authority machine policy sets is not the user's to change.
	writeMachinePolicy(t, `{"SignatureTSA": "http://tsa.longan.gov.vn"}`)
	in := docsigntest.WriteFile(t, dir, "in.pdf", docsigntest.SamplePDF(t, "Công văn", 0))
	r = runCLI(t, home, "", "--lang", "en", "sign", in, "--out", filepath.Join(dir, "out.pdf"), "--as", "signer", "--tsa", "http://127.0.0.1:1/tsa", "--pin-stdin")
	if r.code != 3 || !strings.Contains(r.stderr, config.SettingSignTSA) {
		t.Fatalf("another TSA: exit %d %s", r.code, r.stderr)
	}
}
