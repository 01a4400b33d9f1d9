package testsrv

import (
	"errors"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// within runs f and fails the test if it does not return in time (a
// keyring waiting on a prompt nobody can see would hang forever).
func within(t *testing.T, d time.Duration, f func() error) error {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	select {
	case err := <-ch:
		return err
	case <-time.After(d):
		t.Fatalf("keyring call still running after %v", d)
		return nil
	}
}

func TestKeyringRoundTrip(t *testing.T) {
	StartKeyring(t)
	const svc, acct, pw = "thucongvu-test", "vanthu@hanam.gov.vn", "Mật khẩu: ✓ 1"
	if err := keyring.Set(svc, acct, pw); err != nil {
		t.Fatalf("set: %v", err)
	}
	got, err := keyring.Get(svc, acct)
	if err != nil || got != pw {
		t.Fatalf("get = %q, %v; want %q", got, err, pw)
	}
	if err := keyring.Delete(svc, acct); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := keyring.Get(svc, acct); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("get after delete: %v, want ErrNotFound", err)
	}
}

// TestKeyringFresh: each StartKeyring is a new, empty keyring, and the
// shared godbus connection follows the new bus.
func TestKeyringFresh(t *testing.T) {
	for i := range 2 {
		t.Run("", func(t *testing.T) {
			StartKeyring(t)
			if _, err := keyring.Get("thucongvu-test", "fresh"); !errors.Is(err, keyring.ErrNotFound) {
				t.Fatalf("round %d: get on a new keyring: %v, want ErrNotFound", i, err)
			}
			if err := keyring.Set("thucongvu-test", "fresh", "x"); err != nil {
				t.Fatalf("round %d: set: %v", i, err)
			}
		})
	}
}

func TestKeyringLocked(t *testing.T) {
	k := StartKeyring(t, KeyringOptions{Locked: true})
	err := within(t, 10*time.Second, func() error { return keyring.Set("thucongvu-test", "a", "b") })
	if err == nil {
		t.Fatal("set succeeded on a locked keyring")
	}
	t.Logf("locked: %v", err)
	err = within(t, 10*time.Second, func() error { _, err := keyring.Get("thucongvu-test", "a"); return err })
	if err == nil {
		t.Fatal("get succeeded on a locked keyring")
	}
	k.Unlock(t)
	if err := keyring.Set("thucongvu-test", "a", "b"); err != nil {
		t.Fatalf("set after unlock: %v", err)
	}
	k.Lock(t)
	err = within(t, 10*time.Second, func() error { _, err := keyring.Get("thucongvu-test", "a"); return err })
	if err == nil {
		t.Fatal("get succeeded after Lock")
	}
}

func TestKeyringAbsent(t *testing.T) {
	StartKeyring(t, KeyringOptions{Absent: true})
	err := within(t, 10*time.Second, func() error { return keyring.Set("thucongvu-test", "a", "b") })
	if err == nil {
		t.Fatal("set succeeded with no Secret Service")
	}
	t.Logf("absent: %v", err)
}
