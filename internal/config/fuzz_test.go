//go:build !windows

package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"thucongvu/internal/model"
)

// FuzzPolicyFile: any machine-policy JSON loads without a panic, into a
// policy that never turns TLS off and holds only valid values, or into
// an error when the JSON is damaged.
func FuzzPolicyFile(f *testing.F) {
	for _, s := range []string{
		`{"Domain":"hanam.gov.vn","IMAPHost":"mail.hanam.gov.vn","IMAPPort":993,"SMTPHost":"mail.hanam.gov.vn","SMTPPort":"587","TLS":"implicit","SMTPTLS":"STARTTLS"}`,
		`{"Profile":"hanam","CheckTimes":["13:30","7:30"],"AutoAckDisabled":true,"AckTemplateLocked":"#1","AckTemplate":["Đã nhận được văn bản.","Trân trọng."],"Converter":"LibreOffice"}`,
		`{"IMAPPort":70000,"TLS":"none","CheckTimes":"8h,13:30","Converter":"word","AutoAckDisabled":"maybe","IMAPHost":"a\nb","Colour":"red","SMTPPort":{"x":1}}`,
		`{"TrustedCACert":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----","AgencyName":"UBND tỉnh Hà Nam"}`,
		`{"TLS":"","IMAPPort":"#993","SMTPTLS":"plain"}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	path := filepath.Join(f.TempDir(), "policy.json")
	f.Fuzz(func(t *testing.T, raw []byte) {
		var obj map[string]any
		if json.Unmarshal(raw, &obj) == nil {
			for k, v := range obj {
				// A certificate given by path is read from disk: no fuzzed paths.
				if s, _ := jsonPolicyValue(v); strings.EqualFold(k, "TrustedCACert") && !strings.Contains(s, "-----BEGIN ") {
					return
				}
			}
		}
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := loadPolicyFile(path)
		if err != nil {
			return
		}
		for _, s := range []model.Security{p.TLS, p.IMAP.Security, p.SMTP.Security} {
			if s != "" && s != model.SecurityImplicit && s != model.SecuritySTARTTLS {
				t.Fatalf("security %q from %s", s, raw)
			}
		}
		for _, port := range []int{p.IMAP.Port, p.SMTP.Port} {
			if port < 0 || port > 65535 {
				t.Fatalf("port %d from %s", port, raw)
			}
		}
		if !slices.IsSorted(p.CheckTimes) {
			t.Fatalf("check times %q", p.CheckTimes)
		}
		for _, c := range p.CheckTimes {
			if !timeRE.MatchString(c) {
				t.Fatalf("check time %q", c)
			}
		}
		for _, s := range []string{p.Domain, p.IMAP.Host, p.SMTP.Host, p.Profile, p.Converter} {
			if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
				t.Fatalf("one-line value %q", s)
			}
		}
		if len(p.Problems) > len(obj)+1 {
			t.Fatalf("%d problems for %d keys", len(p.Problems), len(obj))
		}
	})
}
