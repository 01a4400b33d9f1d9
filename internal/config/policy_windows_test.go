package config

import (
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// needWinePrefix skips tests that write HKEY_LOCAL_MACHINE unless they run in
// the Windows lane's throw-away Wine prefix (internal/winlane sets
// THUCONGVU_WINE_LANE): they must never change a real PC's policy.
func needWinePrefix(t *testing.T) {
	t.Helper()
	if os.Getenv("THUCONGVU_WINE_LANE") != "1" {
		t.Skip("writes HKLM: runs in the Windows lane's throw-away Wine prefix (go test ./internal/winlane)")
	}
}

// LoadPolicy reads HKLM\SOFTWARE\Policies\ThuCongVu as Group Policy and the
// MSI write it: REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ and REG_DWORD values;
// a bad value is reported and ignored, the others still apply.
func TestLoadPolicyFromRegistry(t *testing.T) {
	needWinePrefix(t)
	registry.DeleteKey(registry.LOCAL_MACHINE, PolicyRegistryKey)
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, PolicyRegistryKey, registry.ALL_ACCESS|registry.WOW64_64KEY)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { registry.DeleteKey(registry.LOCAL_MACHINE, PolicyRegistryKey) })
	defer k.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(k.SetStringValue("Domain", "hanam.gov.vn"))
	must(k.SetStringValue("IMAPHost", "mail.hanam.gov.vn"))
	must(k.SetDWordValue("IMAPPort", 993))
	must(k.SetStringValue("SMTPPort", "465"))
	must(k.SetStringValue("TLS", "implicit"))
	must(k.SetStringValue("CheckTimes", "08:00,14:00"))
	must(k.SetDWordValue("AckTemplateLocked", 1))
	must(k.SetStringsValue("AckTemplate", []string{"Kính gửi {{.Sender}},", "Đã nhận văn bản."}))
	must(k.SetExpandStringValue("AgencyName", "Sở Nội vụ %PROCESSOR_ARCHITECTURE%"))
	must(k.SetDWordValue("SMTPPort", 70000)) // out of range: reported, ignored
	must(k.SetStringValue("Unknown", "x"))

	p, err := LoadPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != `HKLM\`+PolicyRegistryKey {
		t.Errorf("source %q", p.Source)
	}
	if p.Domain != "hanam.gov.vn" || p.IMAP.Host != "mail.hanam.gov.vn" || p.IMAP.Port != 993 || p.SMTP.Port != 0 {
		t.Errorf("servers: domain %q imap %+v smtp %+v", p.Domain, p.IMAP, p.SMTP)
	}
	if !slices.Equal(p.CheckTimes, []string{"08:00", "14:00"}) || !p.AckTemplateLocked {
		t.Errorf("check times %v, template locked %v", p.CheckTimes, p.AckTemplateLocked)
	}
	if p.AckTemplate != "Kính gửi {{.Sender}},\nĐã nhận văn bản." {
		t.Errorf("multi-line template %q", p.AckTemplate)
	}
	if p.Signature.Agency != "Sở Nội vụ AMD64" {
		t.Errorf("expanded agency %q", p.Signature.Agency)
	}
	problems := strings.Join(p.Problems, "\n")
	if !strings.Contains(problems, "SMTPPort") || !strings.Contains(problems, `"Unknown"`) {
		t.Errorf("problems %q", problems)
	}
}

// Without the key there is no policy, and no error.
func TestLoadPolicyWithoutKey(t *testing.T) {
	needWinePrefix(t)
	registry.DeleteKey(registry.LOCAL_MACHINE, PolicyRegistryKey)
	p, err := LoadPolicy()
	if err != nil || p.Source != "" || p.Domain != "" || len(p.Problems) != 0 {
		t.Fatalf("no key: %+v, %v", p, err)
	}
}
