//go:build !windows

package pdfconv_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/pdfconv"
)

// R4: a signed PDF is never rewritten: convert passes it through byte for
// byte (even with --grayscale), and its signature stays valid.
func TestR4SignedPDFPassesThroughByteForByte(t *testing.T) {
	p := docsigntest.NewPKI(t)
	signed := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "Công văn đã ký số", 0), p.Signer,
		docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	in := docsigntest.WriteFile(t, t.TempDir(), "công văn ký số.pdf", signed)
	conv := pdfconv.New(pdfconv.Config{})
	defer conv.Close()
	for _, grey := range []bool{false, true} {
		r := conv.ConvertFile(context.Background(), in, pdfconv.Options{OutDir: t.TempDir(), Grayscale: grey})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		out, err := os.ReadFile(r.Output)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, signed) {
			t.Fatalf("grayscale=%v: the signed PDF was rewritten (%d bytes, was %d)", grey, len(out), len(signed))
		}
		if rep := docsign.Verify(out, docsign.NewTrustStore(p.Root.Cert), docsign.Options{}); rep.State != docsign.Valid {
			t.Fatalf("after convert: %s", rep.State)
		}
	}
}
