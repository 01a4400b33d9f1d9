//go:build !windows && cgo

package docsigntest

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"

	"thucongvu/internal/testsrv"
)

// SoftHSMModule is Debian's softhsm2 PKCS#11 module.
const SoftHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// SoftHSM is a softhsm2 token in a private folder (SOFTHSM2_CONF is set
// for the test).
type SoftHSM struct {
	Module, Label, PIN, SOPIN string
	// TokenDir holds the token's files (file object store).
	TokenDir string
}

// StartSoftHSM initialises a token labelled label with the user PIN pin.
func StartSoftHSM(tb testing.TB, label, pin string) *SoftHSM {
	tb.Helper()
	testsrv.Need(tb, "softhsm2-util", SoftHSMModule)
	dir := tb.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.MkdirAll(tokens, 0o700); err != nil {
		tb.Fatal(err)
	}
	conf := WriteFile(tb, dir, "softhsm2.conf", []byte(fmt.Sprintf("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens)))
	tb.Setenv("SOFTHSM2_CONF", conf)
	h := &SoftHSM{Module: SoftHSMModule, Label: label, PIN: pin, SOPIN: "87654321", TokenDir: tokens}
	if msg, err := exec.Command("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", h.SOPIN).CombinedOutput(); err != nil {
		tb.Fatalf("softhsm2-util: %v\n%s", err, msg)
	}
	return h
}

// Import puts id's RSA key and certificate on the token under label (the
// key needing a login for each signature when alwaysAuth).
func (h *SoftHSM) Import(tb testing.TB, id *Identity, label string, alwaysAuth bool) {
	tb.Helper()
	k := id.Key
	k.Precompute()
	ckaID := []byte(label)
	b := func(i *big.Int) []byte { return i.Bytes() }
	h.create(tb, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY),
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
		pkcs11.NewAttribute(pkcs11.CKA_ALWAYS_AUTHENTICATE, alwaysAuth),
		pkcs11.NewAttribute(pkcs11.CKA_ID, ckaID),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS, b(k.N)),
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, big.NewInt(int64(k.E)).Bytes()),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE_EXPONENT, b(k.D)),
		pkcs11.NewAttribute(pkcs11.CKA_PRIME_1, b(k.Primes[0])),
		pkcs11.NewAttribute(pkcs11.CKA_PRIME_2, b(k.Primes[1])),
		pkcs11.NewAttribute(pkcs11.CKA_EXPONENT_1, b(k.Precomputed.Dp)),
		pkcs11.NewAttribute(pkcs11.CKA_EXPONENT_2, b(k.Precomputed.Dq)),
		pkcs11.NewAttribute(pkcs11.CKA_COEFFICIENT, b(k.Precomputed.Qinv)),
	}, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE),
		pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_ID, ckaID),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		pkcs11.NewAttribute(pkcs11.CKA_SUBJECT, id.Cert.RawSubject),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, id.Cert.Raw),
	})
}

// create logs in to the token and creates the objects in one read-write
// session, then closes the module again (the client loads it anew for
// each signature).
func (h *SoftHSM) create(tb testing.TB, objects ...[]*pkcs11.Attribute) {
	tb.Helper()
	ctx := pkcs11.New(h.Module)
	if ctx == nil {
		tb.Fatal("load softhsm2")
	}
	defer ctx.Destroy()
	if err := ctx.Initialize(); err != nil {
		tb.Fatal(err)
	}
	defer ctx.Finalize()
	slots, err := ctx.GetSlotList(true)
	if err != nil || len(slots) == 0 {
		tb.Fatalf("slots: %v", err)
	}
	var slot uint
	for _, s := range slots {
		if info, err := ctx.GetTokenInfo(s); err == nil && strings.TrimRight(info.Label, " \x00") == h.Label {
			slot = s
		}
	}
	sess, err := ctx.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		tb.Fatal(err)
	}
	defer ctx.CloseSession(sess)
	if err := ctx.Login(sess, pkcs11.CKU_USER, h.PIN); err != nil {
		tb.Fatal(err)
	}
	defer ctx.Logout(sess)
	for _, attrs := range objects {
		if _, err := ctx.CreateObject(sess, attrs); err != nil {
			tb.Fatalf("create object on the token: %v", err)
		}
	}
}

// ImportCert puts a certificate alone on the token (an issuer beside the
// signing certificate).
func (h *SoftHSM) ImportCert(tb testing.TB, cert *x509.Certificate, label string) {
	tb.Helper()
	h.create(tb, []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_CERTIFICATE),
		pkcs11.NewAttribute(pkcs11.CKA_CERTIFICATE_TYPE, pkcs11.CKC_X_509),
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),
		pkcs11.NewAttribute(pkcs11.CKA_SUBJECT, cert.RawSubject),
		pkcs11.NewAttribute(pkcs11.CKA_VALUE, cert.Raw),
	})
}

// StampImages are a blue signature and a red seal, transparent PNGs.
func StampImages(tb testing.TB) (signatureImage, sealImage []byte) {
	tb.Helper()
	sig := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	blue := color.NRGBA{0x10, 0x30, 0xc0, 0xff}
	for x := 20; x < 280; x++ {
		y := 60 + int(35*math.Sin(float64(x)/18))
		for d := -2; d <= 2; d++ {
			sig.Set(x, y+d, blue)
		}
	}
	seal := image.NewNRGBA(image.Rect(0, 0, 240, 240))
	red := color.NRGBA{0xd0, 0x10, 0x10, 0xff}
	for x := 0; x < 240; x++ {
		for y := 0; y < 240; y++ {
			r := math.Hypot(float64(x-120), float64(y-120))
			if (r > 100 && r < 116) || (r > 70 && r < 76) || (math.Abs(float64(x-y)) < 4 && r < 60) {
				seal.Set(x, y, red)
			}
		}
	}
	enc := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			tb.Fatal(err)
		}
		return b.Bytes()
	}
	return enc(sig), enc(seal)
}

// LockUserPIN sets CKF_USER_PIN_LOCKED in the token's flags where softhsm2
// keeps them: the CKA_OS_TOKENFLAGS attribute (CKA_VENDOR_DEFINED +
// 0x5348 + 3) of token.object, an unsigned long stored as 8 big-endian
// bytes of type, 8 of kind (2: unsigned long) and 8 of value. softhsm2
// has no retry counter of its own: C_GetTokenInfo then reports the token
// locked, while its C_Login still accepts the right PIN.
func (h *SoftHSM) LockUserPIN(tb testing.TB) {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(h.TokenDir, "*", "token.object"))
	if err != nil || len(files) != 1 {
		tb.Fatalf("token.object: %v %v", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		tb.Fatal(err)
	}
	attr := []byte{0, 0, 0, 0, 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2}
	i := bytes.Index(b, attr)
	if i < 0 || len(b) < i+len(attr)+8 {
		tb.Fatal("no CKA_OS_TOKENFLAGS in token.object")
	}
	v := b[i+len(attr) : i+len(attr)+8]
	flags := binary.BigEndian.Uint64(v) | pkcs11.CKF_USER_PIN_LOCKED
	binary.BigEndian.PutUint64(v, flags)
	if err := os.WriteFile(files[0], b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
