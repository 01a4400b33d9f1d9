//go:build cgo

package docsign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync"

	"github.com/miekg/pkcs11"
)

// Token is a logged-in session on a PKCS#11 token. The PIN lives in memory
// only while the token is open (keys that need a login for every signature,
// CKA_ALWAYS_AUTHENTICATE, get it again); it is never stored.
type Token struct {
	mu      sync.Mutex
	ctx     *pkcs11.Ctx
	session pkcs11.SessionHandle
	pin     string
	Label   string
}

// OpenToken loads module, opens the token labelled tokenLabel (the first
// token present when empty) and logs in with pin.
func OpenToken(module, tokenLabel, pin string) (*Token, error) {
	if module == "" {
		return nil, ErrNoModule
	}
	ctx := pkcs11.New(module)
	if ctx == nil {
		return nil, fmt.Errorf("load PKCS#11 module %s", module)
	}
	if err := ctx.Initialize(); err != nil && !isCKR(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("PKCS#11 module %s: %w", module, err)
	}
	t := &Token{ctx: ctx}
	fail := func(err error) (*Token, error) {
		t.Close()
		return nil, err
	}
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return fail(fmt.Errorf("PKCS#11 slots: %w", err))
	}
	var slot uint
	found := false
	for _, s := range slots {
		info, err := ctx.GetTokenInfo(s)
		if err != nil {
			continue
		}
		label := strings.TrimRight(info.Label, " \x00")
		if tokenLabel == "" || label == tokenLabel {
			if info.Flags&pkcs11.CKF_USER_PIN_LOCKED != 0 {
				return fail(ErrTokenLocked)
			}
			slot, t.Label, found = s, label, true
			break
		}
	}
	if !found {
		return fail(ErrNoToken)
	}
	t.session, err = ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION)
	if err != nil {
		return fail(fmt.Errorf("PKCS#11 session: %w", err))
	}
	if err := ctx.Login(t.session, pkcs11.CKU_USER, pin); err != nil && !isCKR(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN) {
		return fail(loginError(err))
	}
	t.pin = pin
	return t, nil
}

func isCKR(err error, code uint) bool {
	var e pkcs11.Error
	return errors.As(err, &e) && uint(e) == code
}

func loginError(err error) error {
	switch {
	case isCKR(err, pkcs11.CKR_PIN_INCORRECT), isCKR(err, pkcs11.CKR_PIN_INVALID), isCKR(err, pkcs11.CKR_PIN_LEN_RANGE):
		return ErrWrongPIN
	case isCKR(err, pkcs11.CKR_PIN_LOCKED), isCKR(err, pkcs11.CKR_PIN_EXPIRED):
		return ErrTokenLocked
	}
	return fmt.Errorf("PKCS#11 login: %w", err)
}

// Close logs out and unloads the module, and forgets the PIN.
func (t *Token) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pin = ""
	if t.ctx == nil {
		return
	}
	if t.session != 0 {
		_ = t.ctx.Logout(t.session)
		_ = t.ctx.CloseSession(t.session)
	}
	_ = t.ctx.Finalize()
	t.ctx.Destroy()
	t.ctx = nil
}

// TokenKey is a private key on the token with its certificate; it is a
// crypto.Signer.
type TokenKey struct {
	token      *Token
	handle     pkcs11.ObjectHandle
	alwaysAuth bool
	Cert       *x509.Certificate
	Label      string
}

// Keys lists the private keys that have a certificate (same CKA_ID).
func (t *Token) Keys() ([]*TokenKey, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx == nil {
		return nil, errTokenSession
	}
	keys, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY)})
	if err != nil {
		return nil, err
	}
	var out []*TokenKey
	for _, h := range keys {
		attrs, err := t.ctx.GetAttributeValue(t.session, h, []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_ID, nil), pkcs11.NewAttribute(pkcs11.CKA_LABEL, nil),
		})
		if err != nil || len(attrs) < 2 {
			continue
		}
		k := &TokenKey{token: t, handle: h, Label: string(attrs[1].Value)}
		if aa, err := t.ctx.GetAttributeValue(t.session, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_ALWAYS_AUTHENTICATE, nil)}); err == nil && len(aa) == 1 && len(aa[0].Value) == 1 {
			k.alwaysAuth = aa[0].Value[0] != 0
		}
		certs, err := t.find([]*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE), pkcs11.NewAttribute(pkcs11.CKA_ID, attrs[0].Value),
		})
		if err != nil || len(certs) == 0 {
			continue
		}
		v, err := t.ctx.GetAttributeValue(t.session, certs[0], []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_VALUE, nil)})
		if err != nil || len(v) == 0 {
			continue
		}
		if k.Cert, err = x509.ParseCertificate(v[0].Value); err != nil {
			continue
		}
		out = append(out, k)
	}
	return out, nil
}

