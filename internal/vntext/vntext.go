// Package vntext holds the Vietnamese text rules every other package shares:
// Unicode NFC per TCVN 6909:2001 (R5, LA 8.2, HN 3.4) and diacritic folding
// for search and rule matching. It knows nothing of mail, storage or UI.
package vntext

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
// compare equal. Unicode does not decompose đ/Đ, so they are mapped to d
// here. Precomposed Latin letters go through a table (the index folds
// every body it stores); combining marks of decomposed text are dropped.
func Fold(s string) string {
	table := foldTable()
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch f := table.lookup(r); {
		case f != 0:
			b.WriteRune(f)
		case unicode.Is(unicode.Mn, r):
		default: // other scripts: decompose this rune alone
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(unicode.ToLower(d))
				}
			}
		}
	}
	return b.String()
}

// folds holds the folded form of every precomposed letter of the Latin
// blocks Vietnamese uses (0 where a letter does not fold to one rune).
type folds struct {
	latin    [0x250 - 0xC0]rune    // Latin-1 Supplement, Extended-A and -B
	extended [0x1F00 - 0x1E00]rune // Latin Extended Additional (ạ, ế, ữ, …)
}

func (f *folds) lookup(r rune) rune {
	switch {
	case r >= 0xC0 && r < 0x250:
		return f.latin[r-0xC0]
	case r >= 0x1E00 && r < 0x1F00:
		return f.extended[r-0x1E00]
	}
	return 0
}

// foldTable is computed once by decomposition.
var foldTable = sync.OnceValue(func() *folds {
	t := &folds{}
	strip := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	fill := func(dst []rune, first rune) {
		for i := range dst {
			out, _, err := transform.String(strip, string(first+rune(i)))
			if err != nil || utf8.RuneCountInString(out) != 1 {
				continue
			}
			f, _ := utf8.DecodeRuneInString(out)
			dst[i] = unicode.ToLower(f)
		}
	}
	fill(t.latin[:], 0xC0)
	fill(t.extended[:], 0x1E00)
	t.latin['đ'-0xC0], t.latin['Đ'-0xC0] = 'd', 'd'
	return t
})
