package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/ack"
	"thucongvu/internal/config"
	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
)

// R2: the acknowledgement text has one home, the account. An older
// settings.json's text moves there on start; the settings screen edits
// the accounts' text; the policy's lock stands over it.
func TestAckTemplateLivesInTheAccount(t *testing.T) {
	t.Setenv(config.PolicyEnv, filepath.Join(t.TempDir(), "none.json"))
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	e.Config.Accounts = []model.Account{{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Profile: "hanam"}}
	if err := e.Config.Save(); err != nil {
		t.Fatal(err)
	}
	e.Close()
	const old = "Văn thư Sở đã nhận {{.Subject}}."
	os.WriteFile(filepath.Join(home, "settings.json"), []byte(`{"AutoAck": true, "Language": "vi", "AckTemplate": "`+old+`"}`), 0o600)

	e, err = engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := New(e, home)
	if got := e.Config.Accounts[0].AckTemplates["vi"]; got != old {
		t.Fatalf("old settings text not migrated into the account: %q", got)
	}
	if raw, _ := os.ReadFile(filepath.Join(home, "settings.json")); strings.Contains(string(raw), "AckTemplate") {
		t.Fatalf("settings.json still holds the text: %s", raw)
	}
	if st := s.Settings(); st.AckTemplate != old || !st.AutoAck {
		t.Fatalf("settings after migration: %+v", st)
	}
	st := s.Settings()
	st.AckTemplate = "Xác nhận đã nhận {{.Subject}}."
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	e2, _ := engine.Open(home, secret.NewMemory())
	defer e2.Close()
	if got := e2.AckTemplate(e2.Config.Accounts[0], "vi"); got.Text != st.AckTemplate || !got.Own {
		t.Fatalf("the settings screen's text is not the account's: %+v", got)
	}
	if raw, _ := os.ReadFile(filepath.Join(home, "settings.json")); strings.Contains(string(raw), "Xác nhận") {
		t.Fatalf("settings.json holds the text again: %s", raw)
	}
	// Back to the default text: the account keeps none of its own.
	st.AckTemplate = ack.DefaultTemplates["vi"]
	s.SaveSettings(st)
	if _, own := e.Config.Accounts[0].AckTemplates["vi"]; own {
		t.Fatalf("the default text stored as the account's own: %v", e.Config.Accounts[0].AckTemplates)
	}
}

// Saving the settings under machine policy writes the user's values, never
// the policy's, and a locked acknowledgement text is refused.
func TestSaveSettingsKeepsPolicyOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(path, []byte(`{"CheckTimes": "07:45,13:45", "Converter": "msoffice", "AutoAckDisabled": 1,
		"AckTemplate": "Cơ quan đã nhận {{.Subject}}.", "AckTemplateLocked": 1}`), 0o644)
	t.Setenv(config.PolicyEnv, path)
	s := newServices(t)
	st := s.Settings()
	if st.AckTemplate != "Cơ quan đã nhận {{.Subject}}." || !st.IsLocked(config.SettingAckTemplate) || st.Converter != "msoffice" {
		t.Fatalf("settings under policy: %+v", st)
	}
	st.TextScale = 1.25
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(s.Home, "settings.json"))
	for _, leak := range []string{"07:45", "msoffice", "Cơ quan", `"AutoAck": false`} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("policy value %q written into settings.json:\n%s", leak, raw)
		}
	}
	if !strings.Contains(string(raw), "1.25") {
		t.Fatalf("the user's own setting was not saved:\n%s", raw)
	}
	st.AckTemplate = "Tôi đã nhận."
	if err := s.SaveSettings(st); err == nil {
		t.Fatal("a locked acknowledgement text was saved")
	}
	if o := s.ackOptions(); !o.Disabled {
		t.Fatalf("automatic acknowledgements on under AutoAckDisabled: %+v", o)
	}
}
