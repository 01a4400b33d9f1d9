// Package config owns the user's settings and accounts (never a secret:
// passwords live in the keychain, package secret) under the state folder
// (THUCONGVU_HOME or the user's configuration folder). Writes are atomic:
// a crash leaves either the old or the new file, never half of one.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

const accountsFile = "accounts.json"

// Config is the state folder's settings and accounts.
type Config struct {
	Dir string `json:"-"`
	// Accounts are the accounts in effect: the user's own values with
	// machine policy over them (SetPolicy). Save writes back only the
	// user's values, never the policy's.
	Accounts []model.Account `json:"accounts"`

	policy *Policy
	own    map[string]model.Account // the user's values by name, as stored
}

// Load reads the configuration in dir; a missing file is an empty config.
func Load(dir string) (*Config, error) {
	c := &Config{Dir: dir, own: map[string]model.Account{}}
	raw, err := os.ReadFile(filepath.Join(dir, accountsFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("read accounts: %s is damaged: %w", filepath.Join(dir, accountsFile), err)
	}
	for _, a := range c.Accounts {
		if err := checkSecurity(a); err != nil {
			return nil, fmt.Errorf("read accounts: %s: %w", filepath.Join(dir, accountsFile), err)
		}
		c.own[a.Name] = clone(a)
	}
	return c, nil
}

// checkSecurity refuses a TLS mode that is empty or unknown: a file edited
// by hand or by another program never turns into a login in clear. A
// server left wholly empty is machine policy's to fill.
func checkSecurity(a model.Account) error {
	for _, s := range []struct {
		field string
		srv   model.Server
	}{{"imap.security", a.IMAP}, {"smtp.security", a.SMTP}} {
		switch s.srv.Security {
		case model.SecurityImplicit, model.SecuritySTARTTLS, model.SecurityNone:
		case "":
			if s.srv.Host != "" {
				return fmt.Errorf("account %q: %s is empty for %s (implicit, starttls or none)", a.Name, s.field, s.srv.Host)
			}
		default:
			return fmt.Errorf("account %q: %s %q is not one of implicit, starttls, none", a.Name, s.field, s.srv.Security)
		}
	}
	return nil
}

func clone(a model.Account) model.Account {
	a.AckTemplates = maps.Clone(a.AckTemplates)
	return a
}

// SetPolicy lays machine policy over the accounts; the user's own values
// stay what Save writes.
func (c *Config) SetPolicy(p *Policy) {
	c.policy = p
	for i, a := range c.Accounts {
		if o, ok := c.own[a.Name]; ok {
			c.Accounts[i] = p.Effective(o)
		} else {
			p.Apply(&c.Accounts[i])
		}
	}
}

// Own returns the user's own values of the named account, as stored,
// without machine policy.
func (c *Config) Own(name string) (model.Account, bool) {
	o, ok := c.own[name]
	return clone(o), ok
}

// Locked reports whether machine policy fixes a setting of the named
// account (Setting* names).
func (c *Config) Locked(name, setting string) bool {
	a, err := c.Account(name)
	if err != nil {
		return false
	}
	o := *a
	if own, ok := c.own[name]; ok {
		o = own
	}
	return slices.Contains(c.policy.Apply(&o), setting)
}

// Save writes the accounts atomically: what the user set, with the fields
// machine policy locks kept as the user had them.
func (c *Config) Save() error {
	sort.Slice(c.Accounts, func(i, j int) bool { return c.Accounts[i].Name < c.Accounts[j].Name })
	file := struct {
		Accounts []model.Account `json:"accounts"`
	}{Accounts: []model.Account{}}
	own := map[string]model.Account{}
	for _, a := range c.Accounts {
		u := a
		if o, ok := c.own[a.Name]; ok {
			u = c.policy.userValues(a, o)
		}
		own[a.Name] = clone(u)
		file.Accounts = append(file.Accounts, u)
	}
	raw, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(filepath.Join(c.Dir, accountsFile), raw, 0o600); err != nil {
		return err
	}
	c.own = own
	return nil
}

// Account returns the named account.
func (c *Config) Account(name string) (*model.Account, error) {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i], nil
		}
	}
	return nil, fmt.Errorf("%w: account %q", failure.ErrNotFound, name)
}

// AddAccount adds a, the user's values, after validating it with machine
// policy over it; names are unique.
func (c *Config) AddAccount(a model.Account) error {
	eff := c.policy.Effective(a)
	if err := Validate(eff); err != nil {
		return err
	}
	if _, err := c.Account(a.Name); err == nil {
		return fmt.Errorf("%w: account %q already exists", failure.ErrUsage, a.Name)
	}
	if c.own == nil {
		c.own = map[string]model.Account{}
	}
	c.own[a.Name] = clone(a)
	c.Accounts = append(c.Accounts, eff)
	return nil
}

// RemoveAccount removes the named account.
func (c *Config) RemoveAccount(name string) error {
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			c.Accounts = append(c.Accounts[:i], c.Accounts[i+1:]...)
			delete(c.own, name)
			return nil
		}
	}
	return fmt.Errorf("%w: account %q", failure.ErrNotFound, name)
}

// Validate checks an account's fields. Plaintext is refused unless the
// server is on loopback (security by default; R6: the password stays secret).
func Validate(a model.Account) error {
	if a.Name == "" || strings.ContainsAny(a.Name, "/\\ \t\n") {
		return fmt.Errorf("%w: account name %q must be non-empty without spaces or slashes", failure.ErrUsage, a.Name)
	}
	if !strings.Contains(a.Email, "@") {
		return fmt.Errorf("%w: e-mail address %q is not valid", failure.ErrUsage, a.Email)
	}
	for _, s := range []struct {
		what string
		srv  model.Server
	}{{"IMAP", a.IMAP}, {"SMTP", a.SMTP}} {
		if s.srv.Host == "" || s.srv.Port <= 0 || s.srv.Port > 65535 {
			return fmt.Errorf("%w: %s server %s:%d is not valid", failure.ErrUsage, s.what, s.srv.Host, s.srv.Port)
		}
		switch s.srv.Security {
		case model.SecurityImplicit, model.SecuritySTARTTLS:
		case model.SecurityNone:
			if !IsLoopback(s.srv.Host) {
				return fmt.Errorf("%w: %s without TLS is allowed only on this computer (loopback), not %s", failure.ErrBlocked, s.what, s.srv.Host)
			}
		default:
			return fmt.Errorf("%w: TLS mode %q is not one of implicit, starttls, none", failure.ErrUsage, s.srv.Security)
		}
	}
	return nil
}

// IsLoopback reports whether host names this computer.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// WriteFileAtomic writes data to path through a synced temporary file and a
// rename, creating path's folder.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return WriteFileWith(path, perm, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// WriteFileWith writes path with write through a synced temporary file in
// its folder and a rename: a failure (a full disk, an unwritable folder)
// leaves neither a partial file nor a changed one.
func WriteFileWith(path string, perm os.FileMode, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
