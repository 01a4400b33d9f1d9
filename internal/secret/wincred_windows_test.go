package secret

import (
	"errors"
	"strings"
	"testing"

	"github.com/danieljoos/wincred"
)

// On Windows the password goes to the Credential Manager (wincred) as a
// generic credential of the user, never to a file (R6).
func TestCredentialManager(t *testing.T) {
	k := NewKeyring()
	const account, password = "vanthu@hanam.gov.vn", "Mật-khẩu#2026 dài"
	t.Cleanup(func() { k.Delete(account) })
	if err := k.Set(account, password); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(account)
	if err != nil || got != password {
		t.Fatalf("get: %q, %v", got, err)
	}
	cred, err := wincred.GetGenericCredential(Service + ":" + account)
	if err != nil {
		t.Fatalf("no generic credential %q: %v", Service+":"+account, err)
	}
	if cred.Persist != wincred.PersistLocalMachine && cred.Persist != wincred.PersistEnterprise {
		t.Errorf("credential persistence %v", cred.Persist)
	}
	if err := k.Delete(account); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(account); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("after delete: %v", err)
	}
	if err := k.Delete(account); err != nil {
		t.Fatalf("deleting a missing password: %v", err)
	}
	if err := k.Set(account, strings.Repeat("x", 3000)); err == nil {
		t.Error("a password longer than the Credential Manager's 2560-byte blob was accepted")
	}
}
