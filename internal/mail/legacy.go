package mail

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Legacy Vietnamese encodings that R5 (LA 8.2, HN 3.4, ST 6.2, LĐ 5.2)
// replaces by Unicode per TCVN 6909:2001.
const (
	LegacyTCVN3  = "tcvn3"  // TCVN 5712:1993 VN3 ("ABC"), fonts .VnTime, .VnArial
	LegacyVNI    = "vni"    // VNI-Windows, fonts VNI-Times, VNI-Helve
	LegacyVIQR   = "viqr"   // RFC 1456 VIQR, ASCII with marks: "Vie^.t Nam"
	LegacyCP1258 = "cp1258" // Windows-1258 code page with combining tone marks
)

// tcvn3 maps a byte of the TCVN3 (ABC) font encoding to its letter. TCVN3
// has no upper-case toned letters: those were typed with the .VnTimeH fonts
// at the lower-case positions.
var tcvn3 = map[byte]rune{
	0xB5: 'à', 0xB8: 'á', 0xB6: 'ả', 0xB7: 'ã', 0xB9: 'ạ',
	0xA8: 'ă', 0xBB: 'ằ', 0xBE: 'ắ', 0xBC: 'ẳ', 0xBD: 'ẵ', 0xC6: 'ặ',
	0xA9: 'â', 0xC7: 'ầ', 0xCA: 'ấ', 0xC8: 'ẩ', 0xC9: 'ẫ', 0xCB: 'ậ',
	0xAE: 'đ', 0xCC: 'è', 0xD0: 'é', 0xCE: 'ẻ', 0xCF: 'ẽ', 0xD1: 'ẹ',
	0xAA: 'ê', 0xD2: 'ề', 0xD5: 'ế', 0xD3: 'ể', 0xD4: 'ễ', 0xD6: 'ệ',
	0xD7: 'ì', 0xDD: 'í', 0xD8: 'ỉ', 0xDC: 'ĩ', 0xDE: 'ị',
	0xDF: 'ò', 0xE3: 'ó', 0xE1: 'ỏ', 0xE2: 'õ', 0xE4: 'ọ',
	0xAB: 'ô', 0xE5: 'ồ', 0xE8: 'ố', 0xE6: 'ổ', 0xE7: 'ỗ', 0xE9: 'ộ',
	0xAC: 'ơ', 0xEA: 'ờ', 0xED: 'ớ', 0xEB: 'ở', 0xEC: 'ỡ', 0xEE: 'ợ',
	0xEF: 'ù', 0xF3: 'ú', 0xF1: 'ủ', 0xF2: 'ũ', 0xF4: 'ụ',
	0xAD: 'ư', 0xF5: 'ừ', 0xF8: 'ứ', 0xF6: 'ử', 0xF7: 'ữ', 0xF9: 'ự',
	0xFA: 'ỳ', 0xFD: 'ý', 0xFB: 'ỷ', 0xFC: 'ỹ', 0xFE: 'ỵ',
	0xA1: 'Ă', 0xA2: 'Â', 0xA7: 'Đ', 0xA3: 'Ê', 0xA4: 'Ô', 0xA5: 'Ơ', 0xA6: 'Ư',
}

// VNI-Windows writes a toned vowel as its base letter followed by a mark
// byte; a few letters have a byte of their own.
var vniSingles = map[byte]rune{
	0xD1: 'Đ', 0xF1: 'đ', 0xD4: 'Ơ', 0xF4: 'ơ', 0xD6: 'Ư', 0xF6: 'ư',
	0xCD: 'Í', 0xCC: 'Ì', 0xC6: 'Ỉ', 0xD3: 'Ĩ', 0xD2: 'Ị', 0xCE: 'Ỵ',
	0xED: 'í', 0xEC: 'ì', 0xE6: 'ỉ', 0xF3: 'ĩ', 0xF2: 'ị', 0xEE: 'ỵ',
}

// vniMarks maps a lower-case VNI mark byte to the combining marks it adds;
// the upper-case mark byte is 0x20 lower.
var vniMarks = map[byte]string{
	0xF9: "\u0301", 0xF8: "\u0300", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323",
	0xE2: "\u0302", 0xE1: "\u0302\u0301", 0xE0: "\u0302\u0300", 0xE5: "\u0302\u0309", 0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323",
	0xEA: "\u0306", 0xE9: "\u0306\u0301", 0xE8: "\u0306\u0300", 0xFA: "\u0306\u0309", 0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323",
}

// detectSample is how much of a text DetectLegacy reads.
const detectSample = 64 << 10

// legacyByte maps runes back to the bytes of text that was typed in a legacy
// font and then read as Latin-1 or Windows-1252.
var legacyByte = cp1252Bytes()

func decodeTCVN3(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if r, ok := tcvn3[c]; ok {
			sb.WriteRune(r)
		} else {
			sb.WriteRune(latin1Rune(c))
		}
	}
	return sb.String()
}

