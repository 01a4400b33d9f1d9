package config

import (
	"strings"
	"testing"
)

// TestPolicyAckMaxPerHour: the hourly cap of acknowledgements (R2) is a
// count; anything else is a problem and leaves the default.
func TestPolicyAckMaxPerHour(t *testing.T) {
	p := policyFromValues("test", map[string]string{"AckMaxPerHour": "#120"})
	if p.AckMaxPerHour != 120 || !p.Locked(SettingAckMaxPerHour) || len(p.Problems) != 0 {
		t.Fatalf("cap %d locked %v problems %q", p.AckMaxPerHour, p.Locked(SettingAckMaxPerHour), p.Problems)
	}
	for _, bad := range []string{"0", "-5", "many", "1000001"} {
		p := policyFromValues("test", map[string]string{"ackmaxperhour": bad})
		if p.AckMaxPerHour != 0 || p.Has("AckMaxPerHour") || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "AckMaxPerHour") {
			t.Errorf("%q: cap %d problems %q", bad, p.AckMaxPerHour, p.Problems)
		}
	}
}
