//go:build !windows && cgo

package main

import (
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digitorus/pkcs7"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/testsrv"
)

// R4, LA 8.3: the signer signs on a softhsm2 token (normal key), then the
// agency (a key with CKA_ALWAYS_AUTHENTICATE, context-specific login) with
// a timestamp; pdfsig (NSS trusting the test root) and openssl ts -verify
// accept the result, which carries no CMS signing-time (PAdES). A wrong PIN is exit 4 and writes nothing.
func TestContractR4SignOnSoftHSM(t *testing.T) {
	testsrv.Need(t, "pdfsig", "openssl", "certutil", "pk12util", "pdftoppm")
	home := t.TempDir()
	t.Setenv("THUCONGVU_POLICY", filepath.Join(home, "no-policy.json"))
	p := docsigntest.NewPKI(t)
	tsa := docsigntest.StartTSA(t, p)
	hsm := docsigntest.StartSoftHSM(t, "Token Sở TT&TT", "246810")
	hsm.Import(t, p.Signer, "nva", false)
	hsm.Import(t, p.Agency, "stttt", true)
	hsm.ImportCert(t, p.Intermediate.Cert, "ca")
	dir := t.TempDir()
	sigPNG, sealPNG := docsigntest.StampImages(t)
	sigImg := docsigntest.WriteFile(t, dir, "chuky.png", sigPNG)
	sealImg := docsigntest.WriteFile(t, dir, "dau.png", sealPNG)
	in := docsigntest.WriteFile(t, dir, "in.pdf", docsigntest.SamplePDF(t, "QUYẾT ĐỊNH Về việc ban hành quy chế", 0))
	one := filepath.Join(dir, "one.pdf")
	two := filepath.Join(dir, "two.pdf")
	if r := runCLI(t, home, "", "trust", "add", docsigntest.WriteFile(t, dir, "root.pem", docsigntest.PEM(p.Root.Cert))); r.code != 0 {
		t.Fatal(r.stderr)
	}

	// No module: blocked, nothing written.
	t.Setenv(docsign.ModuleEnv, "")
	if r := runCLI(t, home, "246810\n", "sign", in, "--out", one, "--as", "signer", "--pin-stdin"); r.code != 3 {
		t.Fatalf("no module: exit %d %s", r.code, r.stderr)
	}
	t.Setenv(docsign.ModuleEnv, hsm.Module)
	// Wrong PIN: exit 4, no output.
	if r := runCLI(t, home, "000000\n", "sign", in, "--out", one, "--as", "signer", "--pin-stdin"); r.code != 4 {
		t.Fatalf("wrong PIN: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(one); !os.IsNotExist(err) {
		t.Fatalf("output written on a wrong PIN: %v", err)
	}

	// No trusted root on a fresh home: the certificate is refused before signing.
	if r := runCLI(t, t.TempDir(), "246810\n", "sign", in, "--out", one, "--as", "signer", "--key", "nva", "--pin-stdin"); r.code != 3 {
		t.Fatalf("untrusted: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(one); !os.IsNotExist(err) {
		t.Fatalf("output written for an untrusted certificate: %v", err)
	}
	r := runCLI(t, home, "246810\n", "sign", in, "--out", one, "--as", "signer", "--image", sigImg, "--key", "nva", "--pin-stdin", "--json")
	if r.code != 0 {
		t.Fatalf("sign: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	// The agency's seal comes from the account (sign-images), not a flag.
	writeAccounts(t, home, "stttt")
	if r := runCLI(t, home, "", "sign-images", "stttt", "--set", "seal="+sealImg); r.code != 0 {
		t.Fatalf("sign-images: %d %s", r.code, r.stderr)
	}
	r = runCLI(t, home, "246810\n", "sign", one, "--out", two, "--as", "organization", "--account", "stttt", "--key", "stttt",
		"--tsa", tsa.URL, "--pin-stdin", "--json")
	var res signResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("sign agency: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	if res.State != docsign.Valid || len(res.Signatures) != 2 || res.Signatures[1].TimeSource != docsign.TimeFromTimestamp ||
		res.Signatures[0].Signer != "Nguyễn Văn A" || res.Signatures[1].Signer != "Sở Thông tin và Truyền thông tỉnh Long An" {
		t.Fatalf("signed: %+v", res)
	}

	// pdfsig with an NSS database that trusts the test root.
	db := docsigntest.NSSDB(t, p, nil)
	out, err := exec.Command("pdfsig", "-nssdir", "sql:"+db, two).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "Signature is Valid."); n != 2 {
		t.Fatalf("pdfsig: %d valid signatures\n%s", n, out)
	}
	if n := strings.Count(string(out), "Certificate is Trusted."); n != 2 {
		t.Fatalf("pdfsig: %d trusted certificates\n%s", n, out)
	}
	if !strings.Contains(string(out), "ETSI.CAdES.detached") {
		t.Fatalf("pdfsig: not PAdES\n%s", out)
	}

	// openssl ts -verify: the token stamps the agency's signature value.
	signed, err := os.ReadFile(two)
	if err != nil {
		t.Fatal(err)
	}
	_, hs, he := docsigntest.ByteRange(t, signed)
	p7, err := pkcs7.Parse(hexDecode(t, string(signed[hs:he])))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p7.Signers[0].AuthenticatedAttributes {
		if a.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}) {
			t.Fatal("PAdES signature with a CMS signing-time attribute")
		}
	}
	var token []byte
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}) {
			token = a.Value.Bytes
		}
	}
	if token == nil {
		t.Fatal("no timestamp token")
	}
	tokFile := docsigntest.WriteFile(t, dir, "token.tst", token)
	sigFile := docsigntest.WriteFile(t, dir, "sig.bin", p7.Signers[0].EncryptedDigest)
	chain := docsigntest.WriteFile(t, dir, "chain.pem", docsigntest.PEM(p.Intermediate.Cert, p.TSA.Cert))
	if out, err := exec.Command("openssl", "ts", "-verify", "-in", tokFile, "-token_in", "-data", sigFile,
		"-CAfile", filepath.Join(dir, "root.pem"), "-untrusted", chain).CombinedOutput(); err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl ts -verify: %v\n%s", err, out)
	}

	// A render of the last page, for a person to look at.
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", two, filepath.Join(dir, "render")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	if n := redPixels(t, filepath.Join(dir, "render-1.png")); n < 50 {
		t.Fatalf("the account's seal is not on the page: %d red pixels", n)
	}
	if dst := os.Getenv("THUCONGVU_SIGN_RENDER"); dst != "" {
		b, _ := os.ReadFile(filepath.Join(dir, "render-1.png"))
		_ = os.WriteFile(dst, b, 0o644)
	}
}

// redPixels counts the seal-red pixels of a PNG render.
func redPixels(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0x9000 && g < 0x7000 && bl < 0x7000 {
				n++
			}
		}
	}
	return n
}

// hexDecode decodes /Contents; pkcs7.Parse ignores the zero padding.
func hexDecode(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
