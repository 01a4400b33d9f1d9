package mail

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Vietnamese syllable structure, used to tell real Vietnamese words from the
// debris that legacy font encodings leave in Unicode text.

const (
	toneGrave = '\u0300'
	toneAcute = '\u0301'
	toneTilde = '\u0303'
	toneHook  = '\u0309'
	toneDot   = '\u0323'
)

var initials = []string{"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}

// nuclei maps a toneless vowel group to whether it may, must or must not
// take a final consonant.
type finalRule int

const (
	finalMay finalRule = iota
	finalMust
	finalNever
)

var nuclei = map[string]finalRule{
	"a": finalMay, "e": finalMay, "ê": finalMay, "i": finalMay, "o": finalMay, "ô": finalMay,
	"ơ": finalMay, "u": finalMay, "ư": finalMay, "y": finalMay, "oa": finalMay, "oe": finalMay,
	"uê": finalMay, "uơ": finalMay, "uy": finalMay, "ua": finalNever, "ưa": finalNever, "ia": finalNever,
	"ă": finalMust, "â": finalMust, "iê": finalMust, "yê": finalMust, "uô": finalMust, "ươ": finalMust,
	"oă": finalMust, "uâ": finalMust, "uyê": finalMust, "oo": finalMust,
	"ai": finalNever, "ao": finalNever, "au": finalNever, "ay": finalNever, "âu": finalNever,
	"ây": finalNever, "eo": finalNever, "êu": finalNever, "iu": finalNever, "oi": finalNever,
	"ôi": finalNever, "ơi": finalNever, "ui": finalNever, "ưi": finalNever, "ưu": finalNever,
	"oai": finalNever, "oay": finalNever, "oao": finalNever, "oeo": finalNever, "uây": finalNever,
	"uôi": finalNever, "ươi": finalNever, "ươu": finalNever, "uya": finalNever, "uyu": finalNever,
	"iêu": finalNever, "yêu": finalNever, "uôu": finalNever,
}

var finals = []string{"ng", "nh", "ch", "c", "m", "n", "p", "t", ""}

// validSyllable reports whether w (one word) is a well-formed Vietnamese
// syllable: initial consonant, vowel group, final consonant, at most one tone,
// and only sắc or nặng on a stop final (p, t, c, ch).
func validSyllable(w string) bool {
	if w == "" || len(w) > 24 {
		return false
	}
	var base strings.Builder
	tone, last := rune(0), rune(0)
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		switch r {
		case toneGrave, toneAcute, toneTilde, toneHook, toneDot:
			if tone != 0 || !strings.ContainsRune("aeiouy", last) {
				return false
			}
			tone = r
		case '\u0302', '\u0306', '\u031B': // shape marks stay on their vowel
			base.WriteRune(r)
		default:
			base.WriteRune(r)
			last = r
		}
	}
	b := norm.NFC.String(base.String())
	for _, r := range b {
		if !strings.ContainsRune("abcdeghiklmnopqrstuvxyăâđêôơư", r) {
			return false
		}
	}
	for _, in := range initials {
		if !strings.HasPrefix(b, in) {
			continue
		}
		rest := b[len(in):]
		if in == "gi" && rest == "" {
			rest = "i" // gì, gỉ: the i is the vowel
		}
		if in == "qu" && strings.HasPrefix(rest, "u") {
			continue
		}
		for _, fin := range finals {
			if !strings.HasSuffix(rest, fin) {
				continue
			}
			nuc := rest[:len(rest)-len(fin)]
			rule, ok := nuclei[nuc]
			if !ok {
				continue
			}
			if (rule == finalMust && fin == "") || (rule == finalNever && fin != "") {
				continue
			}
			if (fin == "p" || fin == "t" || fin == "c" || fin == "ch") && tone != 0 && tone != toneAcute && tone != toneDot {
				continue
			}
			return true
		}
	}
	return false
}
