//go:build !windows

package docsign_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

var testPKI *docsigntest.PKI

func pki(t testing.TB) *docsigntest.PKI {
	if testPKI == nil {
		testPKI = docsigntest.NewPKI(t)
	}
	return testPKI
}

func trust(t testing.TB) *docsign.TrustStore { return docsign.NewTrustStore(pki(t).Root.Cert) }

func signedSample(t testing.TB) []byte {
	p := pki(t)
	in := docsigntest.SamplePDF(t, "Công văn số 123/STTTT-VP", 0)
	return docsigntest.SignPDF(t, in, p.Signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}, Name: "Giả mạo"})
}

func one(t *testing.T, rep docsign.Report) docsign.Signature {
	t.Helper()
	if len(rep.Signatures) != 1 {
		t.Fatalf("want 1 signature, got %+v", rep)
	}
	return rep.Signatures[0]
}

// R4, Circular 15/2025: who signed, when, and whether the data is intact.
func TestR4VerifyValidSignatureNamesFromCertificate(t *testing.T) {
	rep := docsign.Verify(signedSample(t), trust(t), docsign.Options{})
	s := one(t, rep)
	if rep.State != docsign.Valid || s.State != docsign.Valid {
		t.Fatalf("state %s/%s (%s)", rep.State, s.State, s.Reason)
	}
	if s.Signer != "Nguyễn Văn A" || s.Organization != "Sở TT&TT tỉnh Long An" || s.Email != "nva@longan.gov.vn" {
		t.Fatalf("names %+v", s)
	}
	if s.Issuer != "CA chuyên dùng Chính phủ (thử)" || s.TimeSource != docsign.TimeFromSigner || s.SignedAt.IsZero() {
		t.Fatalf("issuer/time %+v", s)
	}
}

