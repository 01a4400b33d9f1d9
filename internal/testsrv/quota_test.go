package testsrv

import (
	"strings"
	"testing"
)

// QuotaBytes limits the named user's storage and only theirs.
func TestDovecotQuotaPerUser(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: map[string]string{"vanthu@hanam.gov.vn": "Vt#2026abc", "ketoan@hanam.gov.vn": "Kt#2026abc"},
		QuotaBytes: map[string]int64{"vanthu@hanam.gov.vn": 2 << 20}})
	out := d.Doveadm(t, "-f", "flow", "quota", "get", "-u", "vanthu@hanam.gov.vn")
	if !strings.Contains(out, "Type=STORAGE") || !strings.Contains(out, "Limit=2048") {
		t.Fatalf("vanthu's quota: %q", out)
	}
	out = d.Doveadm(t, "-f", "flow", "quota", "get", "-u", "ketoan@hanam.gov.vn")
	if strings.Contains(out, "Limit=2048") {
		t.Fatalf("ketoan has vanthu's limit: %q", out)
	}
}
