package mail

import (
	"regexp"
	"strings"
	"unicode"

	"thucongvu/internal/vntext"
)

// Classification markings of state-secret documents (R7: LA 7.4, HN 3.3,
// ST 7.6): such documents are never exchanged by e-mail.
const (
	SecretMat      = "mat"       // MẬT (confidential)
	SecretToiMat   = "toi-mat"   // TỐI MẬT (secret)
	SecretTuyetMat = "tuyet-mat" // TUYỆT MẬT (top secret)
)

var secretRank = map[string]int{"": 0, SecretMat: 1, SecretToiMat: 2, SecretTuyetMat: 3}

// Strongest returns the highest of the given secret levels.
func Strongest(levels ...string) string {
	best := ""
	for _, l := range levels {
		if secretRank[l] > secretRank[best] {
			best = l
		}
	}
	return best
}

// SecretMarking returns the classification marking that text carries, or
// "". Letters typed apart ("M.Ậ.T", "T O I  M A T") are joined first and
// invisible format characters dropped. A marking counts only where it
// stands like a stamp: alone on a line,
// in brackets ("[MẬT]"), after the label "Độ mật:", at the head of a line
// or subject followed by a separator ("MẬT - Báo cáo"), or as an upper-case
// word among lower-case ones ("tài liệu MẬT"); "TỐI MẬT" and "TUYỆT MẬT"
// also count in running text. Text without diacritics ("TOI MAT") is read
// the same way. Words that merely contain mật — mật khẩu, bí mật, mật ong,
// thân mật, mật thiết, bảo mật — never count.
func SecretMarking(text string) string {
	best := ""
	for _, line := range strings.Split(vntext.NFC(text), "\n") {
		best = Strongest(best, lineMarking(joinSpelled(dropFormat(line))))
		if best == SecretTuyetMat {
			break
		}
	}
	return best
}

// SecretInFilename is SecretMarking for a file name, where "_", "-" and "."
// separate words and an upper-case MAT or MẬT word is a marking
// ("BC_MAT_2024.pdf", "TOI-MAT_ke_hoach.docx").
func SecretInFilename(name string) string {
	base := name
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	spaced := strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || r == '+' {
			return ' '
		}
		return r
	}, base)
	best := SecretMarking(spaced)
	toks := wordsOf(spaced)
	for i, t := range toks {
		if !isUpperWord(t) || !compatible(t, "mat") {
			continue
		}
		prev, next := "", ""
		if i > 0 {
			prev = toks[i-1]
		}
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		switch {
		case prev != "" && isUpperWord(prev) && compatible(prev, "tuyet"):
			best = Strongest(best, SecretTuyetMat)
		case prev != "" && isUpperWord(prev) && compatible(prev, "toi"):
			best = Strongest(best, SecretToiMat)
		case partnerBefore[vntext.Fold(prev)] || partnerAfter[vntext.Fold(next)]:
		default:
			best = Strongest(best, SecretMat)
		}
	}
	return best
}

// Words that make "mật" part of an ordinary word rather than a marking.
var (
	partnerBefore = map[string]bool{"bao": true, "bi": true, "than": true, "co": true, "do": true, "giu": true}
	partnerAfter  = map[string]bool{"khau": true, "ong": true, "thiet": true, "ma": true, "danh": true, "tham": true,
		"bao": true, "vu": true, "lenh": true, "dam": true, "uoc": true, "ngot": true, "mia": true, "gau": true, "do": true, "thu": true}
)

// diacriticForm is the only accented spelling each marking word may have:
// "mặt", "mắt", "mất" and "tôi" fold the same but are other words.
var diacriticForm = map[string]string{"mat": "mật", "toi": "tối", "tuyet": "tuyệt", "do": "độ", "muc": "mức"}

// compatible reports whether w is the marking word want (folded form),
// either without any diacritics or with exactly the right ones.
func compatible(w, want string) bool {
	if len(w) > len(diacriticForm[want]) {
		return false
	}
	lw := strings.ToLower(w)
	return lw == want || lw == diacriticForm[want]
}

func isUpperWord(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters > 0
}

// phraseLevel returns the level when words are exactly a marking phrase.
func phraseLevel(words []string) string {
	switch len(words) {
	case 1:
		if compatible(words[0], "mat") {
			return SecretMat
		}
	case 2:
		if !compatible(words[1], "mat") {
			return ""
		}
		if compatible(words[0], "toi") {
			return SecretToiMat
		}
		if compatible(words[0], "tuyet") {
			return SecretTuyetMat
		}
	}
	return ""
}

// stripLabel removes a leading "Độ mật" / "Mức độ mật" label.
func stripLabel(words []string) ([]string, bool) {
	if len(words) >= 3 && compatible(words[0], "muc") && compatible(words[1], "do") && compatible(words[2], "mat") {
		return words[3:], true
	}
	if len(words) >= 2 && compatible(words[0], "do") && compatible(words[1], "mat") {
		return words[2:], true
	}
	return words, false
}

// wordsOf splits s into words of letters and digits.
func wordsOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// segmentsOf splits a line at punctuation into runs of words.
func segmentsOf(line string) [][]string {
	var segs [][]string
	for _, part := range strings.FieldsFunc(line, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	}) {
		if ws := wordsOf(part); len(ws) > 0 {
			segs = append(segs, ws)
		}
	}
	return segs
}