func decodeVNI(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		base := rune(0)
		switch {
		case strings.IndexByte("aeouyAEOUY", c) >= 0:
			base = rune(c)
		case c == 0xF4 || c == 0xD4 || c == 0xF6 || c == 0xD6: // ơ Ơ ư Ư take tones
			base = vniSingles[c]
		}
		if base != 0 && i+1 < len(b) {
			m := b[i+1]
			marks, ok := vniMarks[m]
			if !ok {
				marks, ok = vniMarks[m+0x20]
				ok = ok && m >= 0xC0
			}
			if ok {
				if composed := norm.NFC.String(string(base) + marks); utf8.RuneCountInString(composed) == 1 {
					sb.WriteString(composed)
					i++
					continue
				}
			}
		}
		if r, ok := vniSingles[c]; ok {
			sb.WriteRune(r)
			continue
		}
		sb.WriteRune(latin1Rune(c))
	}
	return sb.String()
}

// latin1Rune reads a byte as Windows-1252 read it.
func latin1Rune(c byte) rune {
	if r := charmap.Windows1252.DecodeByte(c); r != utf8.RuneError {
		return r
	}
	return rune(c)
}

// viqrTones and viqrShapes are the VIQR mark characters (RFC 1456).
var (
	viqrTones  = map[byte]rune{'\'': toneAcute, '`': toneGrave, '?': toneHook, '~': toneTilde, '.': toneDot}
	viqrShapes = map[byte]map[byte]string{
		'^': {'a': "â", 'e': "ê", 'o': "ô", 'A': "Â", 'E': "Ê", 'O': "Ô"},
		'(': {'a': "ă", 'A': "Ă"},
		'+': {'o': "ơ", 'u': "ư", 'O': "Ơ", 'U': "Ư"},
	}
)

// decodeVIQRWord converts one VIQR word. A '.' or '?' ending the word is
// a tone mark only when finalTone says so (more punctuation or a lower-case
// word follows); otherwise it is read as sentence punctuation.
func decodeVIQRWord(w string, finalTone bool) string {
	var sb strings.Builder
	i := 0
	if len(w) >= 2 && (w[0] == 'd' || w[0] == 'D') && (w[1] == 'd' || w[1] == 'D') {
		if w[0] == 'D' {
			sb.WriteRune('Đ')
		} else {
			sb.WriteRune('đ')
		}
		i = 2
	}
	for ; i < len(w); i++ {
		c := w[i]
		if c == '\\' && i+1 < len(w) {
			sb.WriteByte(w[i+1])
			i++
			continue
		}
		if strings.IndexByte("aeiouyAEIOUY", c) < 0 {
			sb.WriteByte(c)
			continue
		}
		letter := string(c)
		j := i + 1
		if j < len(w) {
			if shapes, ok := viqrShapes[w[j]]; ok {
				if s, ok := shapes[c]; ok {
					letter = s
					j++
				}
			}
		}
		if j < len(w) {
			if t, ok := viqrTones[w[j]]; ok {
				atEnd := j == len(w)-1
				if !atEnd || finalTone || (w[j] != '.' && w[j] != '?') {
					letter = norm.NFC.String(letter + string(t))
					j++
				}
			}
		}
		sb.WriteString(letter)
		i = j - 1
	}
	return sb.String()
}

// unicodeEvidence reports whether r can only come from real Unicode
// Vietnamese, never from a legacy font read as Windows-1252.
func unicodeEvidence(r rune) bool {
	switch r {
	case 'ă', 'Ă', 'đ', 'Đ', 'ĩ', 'Ĩ', 'ũ', 'Ũ', 'ơ', 'Ơ', 'ư', 'Ư':
		return true
	}
	return (r >= 0x1EA0 && r <= 0x1EF9) || (r >= 0x0300 && r <= 0x0323)
}

// word is one whitespace-separated token of a line with its surrounding
// punctuation split off.
type word struct {
	lead, core, trail string
}

func splitWord(tok string, viqr bool) word {
	isPunct := func(r rune) bool {
		if r >= 0x80 {
			return false // legacy letters live here
		}
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	start := strings.IndexFunc(tok, func(r rune) bool { return !isPunct(r) })
	if start < 0 {
		return word{lead: tok}
	}
	end := len(tok)
	if !viqr {
		end = strings.LastIndexFunc(tok, func(r rune) bool { return !isPunct(r) })
		_, size := utf8.DecodeRuneInString(tok[end:])
		end += size
	} else {
		// VIQR marks are punctuation: keep them, drop only closing brackets,
		// commas and the like.
		for end > start && strings.IndexByte(",;:!\")]}»", tok[end-1]) >= 0 {
			end--
		}
	}
	return word{lead: tok[:start], core: tok[start:end], trail: tok[end:]}
}

// toLegacyBytes returns the bytes a word had before it was read as
// Windows-1252, or false when it has a rune no such reading produces.
func toLegacyBytes(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			b = append(b, byte(r))
		default:
			c, ok := legacyByte[r]
			if !ok {
				return nil, false
			}
			b = append(b, c)
		}
	}
	return b, true
}

