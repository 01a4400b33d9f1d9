package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

func account(name, host string, sec model.Security) model.Account {
	return model.Account{
		Name: name, Email: name + "@hanam.gov.vn", Username: name + "@hanam.gov.vn",
		IMAP: model.Server{Host: host, Port: 993, Security: sec},
		SMTP: model.Server{Host: host, Port: 465, Security: sec},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(dir)
	if err != nil || len(c.Accounts) != 0 {
		t.Fatalf("empty load: %v %v", c, err)
	}
	if err := c.AddAccount(account("canhan", "mail.hanam.gov.vn", model.SecurityImplicit)); err != nil {
		t.Fatal(err)
	}
	if err := c.AddAccount(account("coquan", "mail.hanam.gov.vn", model.SecuritySTARTTLS)); err != nil {
		t.Fatal(err)
	}
	if err := c.AddAccount(account("canhan", "x", model.SecurityImplicit)); !errors.Is(err, failure.ErrUsage) {
		t.Fatalf("duplicate name: %v", err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, accountsFile))
	if strings.Contains(strings.ToLower(string(raw)), "password") {
		t.Fatal("accounts file mentions a password")
	}
	c2, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.Accounts) != 2 || c2.Accounts[1].IMAP.Security != model.SecuritySTARTTLS {
		t.Fatalf("round trip: %+v", c2.Accounts)
	}
	if err := c2.RemoveAccount("canhan"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Account("canhan"); !errors.Is(err, failure.ErrNotFound) {
		t.Fatalf("removed account still there: %v", err)
	}
}

func TestPlaintextOnlyOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		host string
		ok   bool
	}{{"127.0.0.1", true}, {"localhost", true}, {"::1", true}, {"127.8.9.10", true}, {"mail.hanam.gov.vn", false}, {"10.0.0.5", false}} {
		err := Validate(account("a", tc.host, model.SecurityNone))
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.host, err)
		}
		if !tc.ok && !errors.Is(err, failure.ErrBlocked) {
			t.Errorf("%s: plaintext accepted (%v)", tc.host, err)
		}
	}
}

func TestDamagedFileIsAClearError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, accountsFile), []byte("{not json"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged file: %v", err)
	}
}

// An empty or unknown TLS mode in accounts.json is refused when loaded,
// naming the account and the field; it never means plaintext.
func TestLoadRefusesEmptyOrUnknownTLSMode(t *testing.T) {
	for _, tc := range []struct{ imap, smtp, field string }{
		{"", "implicit", "imap.security"},
		{"implicit", "", "smtp.security"},
		{"tls", "implicit", "imap.security"},
		{"implicit", "STARTTLS", "smtp.security"},
	} {
		dir := t.TempDir()
		raw := `{"accounts":[{"name":"coquan","email":"coquan@hanam.gov.vn",
			"imap":{"host":"mail.hanam.gov.vn","port":143,"security":"` + tc.imap + `"},
			"smtp":{"host":"mail.hanam.gov.vn","port":587,"security":"` + tc.smtp + `"}}]}`
		if err := os.WriteFile(filepath.Join(dir, accountsFile), []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir)
		if err == nil {
			t.Fatalf("imap %q smtp %q: loaded %+v", tc.imap, tc.smtp, c.Accounts)
		}
		if msg := err.Error(); !strings.Contains(msg, `"coquan"`) || !strings.Contains(msg, tc.field) {
			t.Errorf("imap %q smtp %q: error %q does not name the account and %s", tc.imap, tc.smtp, msg, tc.field)
		}
	}
	dir := t.TempDir()
	raw := `{"accounts":[{"name":"coquan","email":"coquan@hanam.gov.vn",
		"imap":{"host":"mail.hanam.gov.vn","port":143,"security":"starttls"},
		"smtp":{"host":"mail.hanam.gov.vn","port":465,"security":"implicit"}}]}`
	os.WriteFile(filepath.Join(dir, accountsFile), []byte(raw), 0o600)
	if c, err := Load(dir); err != nil || len(c.Accounts) != 1 {
		t.Fatalf("valid modes: %v %v", c, err)
	}
}
