//go:build !windows && cgo

package docsign_test

import (
	"crypto/x509"
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// BenchmarkVerify5MB: verifying a signed 5 MB PDF (target < 100 ms).
func BenchmarkVerify5MB(b *testing.B) {
	p := pki(b)
	in := docsigntest.SamplePDF(b, "Báo cáo kèm bản quét", 5<<20)
	signed := docsigntest.SignPDF(b, in, p.Signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	ts := trust(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if rep := docsign.Verify(signed, ts, docsign.Options{}); rep.State != docsign.Valid {
			b.Fatalf("%+v", rep)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/verify")
	b.ReportMetric(float64(len(signed))/(1<<20), "MB")
}

// BenchmarkSignSoftHSM5MB: signing a 5 MB PDF through softhsm2 (target
// < 300 ms, plus the TSA's answer when one is used).
func BenchmarkSignSoftHSM5MB(b *testing.B) {
	p := pki(b)
	hsm := docsigntest.StartSoftHSM(b, "Token bench", "246810")
	hsm.Import(b, p.Signer, "nva", false)
	in := docsigntest.SamplePDF(b, "Báo cáo kèm bản quét", 5<<20)
	tok, err := docsign.OpenToken(hsm.Module, "", hsm.PIN)
	if err != nil {
		b.Fatal(err)
	}
	defer tok.Close()
	key, err := tok.Key("nva")
	if err != nil {
		b.Fatal(err)
	}
	o := docsign.SignOptions{As: docsign.AsSigner, Chain: []*x509.Certificate{p.Intermediate.Cert}, Trust: trust(b)}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := docsign.Sign(in, key, key.Cert, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/sign")
	b.ReportMetric(float64(len(in))/(1<<20), "MB")
	b.StopTimer()
	tsa := docsigntest.StartTSA(b, p)
	o.TSAURL = tsa.URL
	start = time.Now()
	if _, err := docsign.Sign(in, key, key.Cert, o); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/sign+tsa")
}
