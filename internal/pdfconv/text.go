package pdfconv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"thucongvu/assets"
	"thucongvu/internal/vntext"
)

// maxTextBytes bounds a text file: a larger one is data, not a document.
const maxTextBytes = 20 << 20

// Text page layout, in points: A4 with 2 cm margins, DejaVu Sans 11 pt.
const (
	textMargin   = 56.7
	textFontSize = 11
	textLeading  = 15
)

// decodeText returns the file's text as Unicode NFC (R5, LA 8.2, TCVN
// 6909:2001): UTF-8 or UTF-16 with a byte-order mark, UTF-8 without one, and
// otherwise Windows-1258, the legacy Vietnamese code page, whose combining
// tone marks NFC composes. Line ends become \n.
func decodeText(raw []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		s = string(raw[3:])
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw)
		if err != nil {
			return "", fmt.Errorf("UTF-16: %v: %w", err, ErrCorrupt)
		}
		s = string(out)
	case utf8.Valid(raw):
		s = string(raw)
	default:
		out, err := charmap.Windows1258.NewDecoder().Bytes(raw)
		if err != nil {
			return "", fmt.Errorf("Windows-1258: %v: %w", err, ErrCorrupt)
		}
		s = string(out)
	}
	if strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("binary data in a text file: %w", ErrCorrupt)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return vntext.NFC(s), nil
}

// convertText typesets a text file on A4 pages with the embedded DejaVu Sans,
// wrapping long lines at spaces (a word wider than the line is cut) and
// starting a new page at a form feed.
func convertText(input string, opts Options, res *Result) error {
	name := filepath.Base(input)
	raw, err := os.ReadFile(input)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if len(raw) > maxTextBytes {
		return fmt.Errorf("read %s: more than %d MB of text: %w", name, maxTextBytes>>20, ErrTooLarge)
	}
	text, err := decodeText(raw)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	// Characters the font lacks (CJK, emoji …) show as U+FFFD and are
	// reported, never dropped silently. gopdf looks glyphs up in 16 bits,
	// so characters beyond the Basic Multilingual Plane are replaced first.
	missing := map[rune]bool{}
	text = strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			missing[r] = true
			return utf8.RuneError
		}
		return r
	}, text)
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: a4Short, H: a4Long}})
	fontOpt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(r rune) rune {
		missing[r] = true
		return utf8.RuneError
	}}
	if err := pdf.AddTTFFontDataWithOption("DejaVuSans", assets.DejaVuSans(), fontOpt); err != nil {
		return fmt.Errorf("load font: %w", err)
	}
	if err := pdf.SetFont("DejaVuSans", "", textFontSize); err != nil {
		return fmt.Errorf("load font: %w", err)
	}
	width := a4Short - 2*textMargin
	pages := 0
	y := 0.0
	newPage := func() {
		pdf.AddPage()
		pages++
		y = textMargin
	}
	newPage()
	for i, sheet := range strings.Split(text, "\f") {
		if i > 0 {
			newPage()
		}
		for _, line := range strings.Split(sheet, "\n") {
			line = strings.ReplaceAll(line, "\t", "    ")
			var rows []string
			if strings.TrimSpace(line) != "" {
				if rows, err = pdf.SplitTextWithWordWrap(line, width); err != nil {
					return fmt.Errorf("typeset %s: %w", name, err)
				}
			}
			if len(rows) == 0 {
				rows = []string{""}
			}
			for _, row := range rows {
				if y+textLeading > a4Long-textMargin {
					newPage()
				}
				if row != "" {
					pdf.SetXY(textMargin, y)
					if err := pdf.Cell(nil, row); err != nil {
						return fmt.Errorf("typeset %s: %w", name, err)
					}
				}
				y += textLeading
			}
		}
	}
	out, err := newOutput(input, opts)
	if err != nil {
		return err
	}
	if err := pdf.Write(out); err != nil {
		out.abort()
		return fmt.Errorf("%w: %v", ErrOutput, err)
	}
	res.Pages = pages
	if len(missing) > 0 {
		var rs []string
		for r := range missing {
			rs = append(rs, fmt.Sprintf("U+%04X", r))
		}
		slices.Sort(rs)
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d characters not in the font are shown as \uFFFD: %s",
			len(rs), strings.Join(rs[:min(len(rs), 10)], " ")))
	}
	res.Output, res.Bytes, err = out.commit()
	return err
}
