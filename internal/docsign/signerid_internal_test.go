//go:build !windows

package docsign

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"

	"thucongvu/internal/docsign/docsigntest"
)

// FuzzBySerial: any bytes come back unchanged or restated as one DER
// element, never a panic; a real key-identifier CMS is restated so that
// digitorus/pkcs7 parses it with the signer's issuer and serial.
func FuzzBySerial(f *testing.F) {
	p := docsigntest.NewPKI(f)
	now := time.Now()
	signer := docsigntest.Issue(f, p.Intermediate, pkix.Name{CommonName: "Lê Văn C"}, false, nil, now.Add(-time.Hour), now.Add(time.Hour),
		func(c *x509.Certificate) { c.SubjectKeyId = []byte("0123456789abcdefghij") })
	ski := docsigntest.OpenSSLCMS(f, []byte("nội dung"), signer, []*docsigntest.Identity{p.Intermediate}, "-keyid")
	f.Add(ski)
	f.Add(docsigntest.CMS(f, []byte("nội dung"), p.Signer))
	f.Add(ski[:len(ski)/2])
	junk := make([]byte, 64)
	_, _ = rand.Read(junk)
	f.Add(junk)
	if r := bySerial(ski); bytes.Equal(r, ski) {
		f.Fatal("a CMS with a key identifier signer is not restated")
	} else if p7, err := parseCMS(ski); err != nil || len(p7.Signers) != 1 ||
		p7.Signers[0].IssuerAndSerialNumber.SerialNumber.Cmp(signer.Cert.SerialNumber) != 0 {
		f.Fatalf("restated: %v", err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bySerial(b)
		if bytes.Equal(r, b) {
			return
		}
		in := cryptobyte.String(r)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cryptobyte_asn1.SEQUENCE) || !in.Empty() {
			t.Fatalf("restated CMS is not one DER SEQUENCE: % x", r[:min(len(r), 16)])
		}
	})
}
