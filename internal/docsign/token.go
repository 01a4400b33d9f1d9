package docsign

import (
	"crypto/x509"
	"errors"
)

// Token errors, each with its own message and exit code (R4: a locked token
// is told apart from a wrong PIN).
var (
	ErrWrongPIN     = errors.New("wrong PIN")
	ErrTokenLocked  = errors.New("the token is locked (too many wrong PINs): ask agency IT to unlock it")
	ErrNoToken      = errors.New("no signing token found")
	ErrNoKey        = errors.New("no signing key with a certificate on the token")
	ErrNoModule     = errors.New("no PKCS#11 module set (machine policy PKCS11Module)")
	errTokenSession = errors.New("token session closed")
)

// ModuleEnv names the PKCS#11 module for tests when no policy sets one.
const ModuleEnv = "THUCONGVU_PKCS11_MODULE"

// ChainFor is the intermediates that link cert to a root of trust, from
// the candidates (the token's certificates); empty when none is needed.
func ChainFor(cert *x509.Certificate, candidates []*x509.Certificate, trust *TrustStore) []*x509.Certificate {
	chains, err := cert.Verify(x509.VerifyOptions{Roots: trust.certPool(), Intermediates: pool(candidates),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil || len(chains) == 0 || len(chains[0]) < 3 {
		return nil
	}
	return chains[0][1 : len(chains[0])-1]
}
