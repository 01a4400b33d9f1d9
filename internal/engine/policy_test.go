package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
)

func setPolicy(t *testing.T, body string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if body != "" {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(config.PolicyEnv, path)
}

func storedAccounts(t *testing.T, home string) []model.Account {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(home, "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Accounts []model.Account }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Accounts
}

// Machine policy is applied when read, never copied into accounts.json: a
// settings save under a policy naming another server keeps the user's
// server, profile and agency, and the password stays found in the real
// keychain, under and without the policy.
func TestPolicyNeverLeaksIntoUserFiles(t *testing.T) {
	testsrv.StartKeyring(t)
	w := startWorld(t)
	home := t.TempDir()
	a := w.account(t)

	setPolicy(t, "") // none
	e, err := Open(home, secret.NewKeyring())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.AddAccount(t.Context(), a, passA); err != nil {
		t.Fatal(err)
	}
	e.Close()
	before := storedAccounts(t, home)[0]

	setPolicy(t, `{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "IMAPPort": 993, "SMTPHost": "mail.hanam.gov.vn",
		"SMTPPort": 465, "TLS": "implicit", "Profile": "longan", "AgencyName": "Văn phòng UBND tỉnh Hà Nam", "AgencyFax": "0226 3852 999"}`)
	e, err = Open(home, secret.NewKeyring())
	if err != nil {
		t.Fatal(err)
	}
	eff, _ := e.Config.Account(a.Name)
	if eff.IMAP.Host != "mail.hanam.gov.vn" || eff.Profile != "longan" || eff.Signature.Agency != "Văn phòng UBND tỉnh Hà Nam" ||
		!e.Locked(a.Name, config.SettingIMAPHost) || !e.Locked(a.Name, config.SettingSigFax) || e.Locked(a.Name, "signature.title") {
		t.Fatalf("policy not in effect: %+v", eff)
	}
	// A settings save: the user changes a field of their own.
	eff.Signature.Title = "Trưởng phòng"
	eff.Signature.Agency = "typed over the lock"
	if err := e.Config.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Syncer(*eff).Password(); err != nil {
		t.Fatalf("password under the policy: %v", err)
	}
	e.Close()

	after := storedAccounts(t, home)[0]
	if after.IMAP != before.IMAP || after.SMTP != before.SMTP || after.Profile != before.Profile ||
		after.Signature.Agency != before.Signature.Agency || after.Signature.Fax != before.Signature.Fax {
		t.Fatalf("policy values written to accounts.json:\nbefore %+v\nafter  %+v", before, after)
	}
	if after.Signature.Title != "Trưởng phòng" {
		t.Fatalf("the user's own change was lost: %+v", after.Signature)
	}

	// Reopened under the policy the password is still found; without it,
	// the account syncs against the user's own (real) server.
	e, err = Open(home, secret.NewKeyring())
	if err != nil {
		t.Fatal(err)
	}
	eff, _ = e.Config.Account(a.Name)
	if _, err := e.Syncer(*eff).Password(); err != nil {
		t.Fatalf("password after reopening under the policy: %v", err)
	}
	e.Close()
	setPolicy(t, "")
	e, err = Open(home, secret.NewKeyring())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.SyncOnce(context.Background(), e.Config.Accounts, false); err != nil {
		t.Fatalf("sync without the policy: %v", err)
	}
}

// A change the policy locks to another value is refused as blocked (exit 3).
func TestCheckUnlocked(t *testing.T) {
	setPolicy(t, `{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "AgencyName": "Sở TTTT Hà Nam"}`)
	e, err := Open(t.TempDir(), secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	a := model.Account{Email: "vt@hanam.gov.vn", IMAP: model.Server{Host: "mail.hanam.gov.vn"}, Signature: model.Signature{Agency: "Sở TTTT Hà Nam"}}
	if err := e.CheckUnlocked(e.Policy.Effective(a), a); err != nil {
		t.Fatalf("the policy's own values refused: %v", err)
	}
	want := a
	want.Signature.Agency = "Cơ quan khác"
	if err := e.CheckUnlocked(a, want); !errors.Is(err, failure.ErrBlocked) {
		t.Fatalf("a locked agency changed: %v", err)
	}
	want = a
	want.Signature.Title = "Văn thư"
	if err := e.CheckUnlocked(a, want); err != nil {
		t.Fatalf("an unlocked field refused: %v", err)
	}
	// A private account at another domain keeps its own server.
	other := model.Account{Email: "x@example.org", IMAP: model.Server{Host: "imap.example.org"}, Signature: a.Signature}
	other.Signature.Agency = "Sở TTTT Hà Nam"
	if err := e.CheckUnlocked(e.Policy.Effective(other), other); err != nil {
		t.Fatalf("another domain's server refused: %v", err)
	}
}

// R2: one source for the acknowledgement text: the policy's locked text,
// else the account's own for the language, else the agency's, else the default.
func TestAckTemplateOneSource(t *testing.T) {
	a := model.Account{AckTemplates: map[string]string{"vi": "riêng {{.Subject}}"}}
	setPolicy(t, "")
	e, _ := Open(t.TempDir(), secret.NewMemory())
	defer e.Close()
	if got := e.AckTemplate(a, "vi"); got.Text != "riêng {{.Subject}}" || !got.Own || got.Locked {
		t.Fatalf("own text: %+v", got)
	}
	if got := e.AckTemplate(a, "en"); got.Own || got.Text == "" {
		t.Fatalf("english default: %+v", got)
	}
	setPolicy(t, `{"AckTemplate": "cơ quan {{.Subject}}"}`)
	e2, _ := Open(t.TempDir(), secret.NewMemory())
	defer e2.Close()
	if got := e2.AckTemplate(a, "vi"); got.Text != "riêng {{.Subject}}" {
		t.Fatalf("an unlocked policy text overrode the account's: %+v", got)
	}
	if got := e2.AckTemplate(a, "en"); got.Text != "cơ quan {{.Subject}}" {
		t.Fatalf("the agency's text is the default: %+v", got)
	}
	setPolicy(t, `{"AckTemplate": "cơ quan {{.Subject}}", "AckTemplateLocked": 1}`)
	e3, _ := Open(t.TempDir(), secret.NewMemory())
	defer e3.Close()
	if got := e3.AckTemplate(a, "vi"); got.Text != "cơ quan {{.Subject}}" || !got.Locked {
		t.Fatalf("locked policy text: %+v", got)
	}
}
