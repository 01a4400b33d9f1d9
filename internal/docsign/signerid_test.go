//go:build !windows

package docsign_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// skiSigner is a person whose certificate carries a subjectKeyIdentifier
// (openssl cms -keyid needs one).
func skiSigner(t *testing.T) *docsigntest.Identity {
	p := pki(t)
	ski := make([]byte, 20)
	_, _ = rand.Read(ski)
	now := time.Now()
	return docsigntest.Issue(t, p.Intermediate, pkix.Name{Country: []string{"VN"}, Organization: []string{"UBND tỉnh Long An"},
		CommonName: "Trần Thị Bích"}, false, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		now.Add(-time.Hour), now.Add(365*24*time.Hour), func(c *x509.Certificate) { c.SubjectKeyId = ski })
}

// R4: a CMS made by `openssl cms -sign -keyid` names its signer by
// subjectKeyIdentifier; the signer is found by it and the names come from
// that certificate.
func TestR4VerifySignerBySubjectKeyIdentifier(t *testing.T) {
	p := pki(t)
	signer := skiSigner(t)
	b := docsigntest.Resign(t, signedSample(t), func(covered []byte) []byte {
		return docsigntest.OpenSSLCMS(t, covered, signer, []*docsigntest.Identity{p.Intermediate}, "-keyid")
	})
	s := one(t, docsign.Verify(b, trust(t), docsign.Options{}))
	if s.State != docsign.Valid || s.Signer != "Trần Thị Bích" || s.Organization != "UBND tỉnh Long An" {
		t.Fatalf("%+v", s)
	}
	// The same in NSS's indefinite-length BER is reported, never dropped.
	ber := docsigntest.Resign(t, b, func(covered []byte) []byte {
		return docsigntest.IndefiniteLength(t, docsigntest.OpenSSLCMS(t, covered, signer, []*docsigntest.Identity{p.Intermediate}, "-keyid"))
	})
	if rep := docsign.Verify(ber, trust(t), docsign.Options{}); len(rep.Signatures) != 1 || rep.State == "" {
		t.Fatalf("%+v", rep)
	}
}

// A key identifier that names another carried certificate (the
// intermediate's) than the key that signed: broken. One that names no
// carried certificate: broken.
func TestR4VerifySubjectKeyIdentifierOfAnotherCertificate(t *testing.T) {
	p := pki(t)
	signer := skiSigner(t)
	if len(p.Intermediate.Cert.SubjectKeyId) != len(signer.Cert.SubjectKeyId) {
		t.Fatalf("key identifiers of %d and %d bytes", len(p.Intermediate.Cert.SubjectKeyId), len(signer.Cert.SubjectKeyId))
	}
	for name, sid := range map[string][]byte{"intermediate": p.Intermediate.Cert.SubjectKeyId, "nobody": bytes.Repeat([]byte{7}, 20)} {
		b := docsigntest.Resign(t, signedSample(t), func(covered []byte) []byte {
			cms := docsigntest.OpenSSLCMS(t, covered, signer, []*docsigntest.Identity{p.Intermediate}, "-keyid")
			// The SignerIdentifier is the last copy of the key identifier
			// (the first is in the carried certificate).
			i := bytes.LastIndex(cms, signer.Cert.SubjectKeyId)
			if i < 0 || i == bytes.Index(cms, signer.Cert.SubjectKeyId) {
				t.Fatal("no signer identifier by key identifier")
			}
			copy(cms[i:], sid)
			return cms
		})
		if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Broken {
			t.Fatalf("%s: %s (%s)", name, s.State, s.Reason)
		}
	}
}
