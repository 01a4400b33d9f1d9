//go:build cgo

package docsign

import (
	"errors"
	"testing"

	"github.com/miekg/pkcs11"
)

// softhsm2 keeps no retry counter and its C_Login never answers
// CKR_PIN_LOCKED (its stored CKF_USER_PIN_LOCKED flag is tested with the
// sign command); opencryptoki's soft token does after three wrong PINs,
// but only through its root daemon and system-wide token folder. So the
// token's own answers are checked here: a locked token is told apart from
// a wrong PIN (R4).
func TestR4LoginErrorsTellLockedFromWrongPIN(t *testing.T) {
	for code, want := range map[uint]error{
		pkcs11.CKR_PIN_INCORRECT: ErrWrongPIN,
		pkcs11.CKR_PIN_LEN_RANGE: ErrWrongPIN,
		pkcs11.CKR_PIN_LOCKED:    ErrTokenLocked,
		pkcs11.CKR_PIN_EXPIRED:   ErrTokenLocked,
	} {
		if got := loginError(pkcs11.Error(code)); !errors.Is(got, want) {
			t.Errorf("%#x: %v, want %v", code, got, want)
		}
	}
	if got := loginError(pkcs11.Error(pkcs11.CKR_DEVICE_REMOVED)); errors.Is(got, ErrWrongPIN) || errors.Is(got, ErrTokenLocked) {
		t.Errorf("device removed: %v", got)
	}
}
