package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"thucongvu/translations"
)

// SetLanguage makes lang.L answer in code ("en", else Vietnamese) for this
// process. Fyne picks the catalogue closest to the system locale and offers
// no way to choose, so the chosen catalogue — ours plus Fyne's own button
// and dialog strings, which Fyne ships no Vietnamese for — is registered
// under the system locale, its base language, "vi" and "en" alike.
// Screens built before the call keep their old text; rebuild them.
func SetLanguage(code string) error {
	if code != "en" {
		code = "vi"
	}
	data, err := translations.FS.ReadFile(code + ".json")
	if err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	locales := []fyne.Locale{"en", "vi"}
	if sys := lang.SystemLocale(); sys != "" {
		locales = append(locales, sys, fyne.Locale(strings.SplitN(string(sys), "-", 2)[0]))
	}
	for _, l := range locales {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return fmt.Errorf("set language %s: %w", code, err)
		}
	}
	return nil
}
