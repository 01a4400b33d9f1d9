//go:build !windows

package docsign_test

import (
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// FuzzVerify: any bytes give a report, never a panic or a hang.
func FuzzVerify(f *testing.F) {
	signed := signedSample(f)
	f.Add(signed)
	f.Add(docsigntest.AppendRedBox(f, signed))
	f.Add(signed[:len(signed)/2])
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	ts := trust(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep := docsign.Verify(b, ts, docsign.Options{Now: time.Unix(1796000000, 0)})
		if rep.State == "" {
			t.Fatal("no state")
		}
		for _, s := range rep.Signatures {
			if s.SignedLength > int64(len(b)) {
				t.Fatalf("signed length %d past %d", s.SignedLength, len(b))
			}
		}
	})
}
