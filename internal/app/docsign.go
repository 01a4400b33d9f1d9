package app

import (
	"crypto"
	"crypto/x509"
	"os"
	"path/filepath"
	"sync"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign"
	"thucongvu/internal/ui"
)

// pdfVerifier holds one state folder's trust store (loaded once) and the
// cache of verdicts keyed by the SHA-256 of each PDF (the list's badges).
type pdfVerifier struct {
	trust *docsign.TrustStore
	opts  docsign.Options
	cache *docsign.Cache
	// key names the roots and options: stored verdicts made with others are stale.
	key string
}

var pdfVerifiers = struct {
	sync.Mutex
	byHome map[string]*pdfVerifier
}{byHome: map[string]*pdfVerifier{}}

func (s *Services) pdfVerifier() *pdfVerifier {
	pdfVerifiers.Lock()
	defer pdfVerifiers.Unlock()
	if v, ok := pdfVerifiers.byHome[s.Home]; ok {
		return v
	}
	pol, _ := config.LoadPolicy()
	if pol == nil {
		pol = &config.Policy{}
	}
	v := &pdfVerifier{opts: docsign.Options{Online: pol.SignatureOnlineRevocation}, cache: docsign.NewCache(1024)}
	if s.E != nil && s.E.Store != nil {
		// Reports kept in the mail store, shared with the register.
		v.cache = docsign.NewShelvedCache(1024, s.E.Store)
	}
	v.trust, _ = docsign.LocalTrust(s.Home, pol.SignatureRootsDir)
	v.key = docsign.TrustKey(v.trust, v.opts)
	pdfVerifiers.byHome[s.Home] = v
	return v
}

// VerifyPDF implements ui.PDFVerifier: the signatures of a PDF against the
// roots of machine policy (SignatureRootsDir) and of the user's folder (R4).
func (s *Services) VerifyPDF(data []byte) docsign.Report {
	v := s.pdfVerifier()
	return v.cache.Verify(data, v.trust, v.opts)
}

// SignDefaults implements ui.PDFSigner: the account's signature image and
// seal (sign-images, or machine policy) and the timestamp authority of
// machine policy SignatureTSA, with what the policy locks (R4).
func (s *Services) SignDefaults(account string) ui.SignDefaults {
	var d ui.SignDefaults
	if pol, _ := config.LoadPolicy(); pol != nil && pol.SignatureTSA != "" {
		d.TSA, d.TSALocked = pol.SignatureTSA, true
	}
	if s.E == nil {
		return d
	}
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	if a, err := s.E.Config.Account(account); err == nil {
		d.Image, d.Seal = a.SignImages.Image, a.SignImages.Seal
		d.ImageLocked = s.E.Config.Locked(account, config.SettingSignImage)
		d.SealLocked = s.E.Config.Locked(account, config.SettingSignSeal)
	}
	return d
}

// SignPDF implements ui.PDFSigner: it signs the PDF at path with the key on
// the PKCS#11 token of machine policy PKCS11Module (THUCONGVU_PKCS11_MODULE
// when none is set) as signer or organization, with the picture and the
// timestamp authority asked for (machine policy's SignatureTSA wins), and
// returns the signed copy's path in a private temporary folder. The PIN is
// used for this signature only (R4).
func (s *Services) SignPDF(path string, r ui.SignRequest) (string, error) {
	pol, err := config.LoadPolicy()
	if err != nil {
		return "", err
	}
	if pol == nil {
		pol = &config.Policy{}
	}
	module := pol.PKCS11Module
	if module == "" {
		module = os.Getenv(docsign.ModuleEnv)
	}
	in, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var img []byte
	if r.Image != "" {
		if img, err = config.ReadSignImage(r.Image); err != nil {
			return "", err
		}
	}
	tsa := r.TSA
	if pol.SignatureTSA != "" {
		tsa = pol.SignatureTSA
	}
	trust, _ := docsign.LocalTrust(s.Home, pol.SignatureRootsDir)
	var (
		key   crypto.Signer
		cert  *x509.Certificate
		chain []*x509.Certificate
	)
	if module == "" {
		k, c, ch, release, err := docsign.StoreKey("")
		if err != nil {
			return "", err
		}
		defer release()
		key, cert, chain = k, c, ch
	} else {
		token, err := docsign.OpenToken(module, "", r.PIN)
		if err != nil {
			return "", err
		}
		defer token.Close()
		tk, err := token.Key("")
		if err != nil {
			return "", err
		}
		candidates, _ := token.Certificates()
		key, cert, chain = tk, tk.Cert, docsign.ChainFor(tk.Cert, candidates, trust)
	}
	out, err := docsign.Sign(in, key, cert, docsign.SignOptions{As: r.As, Image: img, TSAURL: tsa, Trust: trust, Chain: chain})
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "thucongvu-signed-")
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(dst, out, 0o600); err != nil {
		return "", err
	}
	return dst, nil
}
