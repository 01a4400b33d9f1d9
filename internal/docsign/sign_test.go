//go:build !windows

package docsign_test

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

func signOpts(t testing.TB, as string) docsign.SignOptions {
	p := pki(t)
	return docsign.SignOptions{As: as, Chain: []*x509.Certificate{p.Intermediate.Cert}, Trust: trust(t), Reason: "Ban hành văn bản", Location: "Long An"}
}

// R4: signer then agency, each an incremental update; both stay valid and
// are PAdES (ETSI.CAdES.detached).
func TestR4SignTwiceKeepsBothValid(t *testing.T) {
	p := pki(t)
	in := docsigntest.SamplePDF(t, "Quyết định số 5/QĐ-UBND", 0)
	one, err := docsign.Sign(in, p.Signer.Key, p.Signer.Cert, signOpts(t, docsign.AsSigner))
	if err != nil {
		t.Fatal(err)
	}
	two, err := docsign.Sign(one, p.Agency.Key, p.Agency.Cert, signOpts(t, docsign.AsOrganization))
	if err != nil {
		t.Fatal(err)
	}
	rep := docsign.Verify(two, trust(t), docsign.Options{})
	if rep.State != docsign.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("%+v", rep)
	}
	for _, s := range rep.Signatures {
		if s.SubFilter != "ETSI.CAdES.detached" {
			t.Fatalf("sub filter %q", s.SubFilter)
		}
	}
}

func TestR4SignRefusesExpiredAndUntrusted(t *testing.T) {
	p := pki(t)
	in := docsigntest.SamplePDF(t, "x", 0)
	o := signOpts(t, docsign.AsSigner)
	o.Now = p.Signer.Cert.NotAfter.AddDate(0, 0, 1)
	if _, err := docsign.Sign(in, p.Signer.Key, p.Signer.Cert, o); !errors.Is(err, docsign.ErrCertExpired) {
		t.Fatalf("expired: %v", err)
	}
	o = signOpts(t, docsign.AsSigner)
	o.Trust = docsign.NewTrustStore()
	if _, err := docsign.Sign(in, p.Signer.Key, p.Signer.Cert, o); !errors.Is(err, docsign.ErrCertUntrusted) {
		t.Fatalf("untrusted: %v", err)
	}
}

// PAdES B-T: the TSA's token stamps the signature value.
func TestR4SignWithTimestamp(t *testing.T) {
	p := pki(t)
	tsa := docsigntest.StartTSA(t, p)
	o := signOpts(t, docsign.AsSigner)
	o.TSAURL = tsa.URL
	out, err := docsign.Sign(docsigntest.SamplePDF(t, "x", 0), p.Signer.Key, p.Signer.Cert, o)
	if err != nil {
		t.Fatal(err)
	}
	s := one(t, docsign.Verify(out, trust(t), docsign.Options{}))
	if s.State != docsign.Valid || s.TimeSource != docsign.TimeFromTimestamp || tsa.Requests != 1 {
		t.Fatalf("%+v requests %d", s, tsa.Requests)
	}
}

// An electronic copy: text only, top right of page one (Decree 30/2020 art. 33).
func TestR4SignCopy(t *testing.T) {
	p := pki(t)
	out, err := docsign.Sign(docsigntest.SamplePDF(t, "Bản sao điện tử", 0), p.Agency.Key, p.Agency.Cert, signOpts(t, docsign.AsCopy))
	if err != nil {
		t.Fatal(err)
	}
	if s := one(t, docsign.Verify(out, trust(t), docsign.Options{})); s.State != docsign.Valid {
		t.Fatalf("%s (%s)", s.State, s.Reason)
	}
}

// PAdES (ETSI EN 319 142-1) forbids the CMS signing-time attribute: the
// claimed time is /M, which verification reports as the signer's clock.
func TestR4SignPAdESHasNoSigningTime(t *testing.T) {
	p := pki(t)
	tsa := docsigntest.StartTSA(t, p)
	o := signOpts(t, docsign.AsSigner)
	o.Now = time.Now().Add(-time.Hour).Truncate(time.Second)
	plain, err := docsign.Sign(docsigntest.SamplePDF(t, "x", 0), p.Signer.Key, p.Signer.Cert, o)
	if err != nil {
		t.Fatal(err)
	}
	o.TSAURL = tsa.URL
	stamped, err := docsign.Sign(plain, p.Agency.Key, p.Agency.Cert, o)
	if err != nil {
		t.Fatal(err)
	}
	signingTime := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	signingCertV2 := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	for _, b := range [][]byte{plain, stamped} {
		p7 := docsigntest.LastCMS(t, b)
		essCert := false
		for _, a := range p7.Signers[0].AuthenticatedAttributes {
			if a.Type.Equal(signingTime) {
				t.Fatal("the CMS carries a signing-time attribute")
			}
			essCert = essCert || a.Type.Equal(signingCertV2)
		}
		if !essCert {
			t.Fatal("no signing-certificate-v2 attribute")
		}
	}
	rep := docsign.Verify(stamped, trust(t), docsign.Options{})
	if rep.State != docsign.Valid || len(rep.Signatures) != 2 {
		t.Fatalf("%+v", rep)
	}
	if s := rep.Signatures[0]; s.TimeSource != docsign.TimeFromSigner || !s.SignedAt.Equal(o.Now) {
		t.Fatalf("claimed time %v (%s), want /M %v", s.SignedAt, s.TimeSource, o.Now)
	}
	if s := rep.Signatures[1]; s.TimeSource != docsign.TimeFromTimestamp {
		t.Fatalf("B-T: %+v", s)
	}
}
