// Package vntext holds the Vietnamese text rules every other package shares:
// Unicode NFC per TCVN 6909:2001 (R5, LA 8.2, HN 3.4) and diacritic folding
// for search and rule matching. It knows nothing of mail, storage or UI.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C (TCVN 6909:2001).
func NFC(s string) string {
	if norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// Fold lowers s and strips its diacritics so that "Văn Bản" and "van ban"
// compare equal. Unicode does not decompose đ/Đ, so they are mapped to d here.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, out)
}
