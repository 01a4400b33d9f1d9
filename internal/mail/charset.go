package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"thucongvu/internal/vntext"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// charsetAliases are labels seen in Vietnamese mail that the IANA and WHATWG
// indexes do not know.
var charsetAliases = map[string]encoding.Encoding{
	"cp1258":            charmap.Windows1258,
	"windows1258":       charmap.Windows1258,
	"x-cp1258":          charmap.Windows1258,
	"win-1258":          charmap.Windows1258,
	"vietnamese":        charmap.Windows1258,
	"utf8":              unicode.UTF8,
	"x-utf_8j":          unicode.UTF8,
	"latin1":            charmap.Windows1252,
	"cp1252":            charmap.Windows1252,
	"unicode-1-1-utf-8": unicode.UTF8,
}

// lookupCharset returns the encoding for a MIME charset label, or nil.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil
	}
	if e, ok := charsetAliases[label]; ok {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil {
		return e
	}
	if e, err := ianaindex.IANA.Encoding(label); err == nil && e != nil {
		return e
	}
	return nil
}

// isUTF8 reports whether e decodes as UTF-8 (or its ASCII subset).
func isUTF8(label string, e encoding.Encoding) bool {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii", "":
		return true
	}
	return e == unicode.UTF8
}

// isCP1258 reports whether e is Windows-1258, the Vietnamese code page whose
// tone marks are combining characters (R5: not TCVN 6909 Unicode).
func isCP1258(e encoding.Encoding) bool { return e == charmap.Windows1258 }

// fallbackDecode decodes bytes whose charset is unknown or wrong: UTF-8 when
// valid, else Windows-1258, the code page Vietnamese Windows machines used.
func fallbackDecode(b []byte) (s string, cp1258 bool) {
	if utf8.Valid(b) {
		return string(b), false
	}
	out, err := charmap.Windows1258.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	return string(out), true
}

// decodeWith decodes b with e, replacing what cannot be decoded.
func decodeWith(e encoding.Encoding, b []byte) string {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// charsetReader is the mime.WordDecoder hook: known labels decode, an
// unknown label is decoded best-effort instead of failing the header.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	if e := lookupCharset(label); e != nil {
		return e.NewDecoder().Reader(input), nil
	}
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	s, _ := fallbackDecode(b)
	return strings.NewReader(s), nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// rawHeaderText turns a raw header value into UTF-8: 8-bit bytes are taken
// as UTF-8 when valid, else as Windows-1258.
func rawHeaderText(v string) (string, bool) {
	if utf8.ValidString(v) {
		return v, false
	}
	s, _ := fallbackDecode([]byte(v))
	return s, true
}

// decodeHeaderText decodes an unstructured header value (RFC 2047 encoded
// words, raw 8-bit bytes) to UTF-8. Broken encoded words are left as they
// are and reported.
func decodeHeaderText(v string) (string, error) {
	v, _ = rawHeaderText(v)
	if !strings.Contains(v, "=?") {
		return v, nil
	}
	s, err := wordDecoder.DecodeHeader(v)
	if err != nil {
		return v, fmt.Errorf("decode encoded words: %w", err)
	}
	// A word labelled UTF-8 is passed through unchecked by the decoder.
	return strings.ToValidUTF8(s, "\uFFFD"), nil
}

// cp1252Bytes maps a rune back to the byte it came from when text in a
// legacy 8-bit font encoding was decoded as Latin-1 or Windows-1252.
func cp1252Bytes() map[rune]byte {
	m := make(map[rune]byte, 160)
	for b := 0x80; b <= 0xFF; b++ {
		m[rune(b)] = byte(b)
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	return m
}

// hasHighBytes reports whether b has any non-ASCII byte.
func hasHighBytes(b []byte) bool {
	return bytes.IndexFunc(b, func(r rune) bool { return r >= 0x80 }) >= 0
}

// NewWordDecoder returns an RFC 2047 decoder that knows every charset the
// parser knows (windows-1258, ISO-8859-*, …) and decodes unknown ones
// best-effort; the IMAP client uses it for envelopes.
func NewWordDecoder() *mime.WordDecoder { return &mime.WordDecoder{CharsetReader: charsetReader} }

// HeaderText decodes a header value that may hold raw 8-bit bytes or
// encoded words, to UTF-8 NFC, converting text typed in a legacy
// Vietnamese font (R5) as Parse does; what cannot be decoded stays.
func HeaderText(v string) string {
	s, _ := decodeHeaderText(v)
	if t, enc := DecodeLegacy(s); enc != "" {
		s = t
	}
	return vntext.NFC(s)
}
