package app

import (
	"sync"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign"
)

// pdfSignatures holds the trust store (loaded once) and the cache of
// verdicts keyed by the SHA-256 of each PDF (the list's badges).
var pdfSignatures struct {
	once  sync.Once
	trust *docsign.TrustStore
	opts  docsign.Options
	cache *docsign.Cache
}

// VerifyPDF implements ui.PDFVerifier: the signatures of a PDF against the
// roots of machine policy (SignatureRootsDir) and of the user's folder (R4).
func (s *Services) VerifyPDF(data []byte) docsign.Report {
	p := &pdfSignatures
	p.once.Do(func() {
		pol, _ := config.LoadPolicy()
		if pol == nil {
			pol = &config.Policy{}
		}
		p.trust, _ = docsign.LocalTrust(s.Home, pol.SignatureRootsDir)
		p.opts = docsign.Options{Online: pol.SignatureOnlineRevocation}
		p.cache = docsign.NewCache(1024)
	})
	return p.cache.Verify(data, p.trust, p.opts)
}
