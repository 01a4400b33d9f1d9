//go:build !windows

package docsign

import (
	"crypto"
	"crypto/x509"
)

// StoreKey is the Windows certificate store's signing identity; elsewhere
// there is none (keys come from a PKCS#11 module).
func StoreKey(label string) (crypto.Signer, *x509.Certificate, []*x509.Certificate, func(), error) {
	return nil, nil, nil, nil, ErrNoModule
}
