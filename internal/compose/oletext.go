package compose

import (
	"bytes"
	"strings"
	"unicode"
)

// oleMagic opens every Office 97–2003 file (.doc, .xls, .ppt).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// maxOleRun splits a longer text run into lines.
const maxOleRun = 4096

// oleText returns at most limit bytes of the text runs an Office 97–2003
// file holds: Word, Excel and PowerPoint keep text that is not Latin-1 as
// UTF-16LE, and the rest as 8-bit characters. Runs are read at both byte
// alignments, a paragraph or cell end starts a new line. No converter runs,
// so preflight stays quick; what binary noise reads as text is too short or
// unlike a stamp to count (SecretMarking wants a stamp's form).
func oleText(data []byte, limit int64) string {
	if !bytes.HasPrefix(data, oleMagic) {
		return ""
	}
	var b strings.Builder
	emit := func(rs []rune, minLen int) bool {
		if len(strings.TrimSpace(string(rs))) >= minLen {
			if int64(b.Len()+len(string(rs))+1) > limit {
				return false
			}
			b.WriteString(string(rs))
			b.WriteByte('\n')
		}
		return true
	}
	var run []rune
	// feed adds r to the run when it is text, else ends the run as a line.
	feed := func(r rune, text bool, minLen int) bool {
		if text && len(run) < maxOleRun {
			run = append(run, r)
			return true
		}
		ok := emit(run, minLen)
		run = run[:0]
		if text {
			run = append(run, r)
		}
		return ok
	}
	// UTF-16LE runs, at even and odd offsets.
	for align := 0; align < 2; align++ {
		for i := align; i+1 < len(data); i += 2 {
			r := rune(uint16(data[i]) | uint16(data[i+1])<<8)
			if !feed(r, textRune(r), 3) {
				return b.String()
			}
		}
		if !feed(0, false, 3) {
			return b.String()
		}
	}
	// 8-bit runs (Windows-1252 pieces): longer, as bytes read as text more easily.
	for _, c := range data {
		if !feed(rune(c), c >= 0x20 && c < 0x7F || c == '\t', 4) {
			return b.String()
		}
	}
	feed(0, false, 4)
	return b.String()
}

// vietLetters are the letters of Vietnamese beyond ASCII that are not in
// Latin Extended Additional (U+1EA0–U+1EF9).
const vietLetters = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"

// textRune: a character of Vietnamese or English office text.
func textRune(r rune) bool {
	switch {
	case r == '\t' || r == 0xA0:
		return true
	case r < 0x20 || r == 0x7F:
		return false
	case r < 0x7F, r >= 0x1EA0 && r <= 0x1EF9, r >= 0x300 && r <= 0x323:
		return true
	case r >= 0x2010 && r < 0x2040:
		return unicode.IsPunct(r)
	}
	return strings.ContainsRune(vietLetters, r)
}