var bracketed = regexp.MustCompile(`[\[\(\{«“"<*]+\s*([^\[\]\(\)\{\}«»“”"<>*\n]{1,40}?)\s*[\]\)\}»”">*]+`)

var replyPrefix = map[string]bool{"re": true, "fw": true, "fwd": true, "tl": true, "tra loi": true, "chuyen tiep": true, "aw": true, "wg": true}

// dropFormat removes invisible format characters (zero-width spaces and
// joiners, soft hyphens) that split a word without showing.
func dropFormat(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}

// spelledSep are the characters officers put between the letters of a
// stamp typed apart: "M.Ậ.T", "M Ậ T", "M-Ậ-T", "T_O_I".
func spelledSep(r rune) bool {
	return r == ' ' || r == '.' || r == '-' || r == '_' || r == '*' || r == '·' || r == '\t' || r == '\u00a0'
}

// joinSpelled joins runs of three or more single letters, each separated by
// one separator character, into a word: "M.Ậ.T" → "MẬT". A run of
// single spaces spelling a whole marking ("T O I M A T") is split back into
// its two words. Runs that spell anything else are joined harmlessly.
func joinSpelled(line string) string {
	if !strings.ContainsAny(line, "mM") { // every marking holds an M
		return line
	}
	rs := []rune(line)
	single := func(i int) bool { // rs[i] is a letter standing alone
		return unicode.IsLetter(rs[i]) && (i == 0 || !unicode.IsLetter(rs[i-1]) && !unicode.IsDigit(rs[i-1])) &&
			(i+1 == len(rs) || !unicode.IsLetter(rs[i+1]) && !unicode.IsDigit(rs[i+1]))
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(rs); {
		if !single(i) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		// One separator between letters, or a mark between single
		// spaces: "M . Ậ . T". Two spaces end a word: "T O I  M A T".
		sep := func(p int) int {
			switch {
			case p+1 < len(rs) && spelledSep(rs[p]) && single(p+1):
				return 1
			case p+3 < len(rs) && rs[p] == ' ' && rs[p+1] != ' ' && spelledSep(rs[p+1]) && rs[p+2] == ' ' && single(p+3):
				return 3
			}
			return 0
		}
		w := []rune{rs[i]}
		j := i // the last letter of the run
		for n := sep(j + 1); n > 0; n = sep(j + 1) {
			j += n + 1
			w = append(w, rs[j])
		}
		if len(w) < 3 {
			b.WriteRune(rs[i])
			i++
			continue
		}
		word := string(w)
		switch vntext.Fold(strings.ToLower(word)) {
		case "toimat":
			word = string(w[:3]) + " " + string(w[3:])
		case "tuyetmat":
			word = string(w[:5]) + " " + string(w[5:])
		}
		b.WriteString(word)
		changed = true
		i = j + 1
	}
	if !changed {
		return line
	}
	return b.String()
}

func lineMarking(line string) string {
	lower := strings.ToLower(line)
	if !strings.Contains(lower, "mật") && !strings.Contains(lower, "mat") {
		return ""
	}
	words := wordsOf(line)
	if len(words) == 0 {
		return ""
	}
	best := ""
	// Alone on the line, possibly after the label: "TỐI MẬT", "Độ mật: Mật".
	rest, _ := stripLabel(words)
	best = Strongest(best, phraseLevel(rest))
	// In brackets: "[MẬT]", "(Tối mật)", "«TUYỆT MẬT»".
	for _, m := range bracketed.FindAllStringSubmatch(line, -1) {
		inner, _ := stripLabel(wordsOf(m[1]))
		best = Strongest(best, phraseLevel(inner))
	}
	// The label anywhere: "... Độ mật: Tối mật."
	for i := range words {
		if after, ok := stripLabel(words[i:]); ok && len(after) > 0 {
			for n := 2; n >= 1; n-- {
				if len(after) >= n {
					if l := phraseLevel(after[:n]); l != "" {
						best = Strongest(best, l)
						break
					}
				}
			}
		}
	}
	segs := segmentsOf(line)
	// At the head of a line or subject, before a separator: "MẬT - Báo cáo".
	for i, seg := range segs {
		if replyPrefix[vntext.Fold(strings.Join(seg, " "))] {
			continue
		}
		if i < len(segs)-1 {
			best = Strongest(best, phraseLevel(seg))
		}
		break
	}
	// An upper-case run among other words: "tài liệu MẬT gửi ...".
	for _, seg := range segs {
		for i := 0; i < len(seg); {
			if !isUpperWord(seg[i]) || len([]rune(seg[i])) < 2 && !compatible(seg[i], "mat") {
				i++
				continue
			}
			j := i
			for j < len(seg) && isUpperWord(seg[j]) {
				j++
			}
			best = Strongest(best, phraseLevel(seg[i:j]))
			i = j
		}
	}
	// "tối mật" and "tuyệt mật" spelled out in running text.
	for i := 0; i+1 < len(words); i++ {
		lw0, lw1 := strings.ToLower(words[i]), strings.ToLower(words[i+1])
		if lw1 != "mật" || (lw0 != "tối" && lw0 != "tuyệt") {
			continue
		}
		if i+2 < len(words) && partnerAfter[vntext.Fold(words[i+2])] {
			continue
		}
		if lw0 == "tối" {
			best = Strongest(best, SecretToiMat)
		} else {
			best = Strongest(best, SecretTuyetMat)
		}
	}
	return best
}
