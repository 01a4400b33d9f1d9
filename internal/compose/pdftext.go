package compose

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Bounds on reading a PDF's text for markings (R7, R4 makes PDF the
// normal format), whatever the file holds.
const (
	maxPDFPages       = 500      // pages read
	maxPDFTreeNodes   = 5000     // page-tree nodes visited (a cyclic tree ends here)
	maxPDFTreeDepth   = 32       // page-tree levels
	maxPDFPageContent = 16 << 20 // decoded content of one page (flate bombs)
	maxPDFContent     = 64 << 20 // decoded content of all pages
)

var errPDFFull = errors.New("pdf text limit")

// pdfText returns at most limit bytes of the text a PDF shows, a line per
// text object, decoded through each font's encoding or ToUnicode map. A
// broken or encrypted file yields what was read before the damage.
func pdfText(data []byte, limit int64) (text string) {
	var b strings.Builder
	defer func() {
		if recover() != nil { // the library panics on malformed content
			text = b.String()
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	budget := int64(maxPDFContent)
	fonts := &pdfFonts{memo: map[string]*fontCodes{}}
	for _, pv := range pdfPages(r.Trailer().Key("Root").Key("Pages")) {
		if int64(b.Len()) >= limit || budget <= 0 || fonts.codes > maxPDFCodes {
			break
		}
		budget -= pdfPageText(&b, pdf.Page{V: pv}, fonts, limit, budget)
	}
	return withoutMarks(b.String(), limit)
}

// unmark drops diacritics and keeps the case: "TỐỈ MẬT" → "TOI MAT".
var unmark = transform.Chain(norm.NFD, runes.Remove(runes.Predicate(func(r rune) bool {
	return r == utf8.RuneError || unicode.Is(unicode.Mn, r)
})), runes.Map(func(r rune) rune {
	switch r {
	case 'Đ':
		return 'D'
	case 'đ':
		return 'd'
	}
	return r
}), norm.NFC)

// withoutMarks adds, within limit, short lines holding glyphs without
// Unicode again without diacritics. LibreOffice maps a base glyph drawn
// with a combining mark to the whole cluster, so "TỐI" can read
// "TỐ\uFFFDỈ": only the letters are to be trusted. Only lines made of the
// words of a stamp are added, as "mặt", "mất" and "mật" fold the same.
func withoutMarks(text string, limit int64) string {
	if !strings.ContainsRune(text, utf8.RuneError) {
		return text
	}
	var extra strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if !strings.ContainsRune(line, utf8.RuneError) {
			continue
		}
		if plain, _, err := transform.String(unmark, line); err == nil && stampWords(plain) {
			extra.WriteString("\n" + plain)
		}
	}
	if int64(len(text)+extra.Len()) > limit {
		return text
	}
	return text + extra.String()
}

// stampWords reports whether line, without diacritics, is made only of
// the words of a marking: "TOI MAT", "Do mat: Tuyet mat", "[MAT]".
func stampWords(line string) bool {
	words := strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		switch w {
		case "mat", "toi", "tuyet", "do", "muc":
		default:
			return false
		}
	}
	return len(words) > 0 && len(words) <= 5
}

// pdfPages walks the page tree breadth-first, bounded in depth, nodes and
// pages, so that a cyclic or huge tree cannot hold preflight.
func pdfPages(root pdf.Value) []pdf.Value {
	var pages []pdf.Value
	level := []pdf.Value{root}
	nodes := 0
	for depth := 0; depth < maxPDFTreeDepth && len(level) > 0; depth++ {
		var next []pdf.Value
		for _, n := range level {
			switch n.Key("Type").Name() {
			case "Page":
				if pages = append(pages, n); len(pages) == maxPDFPages {
					return pages
				}
			case "Pages":
				kids := n.Key("Kids")
				for i := 0; i < kids.Len(); i++ {
					if nodes++; nodes > maxPDFTreeNodes {
						return pages
					}
					next = append(next, kids.Index(i))
				}
			}
		}
		level = next
	}
	return pages
}