// convertWord converts one word from enc; ok is false when the word does not
// look like that encoding at all. finalTone is for VIQR: see decodeVIQRWord.
func convertWord(core, enc string, finalTone bool) (string, bool) {
	switch enc {
	case LegacyVIQR:
		if !strings.ContainsAny(core, "'`?~.^(+\\") && !hasDD(core) {
			return core, false
		}
		return decodeVIQRWord(core, finalTone), true
	default:
		b, ok := toLegacyBytes(core)
		if !ok || !hasHighBytes(b) {
			return core, false
		}
		if enc == LegacyTCVN3 {
			return decodeTCVN3(b), true
		}
		return decodeVNI(b), true
	}
}

func hasDD(s string) bool {
	return len(s) >= 2 && strings.EqualFold(s[:2], "dd")
}

// legacyScore counts, over the lines of s with no Unicode Vietnamese in them,
// the words that become valid Vietnamese only once converted from enc (good)
// and the candidate words that stay invalid (bad).
func legacyScore(s, enc string) (good, bad, words int) {
	for _, line := range strings.Split(s, "\n") {
		if strings.IndexFunc(line, unicodeEvidence) >= 0 {
			continue
		}
		toks := strings.Fields(line)
		for i, tok := range toks {
			w := splitWord(tok, enc == LegacyVIQR)
			if w.core == "" {
				continue
			}
			words++
			out, ok := convertWord(w.core, enc, finalTone(w, toks, i))
			if !ok {
				continue
			}
			if enc == LegacyVIQR {
				out = strings.TrimRight(out, ".?")
			}
			switch {
			case validSyllable(out) && !validSyllable(w.core):
				good++
			case !validSyllable(out):
				bad++
			}
		}
	}
	return good, bad, words
}

// DetectLegacy names the legacy encoding s was typed in, or "" when s is
// Unicode (or not Vietnamese). It looks at whole words: a word counts only
// when it is not Vietnamese as it stands and becomes a valid Vietnamese
// syllable once converted, so ordinary Unicode and English never qualify.
func DetectLegacy(s string) string {
	if len(s) > detectSample {
		// The head of a text tells its encoding; keep the cost bounded.
		cut := strings.LastIndexByte(s[:detectSample], '\n')
		if cut <= 0 {
			cut = detectSample
		}
		s = strings.ToValidUTF8(s[:cut], "")
	}
	best, bestGood := "", 0
	for _, enc := range []string{LegacyTCVN3, LegacyVNI} {
		good, bad, _ := legacyScore(s, enc)
		if good >= 1 && good >= 2*bad && good > bestGood {
			best, bestGood = enc, good
		}
	}
	if best != "" {
		return best
	}
	// VIQR is plain ASCII: ask for more evidence, since English has
	// apostrophes and question marks too.
	good, bad, words := legacyScore(s, LegacyVIQR)
	if good >= 2 && good >= 2*bad && good*4 >= words {
		return LegacyVIQR
	}
	return ""
}

// ConvertLegacy converts s from the legacy encoding enc to Unicode NFC.
// Lines that already hold Unicode Vietnamese are left alone, so a Unicode
// signature under a TCVN3 body survives.
func ConvertLegacy(s, enc string) string {
	if enc != LegacyTCVN3 && enc != LegacyVNI && enc != LegacyVIQR {
		return norm.NFC.String(s)
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if strings.IndexFunc(line, unicodeEvidence) >= 0 {
			continue
		}
		lines[i] = convertLine(line, enc)
	}
	return norm.NFC.String(strings.Join(lines, "\n"))
}

// finalTone reports whether a VIQR word's last '.' or '?' is a tone mark:
// it is when more punctuation or a lower-case word follows it, or when the
// word opens a line that goes on (a one-word question rarely does).
func finalTone(w word, toks []string, i int) bool {
	if w.trail != "" || (i == 0 && len(toks) > 1) {
		return true
	}
	if i+1 < len(toks) {
		r, _ := utf8.DecodeRuneInString(toks[i+1])
		return unicode.IsLower(r) || unicode.IsDigit(r)
	}
	return false
}

func convertLine(line, enc string) string {
	var sb strings.Builder
	toks := strings.Fields(line)
	i := 0
	rest := line
	for rest != "" {
		// Keep the exact whitespace between words.
		ws := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsSpace(r) })
		if ws < 0 {
			sb.WriteString(rest)
			break
		}
		sb.WriteString(rest[:ws])
		rest = rest[ws:]
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		tok := rest[:end]
		rest = rest[end:]
		w := splitWord(tok, enc == LegacyVIQR)
		out, ok := convertWord(w.core, enc, finalTone(w, toks, i))
		if !ok {
			out = w.core
		}
		sb.WriteString(w.lead + out + w.trail)
		i++
	}
	return sb.String()
}

// DecodeLegacy detects a legacy Vietnamese encoding in s and returns s
// converted to Unicode NFC with the encoding's name ("" when none).
func DecodeLegacy(s string) (text, enc string) {
	enc = DetectLegacy(s)
	if enc == "" {
		return norm.NFC.String(s), ""
	}
	return ConvertLegacy(s, enc), enc
}
