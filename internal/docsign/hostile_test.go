//go:build !windows

package docsign_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/testsrv"
)

// An editor's save after signing (a red box): the signature is
// modified_after_signing and the signed version is still offered.
func TestR4VerifyAppendedUpdateIsModified(t *testing.T) {
	signed := signedSample(t)
	b := docsigntest.AppendRedBox(t, signed)
	s := one(t, docsign.Verify(b, trust(t), docsign.Options{}))
	if s.State != docsign.ModifiedAfterSigning {
		t.Fatalf("state %s (%s)", s.State, s.Reason)
	}
	orig := docsign.SignedVersion(b, s)
	if !bytes.Equal(bytes.TrimRight(orig, "\n"), bytes.TrimRight(signed, "\n")) {
		t.Fatalf("signed version is %d bytes, the signed file %d", len(orig), len(signed))
	}
	if s2 := one(t, docsign.Verify(orig, trust(t), docsign.Options{})); s2.State != docsign.Valid {
		t.Fatalf("the signed version: %s (%s)", s2.State, s2.Reason)
	}
}

// A red box added, then signed again by someone: the first signature still
// says the document changed after it.
func TestR4VerifyChangeThenSecondSignature(t *testing.T) {
	p := pki(t)
	b := docsigntest.AppendRedBox(t, signedSample(t))
	b = docsigntest.SignPDF(t, b, p.Agency, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	rep := docsign.Verify(b, trust(t), docsign.Options{})
	if len(rep.Signatures) != 2 {
		t.Fatalf("%+v", rep)
	}
	states := map[docsign.State]int{}
	for _, s := range rep.Signatures {
		states[s.State]++
	}
	if states[docsign.ModifiedAfterSigning] != 1 || states[docsign.Valid] != 1 || rep.State != docsign.ModifiedAfterSigning {
		t.Fatalf("%+v", rep.Signatures)
	}
}

func TestR4VerifyTimestampOverSignatureValue(t *testing.T) {
	p := pki(t)
	tsa := docsigntest.StartTSA(t, p)
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), p.Signer, docsigntest.SignOptions{
		Chain: []*x509.Certificate{p.Intermediate.Cert}, TSAURL: tsa.URL})
	s := one(t, docsign.Verify(b, trust(t), docsign.Options{}))
	if s.State != docsign.Valid || s.TimeSource != docsign.TimeFromTimestamp || tsa.Requests != 1 {
		t.Fatalf("%+v (requests %d)", s, tsa.Requests)
	}
	// Without the TSA's root trusted, the time is only the signer's clock.
	other := docsigntest.NewPKI(t)
	tsa2 := docsigntest.StartTSA(t, other)
	b = docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), p.Signer, docsigntest.SignOptions{
		Chain: []*x509.Certificate{p.Intermediate.Cert}, TSAURL: tsa2.URL})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Valid || s.TimeSource != docsign.TimeFromSigner {
		t.Fatalf("%+v", s)
	}
}

