// Package secret keeps account passwords in the OS keychain (Windows
// Credential Manager, Secret Service on Linux, the macOS Keychain) through
// go-keyring (R6: LA 14.2, HN 12.3 — the password stays secret). There is
// no plaintext fallback: a locked or absent keychain is an error wrapping
// failure.ErrKeychain. Nothing here ever logs or returns a password in an error.
package secret

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"thucongvu/internal/failure"
)

// Service is the keychain service name under which passwords are kept.
const Service = "thucongvu"

// ErrNoPassword: the keychain holds no password for that account.
var ErrNoPassword = errors.New("no password stored for this account")

// Store keeps one password per account key.
type Store interface {
	Set(account, password string) error
	Get(account string) (string, error)
	Delete(account string) error
	// Label names the store for the UI ("keychain" or "demo").
	Label() string
}

// Keyring is the OS keychain. A keychain that does not answer within
// Timeout (a locked Secret Service waiting on a prompt nobody sees) fails.
type Keyring struct {
	Timeout time.Duration
}

// NewKeyring returns the OS keychain with a 15 s answer limit.
func NewKeyring() *Keyring { return &Keyring{Timeout: 15 * time.Second} }

// Label implements Store.
func (k *Keyring) Label() string { return "keychain" }

// Set stores password for account.
func (k *Keyring) Set(account, password string) error {
	_, err := k.call(func() (string, error) { return "", keyring.Set(Service, account, password) })
	if err != nil {
		return fmt.Errorf("save password in keychain: %w", err)
	}
	return nil
}

// Get returns the password of account.
func (k *Keyring) Get(account string) (string, error) {
	pw, err := k.call(func() (string, error) { return keyring.Get(Service, account) })
	if err != nil {
		return "", fmt.Errorf("read password from keychain: %w", err)
	}
	return pw, nil
}

// Delete removes the password of account; a missing one is not an error.
func (k *Keyring) Delete(account string) error {
	_, err := k.call(func() (string, error) { return "", keyring.Delete(Service, account) })
	if err != nil && !errors.Is(err, ErrNoPassword) {
		return fmt.Errorf("delete password from keychain: %w", err)
	}
	return nil
}

func (k *Keyring) call(op func() (string, error)) (string, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := op()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		switch {
		case r.err == nil:
			return r.v, nil
		case errors.Is(r.err, keyring.ErrNotFound):
			return "", ErrNoPassword
		default:
			return "", fmt.Errorf("%w: %v", failure.ErrKeychain, r.err)
		}
	case <-ctx.Done():
		return "", fmt.Errorf("%w: no answer in %s (locked?)", failure.ErrKeychain, timeout)
	}
}

// Memory is an in-process store for the demo and for fast tests. It is
// labelled "demo" so the UI never passes it off as the keychain.
type Memory struct {
	mu  sync.Mutex
	pws map[string]string
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{pws: map[string]string{}} }

// Label implements Store.
func (m *Memory) Label() string { return "demo" }

// Set implements Store.
func (m *Memory) Set(account, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pws[account] = password
	return nil
}

// Get implements Store.
func (m *Memory) Get(account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pw, ok := m.pws[account]
	if !ok {
		return "", ErrNoPassword
	}
	return pw, nil
}

// Delete implements Store.
func (m *Memory) Delete(account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pws, account)
	return nil
}
