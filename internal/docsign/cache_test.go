//go:build !windows

package docsign_test

import (
	"context"
	"sync"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// shelf is a ReportShelf in memory (the mail store's pdf_reports is
// tested with the register and the badge pass).
type shelf struct {
	mu sync.Mutex
	m  map[[2]string]string
}

func (s *shelf) PDFReport(_ context.Context, sum, trust string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[[2]string{sum, trust}], nil
}

func (s *shelf) SetPDFReport(_ context.Context, sum, trust, report string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[[2]string{sum, trust}] = report
	return nil
}

// R4: two caches on one shelf (the badge pass and the register) verify a
// PDF once; other roots verify it again.
func TestR4ShelvedCacheVerifiesOnce(t *testing.T) {
	sh := &shelf{m: map[[2]string]string{}}
	signed := signedSample(t)
	badges, register := docsign.NewShelvedCache(8, sh), docsign.NewShelvedCache(8, sh)
	first := badges.Verify(signed, trust(t), docsign.Options{})
	second := register.Verify(signed, trust(t), docsign.Options{})
	if badges.Verified() != 1 || register.Verified() != 0 {
		t.Fatalf("verified %d and %d times", badges.Verified(), register.Verified())
	}
	if first.State != docsign.Valid || second.State != first.State || len(second.Signatures) != 1 ||
		second.Signatures[0].Signer != "Nguyễn Văn A" || !second.Signatures[0].SignedAt.Equal(first.Signatures[0].SignedAt) {
		t.Fatalf("shelved %+v, verified %+v", second, first)
	}
	other := docsign.NewTrustStore(docsigntest.NewPKI(t).Root.Cert)
	if rep := docsign.NewShelvedCache(8, sh).Verify(signed, other, docsign.Options{}); rep.State != docsign.UnknownIssuer {
		t.Fatalf("other roots: %+v", rep)
	}
	// Not a PDF: reported, not shelved (its error is not stored).
	if rep := register.Verify([]byte("not a pdf"), trust(t), docsign.Options{}); rep.Err == nil || len(sh.m) != 2 {
		t.Fatalf("%+v, %d shelved", rep, len(sh.m))
	}
}