// NSS (and openssl -stream) write indefinite-length BER.
func TestR4VerifyBERCMS(t *testing.T) {
	p := pki(t)
	b := docsigntest.Resign(t, signedSample(t), func(covered []byte) []byte {
		cms := docsigntest.IndefiniteLength(t, docsigntest.OpenSSLCMS(t, covered, p.Signer, []*docsigntest.Identity{p.Intermediate}))
		if cms[1] != 0x80 {
			t.Fatalf("not indefinite-length BER: % x", cms[:4])
		}
		return cms
	})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Valid {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}

func TestR4VerifyPSSCMS(t *testing.T) {
	p := pki(t)
	b := docsigntest.Resign(t, signedSample(t), func(covered []byte) []byte {
		return docsigntest.OpenSSLCMS(t, covered, p.Signer, []*docsigntest.Identity{p.Intermediate}, "-keyopt", "rsa_padding_mode:pss")
	})
	s := one(t, docsign.Verify(b, trust(t), docsign.Options{}))
	if s.State != docsign.Valid {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
	// The same with one bit of the signature value flipped is broken.
	b2 := docsigntest.Resign(t, b, func(covered []byte) []byte {
		cms := docsigntest.OpenSSLCMS(t, covered, p.Signer, []*docsigntest.Identity{p.Intermediate}, "-keyopt", "rsa_padding_mode:pss")
		cms[len(cms)-10] ^= 1
		return cms
	})
	if s := one(t, docsign.Verify(b2, trust(t), docsign.Options{})); s.State != docsign.Broken {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}

// A CMS that does not parse is reported, never dropped.
func TestR4VerifyGarbageCMSIsBroken(t *testing.T) {
	b := docsigntest.Resign(t, signedSample(t), func([]byte) []byte { return []byte{0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a} })
	rep := docsign.Verify(b, trust(t), docsign.Options{})
	if s := one(t, rep); s.State != docsign.Broken || rep.State != docsign.Broken {
		t.Fatalf("%+v", rep)
	}
}

// A file signed by poppler's pdfsig with an NSS database.
func TestR4VerifyPdfsigSigned(t *testing.T) {
	testsrv.Need(t, "pdfsig", "certutil", "pk12util", "openssl")
	p := pki(t)
	db := docsigntest.NSSDB(t, p, p.Signer)
	dir := t.TempDir()
	in := docsigntest.WriteFile(t, dir, "in.pdf", docsigntest.SamplePDF(t, "Công văn", 0))
	out := filepath.Join(dir, "out.pdf")
	cmd := exec.Command("pdfsig", "-nssdir", "sql:"+db, "-nss-pwd", "", "-add-signature", "-nick", "signer", "-digest", "SHA256", in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := one(t, docsign.Verify(b, trust(t), docsign.Options{}))
	if s.State != docsign.Valid || s.Signer != "Nguyễn Văn A" {
		t.Fatalf("%+v", s)
	}
}

// A document timestamp after a signature counts as signed again; it is
// reported with the TSA's name and the stamped time.
func TestR4VerifyDocumentTimestamp(t *testing.T) {
	p := pki(t)
	tsa := docsigntest.StartTSA(t, p)
	b := docsigntest.DocTimestamp(t, signedSample(t), tsa.URL)
	rep := docsign.Verify(b, trust(t), docsign.Options{})
	if rep.State != docsign.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("%+v", rep)
	}
	var ts docsign.Signature
	for _, s := range rep.Signatures {
		if s.Kind == "document_timestamp" {
			ts = s
		}
	}
	if ts.Signer != "Dịch vụ cấp dấu thời gian (thử)" || ts.TimeSource != docsign.TimeFromTimestamp || ts.SubFilter != "ETSI.RFC3161" {
		t.Fatalf("%+v", ts)
	}
	// The same stamp from an untrusted TSA: unknown issuer.
	if rep := docsign.Verify(b, docsign.NewTrustStore(docsigntest.NewPKI(t).Root.Cert), docsign.Options{}); rep.State != docsign.UnknownIssuer {
		t.Fatalf("%+v", rep)
	}
}

// A DSS added after signing counts as signed again, and its revocation
// data is used: a CRL there that revokes the signer makes it revoked.
func TestR4VerifyDSS(t *testing.T) {
	p := pki(t)
	signed := signedSample(t)
	other := docsigntest.AppendDSS(t, signed, docsigntest.CRL(t, p.Intermediate, time.Now().Add(-time.Hour), p.Agency.Cert))
	if s := one(t, docsign.Verify(other, trust(t), docsign.Options{})); s.State != docsign.Valid {
		t.Fatalf("DSS listing someone else: %s (%s)", s.State, s.Reason)
	}
	revoked := docsigntest.AppendDSS(t, signed, docsigntest.CRL(t, p.Intermediate, time.Now().Add(-time.Hour), p.Signer.Cert))
	if s := one(t, docsign.Verify(revoked, trust(t), docsign.Options{})); s.State != docsign.Revoked {
		t.Fatalf("DSS revoking the signer: %s (%s)", s.State, s.Reason)
	}
}

// A signing-certificate-v2 attribute that names another certificate than
// the signer's (a substituted certificate) is broken.
func TestR4VerifySigningCertificateMismatch(t *testing.T) {
	p := pki(t)
	b := docsigntest.Resign(t, signedSample(t), func(covered []byte) []byte {
		sd, err := pkcs7.NewSignedData(covered)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		sum := sha256.Sum256(p.Agency.Cert.Raw)
		ess, err := asn1.Marshal(struct{ Certs []struct{ Hash []byte } }{[]struct{ Hash []byte }{{sum[:]}}})
		if err != nil {
			t.Fatal(err)
		}
		attr := pkcs7.Attribute{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}, Value: asn1.RawValue{FullBytes: ess}}
		if err := sd.AddSignerChain(p.Signer.Cert, p.Signer.Key, []*x509.Certificate{p.Intermediate.Cert}, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{attr}}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		der, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return der
	})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Broken || !strings.Contains(s.Reason, "signing-certificate attribute") {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}

// poppler's pdfsig signing on top of a signature made here: its
// incremental update counts as signed again, both signatures stay valid.
func TestR4VerifyPdfsigSignsAfterUs(t *testing.T) {
	testsrv.Need(t, "pdfsig", "certutil", "pk12util", "openssl")
	p := pki(t)
	first, err := docsign.Sign(docsigntest.SamplePDF(t, "Công văn", 0), p.Signer.Key, p.Signer.Cert, signOpts(t, docsign.AsSigner))
	if err != nil {
		t.Fatal(err)
	}
	db := docsigntest.NSSDB(t, p, p.Agency)
	dir := t.TempDir()
	in := docsigntest.WriteFile(t, dir, "in.pdf", first)
	out := filepath.Join(dir, "out.pdf")
	if msg, err := exec.Command("pdfsig", "-nssdir", "sql:"+db, "-nss-pwd", "", "-add-signature", "-nick", "signer", "-digest", "SHA256", in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := docsign.Verify(b, trust(t), docsign.Options{})
	if rep.State != docsign.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("%+v", rep)
	}
}

// A B-T token must stamp the signature value: one over the document's
// digest instead is broken.
func TestR4VerifyTimestampOverTheWrongThing(t *testing.T) {
	p := pki(t)
	tsa := docsigntest.StartTSA(t, p)
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), p.Signer, docsigntest.SignOptions{
		Chain: []*x509.Certificate{p.Intermediate.Cert}, TSAURL: tsa.URL})
	b = docsigntest.Resign(t, b, func(covered []byte) []byte {
		sd, err := pkcs7.NewSignedData(covered)
		if err != nil {
			t.Fatal(err)
		}
		sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
		if err := sd.AddSignerChain(p.Signer.Cert, p.Signer.Key, []*x509.Certificate{p.Intermediate.Cert}, pkcs7.SignerInfoConfig{}); err != nil {
			t.Fatal(err)
		}
		sd.Detach()
		token := tsa.Token(t, covered) // over the document, not the signature value
		attr := pkcs7.Attribute{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}, Value: asn1.RawValue{FullBytes: token}}
		if err := sd.GetSignedData().SignerInfos[0].SetUnauthenticatedAttributes([]pkcs7.Attribute{attr}); err != nil {
			t.Fatal(err)
		}
		der, err := sd.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return der
	})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Broken || !strings.Contains(s.Reason, "does not stamp this signature") {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}
