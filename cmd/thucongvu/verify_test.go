//go:build !windows

package main

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// R4, Decree 30/2020 art. 21.2: `verify` says who signed and whether the
// document is intact; exit 0 valid, 1 not valid or unsigned, 2 unreadable.
func TestContractR4VerifyTrustDoctor(t *testing.T) {
	home := t.TempDir()
	t.Setenv("THUCONGVU_POLICY", filepath.Join(home, "no-policy.json"))
	p := docsigntest.NewPKI(t)
	dir := t.TempDir()
	signed := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "Công văn 12/STTTT", 0), p.Signer,
		docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	good := docsigntest.WriteFile(t, dir, "ky.pdf", signed)
	changed := docsigntest.WriteFile(t, dir, "sua.pdf", docsigntest.AppendRedBox(t, signed))
	plain := docsigntest.WriteFile(t, dir, "thuong.pdf", docsigntest.SamplePDF(t, "x", 0))
	junk := docsigntest.WriteFile(t, dir, "rac.pdf", []byte("not a pdf at all"))
	rootFile := docsigntest.WriteFile(t, dir, "root.pem", docsigntest.PEM(p.Root.Cert))

	// No roots yet: the signer is unknown, doctor warns.
	if r := runCLI(t, home, "", "verify", good, "--json"); r.code != 1 || !strings.Contains(r.stdout, `"unknown_issuer"`) {
		t.Fatalf("no roots: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r := runCLI(t, home, "", "doctor", "--json")
	if !strings.Contains(r.stdout, `"warn": true`) {
		t.Fatalf("doctor without roots: %s", r.stdout)
	}
	if r := runCLI(t, home, "", "trust", "add", good); r.code != 2 {
		t.Fatalf("trust add of a PDF: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, home, "", "trust", "add", rootFile); r.code != 0 || !strings.Contains(r.stdout, docsign.Fingerprint(p.Root.Cert)) {
		t.Fatalf("trust add: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, home, "", "trust", "list", "--json")
	var roots []trustedRoot
	if err := json.Unmarshal([]byte(r.stdout), &roots); err != nil || len(roots) != 1 || roots[0].Source != "user" ||
		roots[0].SHA256 != docsign.Fingerprint(p.Root.Cert) {
		t.Fatalf("trust list: %v %s", err, r.stdout)
	}
	r = runCLI(t, home, "", "doctor", "--json")
	if !strings.Contains(r.stdout, "SHA-256 "+docsign.Fingerprint(p.Root.Cert)) {
		t.Fatalf("doctor: %s", r.stdout)
	}

	// Valid.
	r = runCLI(t, home, "", "verify", good, "--json")
	var files []verifiedFile
	if err := json.Unmarshal([]byte(r.stdout), &files); err != nil || r.code != 0 || len(files) != 1 {
		t.Fatalf("verify: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	s := files[0].Signatures[0]
	if files[0].State != docsign.Valid || s.Signer != "Nguyễn Văn A" || s.Organization != "Sở TT&TT tỉnh Long An" || s.Email != "nva@longan.gov.vn" {
		t.Fatalf("verify: %+v", files[0])
	}
	r = runCLI(t, home, "", "--lang", "vi", "verify", good)
	if !strings.Contains(r.stdout, "Ký bởi Nguyễn Văn A · Sở TT&TT tỉnh Long An · ") || !strings.Contains(r.stdout, "+07:00") ||
		!strings.HasSuffix(strings.TrimSpace(r.stdout), "· hợp lệ") {
		t.Fatalf("verify text: %s", r.stdout)
	}

	// Changed after signing, unsigned: exit 1; unreadable: exit 2.
	r = runCLI(t, home, "", "verify", good, changed, plain, "--json")
	files = nil
	if err := json.Unmarshal([]byte(r.stdout), &files); err != nil || r.code != 1 {
		t.Fatalf("verify: exit %d %v %s", r.code, err, r.stdout)
	}
	if files[1].State != docsign.ModifiedAfterSigning || files[2].State != docsign.Unsigned {
		t.Fatalf("states %+v", files)
	}
	// --extract gives the document as signed, which verifies.
	out := filepath.Join(dir, "ban-da-ky")
	r = runCLI(t, home, "", "verify", changed, "--extract", out, "--json")
	files = nil
	if err := json.Unmarshal([]byte(r.stdout), &files); err != nil || r.code != 1 || len(files[0].SignedVersions) != 1 {
		t.Fatalf("extract: exit %d %v %s", r.code, err, r.stdout)
	}
	if r := runCLI(t, home, "", "verify", files[0].SignedVersions[0]); r.code != 0 {
		t.Fatalf("the extracted version: exit %d %s", r.code, r.stdout)
	}
	if r := runCLI(t, home, "", "verify", good, junk); r.code != 2 {
		t.Fatalf("junk: exit %d %s", r.code, r.stdout)
	}
	if r := runCLI(t, home, "", "verify", filepath.Join(dir, "missing.pdf")); r.code != 2 {
		t.Fatalf("missing: exit %d", r.code)
	}

	// parse --json carries signatures on each PDF attachment.
	eml := docsigntest.WriteFile(t, dir, "thu.eml", mimeWithPDFs(map[string][]byte{"ky.pdf": signed, "sua.pdf": docsigntest.AppendRedBox(t, signed)}))
	r = runCLI(t, home, "", "parse", eml, "--json")
	var m struct {
		Attachments []struct {
			Filename       string              `json:"filename"`
			SignatureState docsign.State       `json:"signature_state"`
			Signatures     []docsign.Signature `json:"signatures"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || r.code != 0 || len(m.Attachments) != 2 {
		t.Fatalf("parse: exit %d %v %s", r.code, err, r.stdout)
	}
	for _, a := range m.Attachments {
		want := map[string]docsign.State{"ky.pdf": docsign.Valid, "sua.pdf": docsign.ModifiedAfterSigning}[a.Filename]
		if a.SignatureState != want || len(a.Signatures) != 1 || a.Signatures[0].Signer != "Nguyễn Văn A" {
			t.Fatalf("parse attachment %+v", a)
		}
	}

	// Hostile PDFs in a message never stop parse: each gets a state.
	eml = docsigntest.WriteFile(t, dir, "xau.eml", mimeWithPDFs(map[string][]byte{
		"a-rac.pdf": []byte("%PDF-1.7\n rác"), "b-cut.pdf": signed[:len(signed)/3], "c-zero.pdf": nil,
		"d-ky.pdf": signed, "e-noise.pdf": bytes.Repeat([]byte("%%EOF /ByteRange [0 1 2 3] "), 2000)}))
	r = runCLI(t, home, "", "parse", eml, "--json")
	m.Attachments = nil
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || r.code != 0 || len(m.Attachments) != 5 {
		t.Fatalf("parse hostile: exit %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	if m.Attachments[3].SignatureState != docsign.Valid || m.Attachments[1].SignatureState != docsign.Broken {
		t.Fatalf("parse hostile: %+v", m.Attachments)
	}

	// trust remove.
	if r := runCLI(t, home, "", "trust", "remove", docsign.Fingerprint(p.Root.Cert)); r.code != 0 {
		t.Fatalf("trust remove: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, home, "", "verify", good); r.code != 1 {
		t.Fatalf("after remove: exit %d", r.code)
	}
}

// mimeWithPDFs is a message with the given PDF attachments (base64).
func mimeWithPDFs(files map[string][]byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: vanthu@longan.gov.vn\r\nTo: vanthu@hanam.gov.vn\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n?=\r\n" +
		"Message-ID: <ky@longan.gov.vn>\r\nDate: Tue, 01 Dec 2026 09:30:00 +0700\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n")
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := files[name]
		fmt.Fprintf(&b, "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", name)
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--b1--\r\n")
	return b.Bytes()
}
