//go:build windows

package docsign

import (
	"crypto"
	"crypto/x509"
	"strings"
	"time"

	"github.com/tailscale/certstore"
)

// StoreKey finds a signing identity in the user's Windows certificate
// store, where USB tokens appear through their minidrivers (the token's
// own dialog asks the PIN). label picks the certificate whose subject
// common name or organisation contains it; empty picks the first valid one
// that may sign. release frees the store.
func StoreKey(label string) (key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, release func(), err error) {
	store, err := certstore.Open(certstore.User)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ids, err := store.Identities()
	if err != nil {
		store.Close()
		return nil, nil, nil, nil, err
	}
	free := func(keep certstore.Identity) {
		for _, id := range ids {
			if id != keep {
				id.Close()
			}
		}
	}
	now := time.Now()
	for _, id := range ids {
		c, err := id.Certificate()
		if err != nil || now.After(c.NotAfter) || c.KeyUsage&x509.KeyUsageDigitalSignature == 0 && c.KeyUsage != 0 {
			continue
		}
		name := c.Subject.CommonName + " " + strings.Join(c.Subject.Organization, " ")
		if label != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(label)) {
			continue
		}
		signer, err := id.Signer()
		if err != nil {
			continue
		}
		full, _ := id.CertificateChain()
		if len(full) > 2 {
			chain = full[1 : len(full)-1]
		}
		free(id)
		chosen := id
		return signer, c, chain, func() { chosen.Close(); store.Close() }, nil
	}
	free(nil)
	store.Close()
	return nil, nil, nil, nil, ErrNoKey
}