func TestR4VerifyNoTrustIsUnknownIssuer(t *testing.T) {
	s := one(t, docsign.Verify(signedSample(t), docsign.NewTrustStore(), docsign.Options{}))
	if s.State != docsign.UnknownIssuer {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

func TestR4VerifyUnsignedAndGarbage(t *testing.T) {
	rep := docsign.Verify(docsigntest.SamplePDF(t, "x", 0), trust(t), docsign.Options{})
	if rep.State != docsign.Unsigned || rep.Err != nil || len(rep.Signatures) != 0 {
		t.Fatalf("unsigned: %+v", rep)
	}
	rep = docsign.Verify([]byte("GIF89a garbage"), trust(t), docsign.Options{})
	if rep.Err == nil {
		t.Fatalf("garbage: %+v", rep)
	}
}

func TestR4VerifyFlippedByte(t *testing.T) {
	b := signedSample(t)
	i := bytes.Index(b, []byte("BT")) // inside the page content, covered
	if i < 0 {
		i = 200
	}
	b[i+1] ^= 0x01
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Broken {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

func TestR4VerifyTruncated(t *testing.T) {
	b := signedSample(t)
	rep := docsign.Verify(b[:len(b)-300], trust(t), docsign.Options{})
	if rep.State != docsign.Broken {
		t.Fatalf("state %+v", rep)
	}
}

func TestR4VerifyExpiredWithoutTimestamp(t *testing.T) {
	p := pki(t)
	old := docsigntest.Issue(t, p.Intermediate, pkix.Name{CommonName: "Trần Thị B", Organization: []string{"UBND huyện Bến Lức"}},
		false, nil, time.Now().Add(-40*time.Hour), time.Now().Add(-30*time.Hour))
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), old, docsigntest.SignOptions{
		Chain: []*x509.Certificate{p.Intermediate.Cert}, Date: time.Now().Add(-35 * time.Hour)})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Expired {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

// A self-signed "Sở TT&TT" certificate carrying copies of the real chain
// must not pass (pdfsign issue #100).
func TestR4VerifySelfSignedCarryingRealChain(t *testing.T) {
	p := pki(t)
	fake := docsigntest.Issue(t, nil, p.Signer.Cert.Subject, false, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), p.Signer, docsigntest.SignOptions{
		Chain: []*x509.Certificate{p.Intermediate.Cert, p.Root.Cert}})
	b = docsigntest.Resign(t, b, func(covered []byte) []byte {
		return docsigntest.CMS(t, covered, fake, p.Signer.Cert, p.Intermediate.Cert)
	})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.UnknownIssuer {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

func TestR4VerifyForeignRoot(t *testing.T) {
	p := pki(t)
	other := docsigntest.NewPKI(t)
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), other.Signer, docsigntest.SignOptions{
		Chain: []*x509.Certificate{other.Intermediate.Cert, other.Root.Cert}})
	if s := one(t, docsign.Verify(b, docsign.NewTrustStore(p.Root.Cert), docsign.Options{})); s.State != docsign.UnknownIssuer {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

func TestR4VerifyByteRangePastEOF(t *testing.T) {
	b := signedSample(t)
	i := bytes.LastIndex(b, []byte("/ByteRange"))
	j := bytes.IndexByte(b[i:], ']') + i
	fields := strings.Fields(string(b[i+len("/ByteRange") : j]))
	last := fields[len(fields)-1]
	repl := strings.Repeat("9", len(last))
	copy(b[j-len(last):j], repl)
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Broken || !strings.Contains(s.Reason, "ByteRange") {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
}

// A later signature counts as signed again: both stay valid.
func TestR4VerifySecondSignatureKeepsFirst(t *testing.T) {
	p := pki(t)
	b := docsigntest.SignPDF(t, signedSample(t), p.Agency, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	rep := docsign.Verify(b, trust(t), docsign.Options{})
	if rep.State != docsign.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Signatures[0].SignedLength >= rep.Signatures[1].SignedLength && rep.Signatures[1].SignedLength != int64(len(b)) &&
		rep.Signatures[0].SignedLength != int64(len(b)) {
		t.Fatalf("lengths %+v", rep.Signatures)
	}
}

// Revocation comes from what the PDF embeds (offline by default).
func TestR4VerifyRevokedFromEmbeddedCRL(t *testing.T) {
	p := pki(t)
	in := docsigntest.SamplePDF(t, "x", 0)
	revoked := docsigntest.SignPDF(t, in, p.Signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert},
		CRLs: [][]byte{docsigntest.CRL(t, p.Intermediate, time.Now().Add(-time.Hour), p.Signer.Cert)}})
	if s := one(t, docsign.Verify(revoked, trust(t), docsign.Options{})); s.State != docsign.Revoked {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
	// A CRL that lists someone else leaves the signature valid.
	good := docsigntest.SignPDF(t, in, p.Signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert},
		CRLs: [][]byte{docsigntest.CRL(t, p.Intermediate, time.Now().Add(-time.Hour), p.Agency.Cert)}})
	if s := one(t, docsign.Verify(good, trust(t), docsign.Options{})); s.State != docsign.Valid {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
	// A CRL from a look-alike of the issuer is ignored.
	fake := docsigntest.Issue(t, nil, p.Intermediate.Cert.Subject, true, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	forged := docsigntest.SignPDF(t, in, p.Signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert},
		CRLs: [][]byte{docsigntest.CRL(t, fake, time.Now().Add(-time.Hour), p.Signer.Cert)}})
	if s := one(t, docsign.Verify(forged, trust(t), docsign.Options{})); s.State != docsign.Valid {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}

// Badges for the list come from a cache keyed by the file's SHA-256.
func TestR4CacheBySHA256(t *testing.T) {
	c := docsign.NewCache(2)
	b := signedSample(t)
	r1 := c.Verify(b, trust(t), docsign.Options{})
	r2 := c.Verify(append([]byte{}, b...), docsign.NewTrustStore(), docsign.Options{})
	if r1.State != docsign.Valid || r2.State != docsign.Valid || c.Len() != 1 {
		t.Fatalf("cached %s %s len %d", r1.State, r2.State, c.Len())
	}
	c.Verify([]byte("a"), nil, docsign.Options{})
	c.Verify([]byte("b"), nil, docsign.Options{})
	if _, ok := c.Lookup(sha(b)); ok || c.Len() != 2 {
		t.Fatalf("oldest kept, len %d", c.Len())
	}
}

func sha(b []byte) [32]byte { return sha256.Sum256(b) }

func TestR4TrustStoreLoadsPEMAndDER(t *testing.T) {
	p := pki(t)
	dir := t.TempDir()
	docsigntest.WriteFile(t, dir, "a.pem", docsigntest.PEM(p.Root.Cert))
	docsigntest.WriteFile(t, dir, "b.cer", p.Intermediate.Cert.Raw)
	docsigntest.WriteFile(t, dir, "junk.txt", []byte("không phải chứng thư"))
	ts, problems := docsign.LoadTrustStore(dir, filepath.Join(dir, "missing"))
	if ts.Len() != 2 || len(problems) != 1 || !strings.Contains(problems[0], "junk.txt") {
		t.Fatalf("roots %d problems %v", ts.Len(), problems)
	}
	if got := docsign.VNTime(time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)); got != "09:30:00 01/12/2026 +07:00" {
		t.Fatalf("VNTime %q", got)
	}
}
