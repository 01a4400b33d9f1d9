package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"thucongvu/internal/ack"
	"thucongvu/internal/config"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/ui"
)

const settingsFile = "settings.json"

// stored is the user's settings as saved, with the client's defaults for
// what was never set; no machine policy, no per-account values.
func (s *Services) stored() ui.Settings {
	st := ui.Settings{AutoAck: true, Converter: "auto", Language: "vi", TextScale: 1, ReadReceipts: ack.ReceiptAsk}
	if raw, err := os.ReadFile(filepath.Join(s.Home, settingsFile)); err == nil {
		json.Unmarshal(raw, &st)
	}
	st.Locked = nil
	return st
}

// profileTimes are the check times of the first account's profile, shown
// while the user has set none (each account's own apply: Reminders).
func (s *Services) profileTimes() []string {
	var out []string
	if accounts := s.Accounts(); len(accounts) > 0 {
		for _, t := range engine.Profile(accounts[0]).Checks.Times.Value {
			out = append(out, t.String())
		}
	}
	return out
}

// Settings implements ui.Services: the user's settings with machine policy
// over them. The acknowledgement text is the first account's (R2, one
// source: the account's, under the policy's lock).
func (s *Services) Settings() ui.Settings {
	st := s.stored()
	if len(st.CheckTimes) == 0 {
		st.CheckTimes = s.profileTimes()
	}
	st.AckTemplate = ack.DefaultTemplates[ackLang(st.Language)]
	if accounts := s.Accounts(); len(accounts) > 0 {
		st.AckTemplate = s.E.AckTemplate(accounts[0], st.Language).Text
	}
	return s.withPolicy(st)
}

func ackLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "vi"
}

// withPolicy lets machine policy win over the user's settings and names
// what it locked.
func (s *Services) withPolicy(st ui.Settings) ui.Settings {
	p := s.E.Policy
	st.Locked = nil
	if p.Has("CheckTimes") {
		st.CheckTimes = slices.Clone(p.CheckTimes)
		st.Locked = append(st.Locked, config.SettingCheckTimes)
	}
	if p.Locked(config.SettingAckTemplate) {
		st.AckTemplate = p.AckTemplate
		st.Locked = append(st.Locked, config.SettingAckTemplate)
	}
	if p != nil && p.AutoAckDisabled {
		st.AutoAck = false
		st.Locked = append(st.Locked, config.SettingAutoAck)
	}
	if p.Has("Converter") {
		st.Converter = p.Converter
		st.Locked = append(st.Locked, config.SettingConverter)
	}
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	for _, a := range s.E.Config.Accounts {
		for _, f := range []string{config.SettingSigAgency, config.SettingSigAddress, config.SettingSigPhone, config.SettingSigFax, config.SettingSigWebsite} {
			if s.E.Locked(a.Name, f) && !slices.Contains(st.Locked, f) {
				st.Locked = append(st.Locked, f)
			}
		}
	}
	return st
}

// SaveSettings implements ui.Services. What machine policy locks keeps the
// user's stored value (the policy's is never written to the user's files);
// a changed acknowledgement text goes to every account, for the language.
func (s *Services) SaveSettings(st ui.Settings) error {
	old := s.stored()
	shown := s.Settings()
	p := s.E.Policy
	if p.Has("CheckTimes") {
		st.CheckTimes = old.CheckTimes
	} else {
		sort.Strings(st.CheckTimes)
		if len(old.CheckTimes) == 0 && slices.Equal(st.CheckTimes, s.profileTimes()) {
			st.CheckTimes = nil // still the profile's: each account keeps its own
		}
		for _, a := range s.Accounts() {
			if err := checkTimes(engine.Profile(a), st.CheckTimes); err != nil {
				return fmt.Errorf("%s: %w", a.Name, err)
			}
		}
	}
	if p != nil && p.AutoAckDisabled {
		st.AutoAck = old.AutoAck
	}
	if p.Has("Converter") {
		st.Converter = old.Converter
	}
	if st.AckTemplate != shown.AckTemplate && st.Language == shown.Language {
		if p.Locked(config.SettingAckTemplate) {
			return fmt.Errorf("%w: the acknowledgement text is set by agency IT (machine policy)", failure.ErrBlocked)
		}
		if err := s.setAckTemplate(ackLang(st.Language), st.AckTemplate); err != nil {
			return err
		}
	}
	st.AckTemplate, st.Locked = "", nil
	raw, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	s.Lang = st.Language
	if err := config.WriteFileAtomic(filepath.Join(s.Home, settingsFile), raw, 0o600); err != nil {
		return err
	}
	s.duties.Reconcile() // new check times restart the reminders
	return nil
}

// setAckTemplate sets every account's acknowledgement text for lang; the
// default text (or none) clears the account's own.
func (s *Services) setAckTemplate(lang, text string) error {
	s.cfgMu.Lock()
	defer s.cfgMu.Unlock()
	for i := range s.E.Config.Accounts {
		a := &s.E.Config.Accounts[i]
		a.AckTemplates = maps.Clone(a.AckTemplates)
		if text == "" || text == ack.DefaultTemplates[lang] {
			delete(a.AckTemplates, lang)
			continue
		}
		if a.AckTemplates == nil {
			a.AckTemplates = map[string]string{}
		}
		a.AckTemplates[lang] = text
	}
	return s.E.Config.Save()
}

// migrateAckTemplate moves the acknowledgement text older versions kept in
// settings.json into the accounts that have none of their own, for both
// languages as it applied before, and drops it from settings.json.
func (s *Services) migrateAckTemplate() error {
	path := filepath.Join(s.Home, settingsFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var file map[string]json.RawMessage
	if json.Unmarshal(raw, &file) != nil {
		return nil
	}
	var text string
	json.Unmarshal(file["AckTemplate"], &text)
	if text == "" {
		return nil
	}
	if text != ack.DefaultTemplates["vi"] && text != ack.DefaultTemplates["en"] {
		for i := range s.E.Config.Accounts {
			a := &s.E.Config.Accounts[i]
			a.AckTemplates = maps.Clone(a.AckTemplates)
			if a.AckTemplates == nil {
				a.AckTemplates = map[string]string{}
			}
			for _, lang := range []string{"vi", "en"} {
				if a.AckTemplates[lang] == "" {
					a.AckTemplates[lang] = text
				}
			}
		}
		if err := s.E.Config.Save(); err != nil {
			return err
		}
	}
	delete(file, "AckTemplate")
	out, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return err
	}
	return config.WriteFileAtomic(path, out, 0o600)
}

// ackOptions are the acknowledgement settings the user chose (R2); the
// text is the account's (engine.AckTemplate).
func (s *Services) ackOptions() engine.AckOptions {
	st := s.Settings()
	return engine.AckOptions{Disabled: !st.AutoAck, Lang: st.Language}
}
