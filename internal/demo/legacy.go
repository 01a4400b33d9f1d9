package demo

import (
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// The demo corpus reproduces the legacy encodings R5 (LA 8.2, HN 3.4, ST 6.2,
// LĐ 5.2) forbids, so the client's detection has real input to work on.

// tcvn3 maps the Vietnamese letters of TCVN 5712:1993 VN3 ("ABC", the .Vn*
// fonts). Checked against glibc iconv TCVN5712-1 for these code points.
// VN3 has no upper-case letters with tone marks: typists used a capital font
// (.VnTimeH) over the lower-case codes, so upper-case toned letters fold to
// them below.
var tcvn3 = map[rune]byte{
	'à': 0xB5, 'ả': 0xB6, 'ã': 0xB7, 'á': 0xB8, 'ạ': 0xB9,
	'ă': 0xA8, 'ằ': 0xBB, 'ẳ': 0xBC, 'ẵ': 0xBD, 'ắ': 0xBE, 'ặ': 0xC6,
	'â': 0xA9, 'ầ': 0xC7, 'ẩ': 0xC8, 'ẫ': 0xC9, 'ấ': 0xCA, 'ậ': 0xCB,
	'đ': 0xAE,
	'è': 0xCC, 'ẻ': 0xCE, 'ẽ': 0xCF, 'é': 0xD0, 'ẹ': 0xD1,
	'ê': 0xAA, 'ề': 0xD2, 'ể': 0xD3, 'ễ': 0xD4, 'ế': 0xD5, 'ệ': 0xD6,
	'ì': 0xD7, 'ỉ': 0xD8, 'ĩ': 0xDC, 'í': 0xDD, 'ị': 0xDE,
	'ò': 0xDF, 'ỏ': 0xE1, 'õ': 0xE2, 'ó': 0xE3, 'ọ': 0xE4,
	'ô': 0xAB, 'ồ': 0xE5, 'ổ': 0xE6, 'ỗ': 0xE7, 'ố': 0xE8, 'ộ': 0xE9,
	'ơ': 0xAC, 'ờ': 0xEA, 'ở': 0xEB, 'ỡ': 0xEC, 'ớ': 0xED, 'ợ': 0xEE,
	'ù': 0xEF, 'ủ': 0xF1, 'ũ': 0xF2, 'ú': 0xF3, 'ụ': 0xF4,
	'ư': 0xAD, 'ừ': 0xF5, 'ử': 0xF6, 'ữ': 0xF7, 'ứ': 0xF8, 'ự': 0xF9,
	'ỳ': 0xFA, 'ỷ': 0xFB, 'ỹ': 0xFC, 'ý': 0xFD, 'ỵ': 0xFE,
	'Ă': 0xA1, 'Â': 0xA2, 'Ê': 0xA3, 'Ô': 0xA4, 'Ơ': 0xA5, 'Ư': 0xA6, 'Đ': 0xA7,
}

// encodeTCVN3 spells s in TCVN3 bytes, as a mail typed with the ABC keyboard
// driver and .VnTime font. Characters outside VN3 become '?'.
func encodeTCVN3(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range norm.NFC.String(s) {
		switch {
		case r < 0x80:
			out = append(out, byte(r))
		case tcvn3[r] != 0:
			out = append(out, tcvn3[r])
		case tcvn3[unicode.ToLower(r)] != 0:
			out = append(out, tcvn3[unicode.ToLower(r)])
		default:
			out = append(out, '?')
		}
	}
	return out
}

// toneMarks are the five Vietnamese tone marks windows-1258 keeps as
// combining characters.
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// encodeCP1258 spells s in windows-1258 the way Windows does: base letters
// (including â ê ô ă ơ ư đ) precomposed, tone marks as combining characters.
func encodeCP1258(s string) []byte {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		d := norm.NFD.String(string(r))
		var base, tones strings.Builder
		for _, c := range d {
			if strings.ContainsRune(toneMarks, c) {
				tones.WriteRune(c)
			} else {
				base.WriteRune(c)
			}
		}
		b.WriteString(norm.NFC.String(base.String()))
		b.WriteString(tones.String())
	}
	out, err := charmap.Windows1258.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		// Unencodable characters: fall back to a lossy encoding, as Outlook did.
		out, _ = charmap.Windows1258.NewEncoder().Bytes([]byte(strings.Map(func(r rune) rune {
			if _, ok := charmap.Windows1258.EncodeRune(r); ok {
				return r
			}
			return '?'
		}, b.String())))
	}
	return out
}
