//go:build !windows

package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// testCA returns a freshly made self-signed certificate as PEM.
func testCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CA Sở TT&TT Hà Nam"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func writePolicy(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(PolicyEnv, path)
	return path
}

func TestLoadPolicyMissingIsEmpty(t *testing.T) {
	t.Setenv(PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	p, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "" || p.Locked(SettingIMAPHost) || len(p.Problems) != 0 {
		t.Fatalf("missing file gave %+v", p)
	}
	a := model.Account{Email: "a@hanam.gov.vn", IMAP: model.Server{Host: "x", Port: 1}}
	if locked := p.Apply(&a); len(locked) != 0 || a.IMAP.Host != "x" {
		t.Fatalf("empty policy changed the account: %v %+v", locked, a)
	}
}

func TestLoadPolicyDamaged(t *testing.T) {
	writePolicy(t, `{"IMAPHost": "mail.hanam.gov.vn",`)
	if p, err := LoadPolicy(); err == nil {
		t.Fatalf("damaged file accepted: %+v", p)
	}
}

func TestLoadPolicyValues(t *testing.T) {
	ca := testCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte(ca), 0o644); err != nil {
		t.Fatal(err)
	}
	// "Sở" written decomposed (o + U+031B + U+0309): the policy holds NFC.
	decomposed := "S\u006f\u031b\u0309 Thông tin và Truyền thông"
	tests := []struct {
		name     string
		json     string
		check    func(t *testing.T, p *Policy)
		problems []string // substrings, one per expected problem
	}{
		{
			name: "servers and types",
			json: `{"domain":"hanam.gov.vn","IMAPHost":"mail.hanam.gov.vn","IMAPPort":993,
				"SMTPHost":"mail.hanam.gov.vn","SMTPPort":"587","TLS":"implicit","SMTPTLS":"STARTTLS",
				"Profile":"hanam","CheckTimes":["13:30","7:30"],"AutoAckDisabled":true,
				"AckTemplateLocked":"#1","AckTemplate":["Đã nhận được văn bản.","Trân trọng."],
				"Converter":"LibreOffice"}`,
			check: func(t *testing.T, p *Policy) {
				want := model.Server{Host: "mail.hanam.gov.vn", Port: 993}
				if p.IMAP != want || p.SMTP.Port != 587 || p.SMTP.Security != model.SecuritySTARTTLS || p.TLS != model.SecurityImplicit {
					t.Errorf("servers: %+v %+v %q", p.IMAP, p.SMTP, p.TLS)
				}
				if !reflect.DeepEqual(p.CheckTimes, []string{"07:30", "13:30"}) {
					t.Errorf("check times %q", p.CheckTimes)
				}
				if p.AckTemplate != "Đã nhận được văn bản.\nTrân trọng." || !p.AckTemplateLocked || !p.AutoAckDisabled {
					t.Errorf("ack: %q %v %v", p.AckTemplate, p.AckTemplateLocked, p.AutoAckDisabled)
				}
				if p.Converter != "libreoffice" || p.Domain != "hanam.gov.vn" || p.Profile != "hanam" {
					t.Errorf("converter %q domain %q profile %q", p.Converter, p.Domain, p.Profile)
				}
			},
		},
		{
			name: "invalid values are ignored and reported",
			json: `{"IMAPPort":70000,"TLS":"none","CheckTimes":"8h,13:30","Converter":"word",
				"AutoAckDisabled":"maybe","IMAPHost":"a\nb","Colour":"red","SMTPPort":{"x":1},"Profile":"hanam"}`,
			check: func(t *testing.T, p *Policy) {
				if p.IMAP.Port != 0 || p.TLS != "" || p.CheckTimes != nil || p.Converter != "" || p.IMAP.Host != "" {
					t.Errorf("invalid values kept: %+v", p)
				}
				if p.Locked(SettingIMAPPort) || p.Locked(SettingIMAPSecurity) || !p.Locked(SettingProfile) {
					t.Error("locks follow invalid values")
				}
			},
			problems: []string{"IMAPPort", "TLS", "CheckTimes", "Converter", "AutoAckDisabled", "IMAPHost", `"Colour"`, "SMTPPort"},
		},
		{
			name: "trusted CA as text, signature in NFC",
			json: `{"TrustedCACert":` + jsonString(ca) + `,"AgencyName":` + jsonString(decomposed) + `}`,
			check: func(t *testing.T, p *Policy) {
				if p.TrustedCACert != strings.TrimSpace(ca) {
					t.Errorf("CA text not kept")
				}
				if p.Signature.Agency != "Sở Thông tin và Truyền thông" {
					t.Errorf("agency not NFC: %q", p.Signature.Agency)
				}
			},
		},
		{
			name: "trusted CA as a file path",
			json: `{"TrustedCACert":` + jsonString(caFile) + `}`,
			check: func(t *testing.T, p *Policy) {
				if p.TrustedCACert != ca || !p.Locked(SettingTrustedCA) {
					t.Errorf("CA file not read: %q", p.TrustedCACert)
				}
			},
		},
		{
			name:     "trusted CA that is not a certificate",
			json:     `{"TrustedCACert":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}`,
			check:    func(t *testing.T, p *Policy) {},
			problems: []string{"TrustedCACert"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePolicy(t, tt.json)
			p, err := LoadPolicy()
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != path {
				t.Errorf("source %q, want %q", p.Source, path)
			}
			tt.check(t, p)
			if len(p.Problems) != len(tt.problems) {
				t.Fatalf("problems %q, want %d of them", p.Problems, len(tt.problems))
			}
			all := strings.Join(p.Problems, "|")
			for _, want := range tt.problems {
				if !strings.Contains(all, want) {
					t.Errorf("no problem about %s in %q", want, p.Problems)
				}
			}
		})
	}
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func TestPolicyApply(t *testing.T) {
	writePolicy(t, `{"Domain":"hanam.gov.vn","IMAPHost":"mail.hanam.gov.vn","IMAPPort":993,
		"SMTPPort":587,"TLS":"implicit","SMTPTLS":"starttls","Profile":"hanam",
		"AgencyName":"Sở Thông tin và Truyền thông","AgencyPhone":"0226 3852 701","AckTemplate":"Đã nhận."}`)
	p, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		in     model.Account
		want   model.Account
		locked []string
	}{
		{
			name: "agency account takes servers, profile and signature",
			in: model.Account{Email: "vanthu@HANAM.gov.vn", Profile: "generic",
				IMAP:      model.Server{Host: "old", Port: 143, Security: model.SecuritySTARTTLS},
				SMTP:      model.Server{Host: "smtp.hanam.gov.vn", Port: 25, Security: model.SecurityImplicit},
				Signature: model.Signature{Name: "Nguyễn Văn A", Agency: "cũ"}},
			want: model.Account{Email: "vanthu@HANAM.gov.vn", Profile: "hanam",
				IMAP: model.Server{Host: "mail.hanam.gov.vn", Port: 993, Security: model.SecurityImplicit},
				SMTP: model.Server{Host: "smtp.hanam.gov.vn", Port: 587, Security: model.SecuritySTARTTLS},
				Signature: model.Signature{Name: "Nguyễn Văn A", Agency: "Sở Thông tin và Truyền thông",
					Phone: "0226 3852 701"}},
			locked: []string{SettingIMAPHost, SettingIMAPPort, SettingIMAPSecurity, SettingProfile,
				SettingSigAgency, SettingSigPhone, SettingSMTPPort, SettingSMTPSecurity},
		},
		{
			name: "account at another domain keeps its servers",
			in: model.Account{Email: "a@example.vn", Profile: "generic",
				IMAP: model.Server{Host: "imap.example.vn", Port: 993, Security: model.SecurityImplicit}},
			want: model.Account{Email: "a@example.vn", Profile: "generic",
				IMAP:      model.Server{Host: "imap.example.vn", Port: 993, Security: model.SecurityImplicit},
				Signature: model.Signature{Agency: "Sở Thông tin và Truyền thông", Phone: "0226 3852 701"}},
			locked: []string{SettingSigAgency, SettingSigPhone},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.in
			locked := p.Apply(&a)
			if !reflect.DeepEqual(a, tt.want) {
				t.Errorf("account\n got %+v\nwant %+v", a, tt.want)
			}
			if !reflect.DeepEqual(locked, sortedCopy(tt.locked)) {
				t.Errorf("locked %q, want %q", locked, sortedCopy(tt.locked))
			}
		})
	}
	// The template is set but users may still edit it: not locked.
	if p.Locked(SettingAckTemplate) || p.AckTemplate != "Đã nhận." {
		t.Error("ack template locked without AckTemplateLocked")
	}
	if !p.Locked(SettingIMAPSecurity) || !p.Locked(SettingSMTPSecurity) || p.Locked(SettingSMTPHost) {
		t.Error("Locked does not follow the table")
	}
}