// pdfPageText appends the page's text to b and returns how many decoded
// content bytes it read. A page whose content exceeds maxPDFPageContent or
// the budget is skipped unread.
func pdfPageText(b *strings.Builder, p pdf.Page, pf *pdfFonts, limit, budget int64) (read int64) {
	defer func() {
		if e := recover(); e != nil && e != errPDFFull {
			read = max(read, 1)
		}
	}()
	strm := p.V.Key("Contents")
	if strm.IsNull() {
		return 0
	}
	size := contentSize(strm, min(maxPDFPageContent, budget)+1)
	if size > maxPDFPageContent || size > budget {
		return size
	}
	fonts := map[string]*fontCodes{}
	var enc *fontCodes
	put := func(s string) {
		if int64(b.Len()+len(s)) > limit {
			b.WriteString(s[:max(0, limit-int64(b.Len()))])
			panic(errPDFFull)
		}
		b.WriteString(s)
	}
	show := func(s string) {
		if enc != nil {
			s = pf.decode(enc, s)
		}
		put(s)
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*":
			put("\n")
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				put("\n")
			} else {
				put(" ")
			}
		case "Tf":
			if len(args) != 2 {
				return
			}
			name := args[0].Name()
			e, ok := fonts[name]
			if !ok {
				e = pf.font(p.Font(name))
				fonts[name] = e
			}
			enc = e
		case "Tj", "'", "\"":
			if len(args) > 0 {
				if op != "Tj" {
					put("\n")
				}
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) == 1 {
				for i := 0; i < args[0].Len(); i++ {
					if x := args[0].Index(i); x.Kind() == pdf.String {
						show(x.RawString())
					} else if x.Float64() < -200 { // a gap wide enough to be a space
						put(" ")
					}
				}
			}
		}
	})
	return size
}

// Bounds on decoding character codes: the library looks a code up by
// scanning the whole ToUnicode map.
const (
	maxToUnicode = 64 << 10 // a font's decoded ToUnicode map; a larger one's text is skipped
	maxPDFCodes  = 200000   // codes decoded through the library, memo misses of all fonts
)

// pdfFonts decodes character codes once per font of the document.
type pdfFonts struct {
	memo  map[string]*fontCodes // by font and ToUnicode map
	codes int
}

type fontCodes struct {
	enc   pdf.TextEncoding
	width int // bytes a code takes, 0 when codes vary in width
	skip  bool
	codes map[string]string
}

func (pf *pdfFonts) font(f pdf.Font) *fontCodes {
	fc := &fontCodes{codes: map[string]string{}}
	key := ""
	if tu := f.V.Key("ToUnicode"); !tu.IsNull() {
		cmap, _ := io.ReadAll(io.LimitReader(tu.Reader(), maxToUnicode+1))
		if len(cmap) > maxToUnicode {
			fc.skip = true
			return fc
		}
		sum := sha256.Sum256(cmap)
		key = f.V.Key("Subtype").Name() + "/" + f.BaseFont() + "/" + f.V.Key("Encoding").Name() + "/" + string(sum[:])
		if known, ok := pf.memo[key]; ok {
			return known
		}
	}
	fc.enc = f.Encoder()
	switch enc := f.V.Key("Encoding").Name(); {
	case f.V.Key("Subtype").Name() != "Type0":
		fc.width = 1
	case enc == "Identity-H" || enc == "Identity-V":
		fc.width = 2
	}
	if key != "" {
		pf.memo[key] = fc
	}
	return fc
}

func (pf *pdfFonts) decode(fc *fontCodes, raw string) string {
	if fc.skip {
		return ""
	}
	if fc.width == 0 {
		if pf.codes += len(raw); pf.codes > maxPDFCodes {
			panic(errPDFFull)
		}
		return fc.enc.Decode(raw)
	}
	var b strings.Builder
	for i := 0; i+fc.width <= len(raw); i += fc.width {
		code := raw[i : i+fc.width]
		s, ok := fc.codes[code]
		if !ok {
			if pf.codes++; pf.codes > maxPDFCodes {
				panic(errPDFFull)
			}
			s = fc.enc.Decode(code)
			fc.codes[code] = s
		}
		b.WriteString(s)
	}
	return b.String()
}

// contentSize returns the decoded size of a page's content, reading at
// most limit bytes.
func contentSize(strm pdf.Value, limit int64) int64 {
	var rs []io.Reader
	if strm.Kind() == pdf.Array {
		for i := 0; i < strm.Len(); i++ {
			rs = append(rs, strm.Index(i).Reader())
		}
	} else {
		rs = append(rs, strm.Reader())
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(io.MultiReader(rs...), limit))
	return n
}