// Key returns the key labelled label (the only key when label is empty).
func (t *Token) Key(label string) (*TokenKey, error) {
	keys, err := t.Keys()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if label == "" || k.Label == label {
			return k, nil
		}
	}
	return nil, ErrNoKey
}

func (t *Token) find(template []*pkcs11.Attribute) ([]pkcs11.ObjectHandle, error) {
	if err := t.ctx.FindObjectsInit(t.session, template); err != nil {
		return nil, err
	}
	defer func() { _ = t.ctx.FindObjectsFinal(t.session) }()
	var out []pkcs11.ObjectHandle
	for len(out) < 1024 {
		hs, _, err := t.ctx.FindObjects(t.session, 64)
		if err != nil {
			return nil, err
		}
		if len(hs) == 0 {
			break
		}
		out = append(out, hs...)
	}
	return out, nil
}

// Public is the certificate's public key.
func (k *TokenKey) Public() crypto.PublicKey { return k.Cert.PublicKey }

// Sign signs a digest on the token: RSA PKCS #1 v1.5 or PSS, or ECDSA. A
// key with CKA_ALWAYS_AUTHENTICATE gets its context-specific login
// (C_Login with CKU_CONTEXT_SPECIFIC) right after C_SignInit.
func (k *TokenKey) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	t := k.token
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx == nil {
		return nil, errTokenSession
	}
	var mech *pkcs11.Mechanism
	data := digest
	switch k.Cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			salt := pss.SaltLength
			if salt == rsa.PSSSaltLengthEqualsHash || salt == rsa.PSSSaltLengthAuto {
				salt = opts.HashFunc().Size()
			}
			hashMech, mgf, ok := pssMechanisms(opts.HashFunc())
			if !ok {
				return nil, errUnsupportedAlg
			}
			mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS_PSS, pkcs11.NewPSSParams(hashMech, mgf, uint(salt)))
		} else {
			prefix, ok := digestInfoPrefix[opts.HashFunc()]
			if !ok {
				return nil, errUnsupportedAlg
			}
			mech = pkcs11.NewMechanism(pkcs11.CKM_RSA_PKCS, nil)
			data = append(append([]byte{}, prefix...), digest...)
		}
	case *ecdsa.PublicKey:
		mech = pkcs11.NewMechanism(pkcs11.CKM_ECDSA, nil)
	default:
		return nil, errUnsupportedAlg
	}
	if err := t.ctx.SignInit(t.session, []*pkcs11.Mechanism{mech}, k.handle); err != nil {
		return nil, fmt.Errorf("PKCS#11 sign: %w", err)
	}
	if k.alwaysAuth {
		if err := t.ctx.Login(t.session, pkcs11.CKU_CONTEXT_SPECIFIC, t.pin); err != nil {
			return nil, loginError(err)
		}
	}
	sig, err := t.ctx.Sign(t.session, data)
	if err != nil {
		return nil, fmt.Errorf("PKCS#11 sign: %w", err)
	}
	if _, ok := k.Cert.PublicKey.(*ecdsa.PublicKey); ok {
		// PKCS#11 returns r||s; X.509 and CMS want an ASN.1 SEQUENCE.
		half := len(sig) / 2
		return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:half]), new(big.Int).SetBytes(sig[half:])})
	}
	return sig, nil
}

func pssMechanisms(h crypto.Hash) (uint, uint, bool) {
	switch h {
	case crypto.SHA256:
		return pkcs11.CKM_SHA256, pkcs11.CKG_MGF1_SHA256, true
	case crypto.SHA384:
		return pkcs11.CKM_SHA384, pkcs11.CKG_MGF1_SHA384, true
	case crypto.SHA512:
		return pkcs11.CKM_SHA512, pkcs11.CKG_MGF1_SHA512, true
	}
	return 0, 0, false
}

// digestInfoPrefix is the DER DigestInfo header before a digest (RFC 8017
// §9.2 note 1), which CKM_RSA_PKCS signs as given.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// Certificates lists every certificate on the token (issuers of the
// signing certificate are often stored beside it).
func (t *Token) Certificates() ([]*x509.Certificate, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx == nil {
		return nil, errTokenSession
	}
	hs, err := t.find([]*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE)})
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for _, h := range hs {
		v, err := t.ctx.GetAttributeValue(t.session, h, []*pkcs11.Attribute{pkcs11.NewAttribute(pkcs11.CKA_VALUE, nil)})
		if err != nil || len(v) == 0 {
			continue
		}
		if c, err := x509.ParseCertificate(v[0].Value); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}
