// Package i18n gives the command line its translated messages from the
// embedded translations (Vietnamese by default, English on request). The
// Fyne UI reads the same files through fyne.io/fyne/v2/lang.
package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"thucongvu/translations"
)

// Catalog is one language's messages.
type Catalog struct {
	Lang     string
	messages map[string]string
}

// Load returns the catalog for lang ("vi" or "en"); anything else is Vietnamese.
func Load(lang string) (*Catalog, error) {
	if lang != "en" {
		lang = "vi"
	}
	raw, err := translations.FS.ReadFile(lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("read %s translations: %w", lang, err)
	}
	c := &Catalog{Lang: lang}
	if err := json.Unmarshal(raw, &c.messages); err != nil {
		return nil, fmt.Errorf("parse %s translations: %w", lang, err)
	}
	return c, nil
}

// FromEnv picks English when LANG or LC_ALL starts with "en", else Vietnamese.
func FromEnv() string {
	for _, v := range []string{os.Getenv("LC_ALL"), os.Getenv("LANG")} {
		if strings.HasPrefix(v, "en") {
			return "en"
		}
		if v != "" && v != "C" && v != "POSIX" && !strings.HasPrefix(v, "C.") {
			return "vi"
		}
	}
	return "vi"
}

// T formats the message for key with args; a missing key shows itself.
func (c *Catalog) T(key string, args ...any) string {
	msg, ok := c.messages[key]
	if !ok {
		msg = key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Keys lists every key of the catalog.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.messages))
	for k := range c.messages {
		keys = append(keys, k)
	}
	return keys
}
