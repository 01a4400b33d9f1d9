package secret

import (
	"errors"
	"os"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/testsrv"
)

// The keychain tests talk to a real gnome-keyring Secret Service on a
// private session bus.
func TestKeyringRoundTrip(t *testing.T) {
	testsrv.StartKeyring(t)
	k := NewKeyring()
	const account = "nguyenthithanhha@hanam.gov.vn@mail.hanam.gov.vn"
	if _, err := k.Get(account); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("empty keyring: %v", err)
	}
	if err := k.Set(account, "Hn@2026-mật khẩu"); err != nil {
		t.Fatal(err)
	}
	pw, err := k.Get(account)
	if err != nil || pw != "Hn@2026-mật khẩu" {
		t.Fatalf("read back %q, %v", pw, err)
	}
	if err := k.Delete(account); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(account); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("after delete: %v", err)
	}
	if err := k.Delete(account); err != nil {
		t.Fatalf("deleting a missing entry: %v", err)
	}
}

func TestLockedKeyringIsAClearError(t *testing.T) {
	testsrv.StartKeyring(t, testsrv.KeyringOptions{Locked: true})
	k := NewKeyring()
	err := k.Set("a@hanam.gov.vn", "secret-password")
	if !errors.Is(err, failure.ErrKeychain) {
		t.Fatalf("locked keyring: %v", err)
	}
	if strings.Contains(err.Error(), "secret-password") {
		t.Fatal("error message leaks the password")
	}
}

func TestAbsentKeyringHasNoFallback(t *testing.T) {
	testsrv.StartKeyring(t, testsrv.KeyringOptions{Absent: true})
	home := t.TempDir()
	t.Setenv("HOME", home)
	k := NewKeyring()
	if err := k.Set("a@hanam.gov.vn", "secret-password"); !errors.Is(err, failure.ErrKeychain) {
		t.Fatalf("absent keyring: %v", err)
	}
	if _, err := k.Get("a@hanam.gov.vn"); !errors.Is(err, failure.ErrKeychain) {
		t.Fatalf("absent keyring read: %v", err)
	}
	// Nothing may have been written anywhere as a fallback.
	entries, _ := os.ReadDir(home)
	if len(entries) != 0 {
		t.Fatalf("something was written to HOME: %v", entries)
	}
}

func TestMemoryStore(t *testing.T) {
	m := NewMemory()
	if m.Label() != "demo" {
		t.Fatal("memory store must say it is the demo")
	}
	m.Set("a", "b")
	if pw, _ := m.Get("a"); pw != "b" {
		t.Fatal("memory round trip")
	}
	m.Delete("a")
	if _, err := m.Get("a"); !errors.Is(err, ErrNoPassword) {
		t.Fatal("memory delete")
	}
}
