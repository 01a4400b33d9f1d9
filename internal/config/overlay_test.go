package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"thucongvu/internal/model"
)

// The policy is an overlay: Accounts show it, Save writes the user's own
// values, whatever the user changed in the fields it does not lock.
func TestPolicyOverlayNeverSaved(t *testing.T) {
	dir := t.TempDir()
	c, _ := Load(dir)
	a := account("vanthu", "imap.typo.vn", model.SecurityImplicit)
	a.Signature.Agency = "Sở cũ"
	if err := c.AddAccount(a); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(dir)
	c.SetPolicy(policyFromValues("test", map[string]string{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn",
		"Profile": "hanam", "AgencyName": "Sở TTTT Hà Nam"}))
	eff := &c.Accounts[0]
	if eff.IMAP.Host != "mail.hanam.gov.vn" || eff.Signature.Agency != "Sở TTTT Hà Nam" || !c.Locked("vanthu", SettingIMAPHost) {
		t.Fatalf("policy not in effect: %+v", eff)
	}
	eff.Signature.Title = "Văn thư"
	eff.Signature.Agency = "over the lock"
	if err := c.AddAccount(account("canhan", "imap.other.vn", model.SecurityImplicit)); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, accountsFile))
	for _, leak := range []string{"mail.hanam.gov.vn", "Sở TTTT", "over the lock", `"profile": "hanam"`} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("%q written to accounts.json:\n%s", leak, raw)
		}
	}
	if !strings.Contains(string(raw), "Văn thư") || !strings.Contains(string(raw), "imap.other.vn") {
		t.Fatalf("the user's own values lost:\n%s", raw)
	}
	if own, _ := c.Own("vanthu"); own.IMAP.Host != "imap.typo.vn" || own.Signature.Title != "Văn thư" {
		t.Fatalf("own values after save: %+v", own)
	}
	if c.Accounts[0].IMAP.Host != "mail.hanam.gov.vn" {
		t.Fatalf("the new account is not under the policy: %+v", c.Accounts[0])
	}
}

func TestPolicyRefused(t *testing.T) {
	p := policyFromValues("test", map[string]string{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "TLS": "implicit",
		"AgencyPhone": "0226 3852 701"})
	want := account("vanthu", "mail.hanam.gov.vn", model.SecuritySTARTTLS)
	if got := p.Refused(p.Effective(want), want); !slices.Equal(got, []string{SettingIMAPSecurity, SettingSMTPSecurity}) {
		t.Fatalf("refused %v", got)
	}
	eff := p.Effective(account("vanthu", "x", model.SecurityImplicit))
	want = eff
	want.Signature.Phone, want.Signature.Name = "0912", "Mai"
	if got := p.Refused(eff, want); !slices.Equal(got, []string{SettingSigPhone}) {
		t.Fatalf("refused %v", got)
	}
	// A new account that names no signature sets none of the agency's fields.
	if got := p.Refused(p.Effective(model.Account{Email: "x@hanam.gov.vn"}), model.Account{Email: "x@hanam.gov.vn"}); got != nil {
		t.Fatalf("refused %v", got)
	}
	if got := (*Policy)(nil).Refused(eff, want); got != nil {
		t.Fatalf("no policy refused %v", got)
	}
}
