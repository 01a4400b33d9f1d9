//go:build !cgo

package docsign

import (
	"crypto"
	"crypto/x509"
	"errors"
	"io"
)

// errNoCgo: the PKCS#11 module is loaded through cgo.
var errNoCgo = errors.New("PKCS#11 tokens need a build with cgo")

// Token is a PKCS#11 token; this build has none.
type Token struct{ Label string }

// TokenKey is a key on a token; this build has none.
type TokenKey struct {
	Cert  *x509.Certificate
	Label string
}

// OpenToken fails: this build cannot load PKCS#11 modules.
func OpenToken(module, tokenLabel, pin string) (*Token, error) {
	if module == "" {
		return nil, ErrNoModule
	}
	return nil, errNoCgo
}

// Close does nothing.
func (t *Token) Close() {}

// Key fails.
func (t *Token) Key(label string) (*TokenKey, error) { return nil, errNoCgo }

// Certificates fails.
func (t *Token) Certificates() ([]*x509.Certificate, error) { return nil, errNoCgo }

// Public is the certificate's key.
func (k *TokenKey) Public() crypto.PublicKey { return k.Cert.PublicKey }

// Sign fails.
func (k *TokenKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) { return nil, errNoCgo }