func sortedCopy(s []string) []string { return slices.Sorted(slices.Values(s)) }

// TestPolicyKeysTable checks the table itself: unique names, a setting and
// a field for each, and MSI property names that fit Windows Installer.
func TestPolicyKeysTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range PolicyKeys {
		if seen[strings.ToLower(k.Name)] {
			t.Errorf("duplicate key %s", k.Name)
		}
		seen[strings.ToLower(k.Name)] = true
		if len(k.Settings) == 0 || k.field == nil {
			t.Errorf("key %s has no setting or field", k.Name)
		}
		if k.MSIProperty() != strings.ToUpper(k.MSIProperty()) {
			t.Errorf("MSI property %s must be upper case to be public", k.MSIProperty())
		}
		if (k.Kind == PolicyChoice) != (len(k.Choices) > 0) {
			t.Errorf("key %s: choices only for PolicyChoice", k.Name)
		}
	}
	for _, name := range []string{"Domain", "IMAPHost", "IMAPPort", "SMTPHost", "SMTPPort", "TLS", "Profile",
		"CheckTimes", "AckTemplate", "AckTemplateLocked", "AutoAckDisabled", "Converter", "TrustedCACert",
		"AgencyName", "AgencyAddress", "AgencyPhone", "AgencyFax", "AgencyWebsite"} {
		if !seen[strings.ToLower(name)] {
			t.Errorf("key %s missing", name)
		}
	}
}
