package demo

import (
	"fmt"
	"strings"

	"github.com/signintech/gopdf"

	"thucongvu/assets"
)

// PDF page geometry in points: A4, margins of Decree 30/2020 (about 3 cm
// left, 2 cm elsewhere).
const (
	pdfLeft, pdfRight = 85.0, 57.0
	pdfTop, pdfBottom = 57.0, 57.0
	pdfSize           = 12.5
	pdfLeading        = 17.0
)

// buildPDF typesets d as a PDF with the embedded DejaVu Sans (subset), so the
// Vietnamese text keeps its diacritics and pdftotext reads it back. The
// output carries no creation date and is the same for the same d.
func buildPDF(d officialDoc) ([]byte, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: strings.Join(d.Title, " "), Author: d.Issuer, Producer: "thucongvu demo"})
	if err := pdf.AddTTFFontData("dejavu", assets.DejaVuSans()); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	if err := pdf.SetFont("dejavu", "", pdfSize); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	pdf.AddPage()
	width := gopdf.PageSizeA4.W - pdfLeft - pdfRight
	y := pdfTop

	line := func(text string, align int, size float64) error {
		if err := pdf.SetFontSize(size); err != nil {
			return err
		}
		parts, err := pdf.SplitTextWithWordWrap(text, width)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if y+pdfLeading > gopdf.PageSizeA4.H-pdfBottom {
				pdf.AddPage()
				y = pdfTop
			}
			pdf.SetXY(pdfLeft, y)
			if err := pdf.CellWithOption(&gopdf.Rect{W: width, H: pdfLeading}, p, gopdf.CellOption{Align: align | gopdf.Top}); err != nil {
				return err
			}
			y += pdfLeading
		}
		return nil
	}
	gap := func() { y += pdfLeading / 2 }

	steps := []struct {
		text  string
		align int
		size  float64
	}{
		{d.Parent, gopdf.Left, 11},
		{d.Issuer, gopdf.Left, 11},
		{d.Number, gopdf.Left, 11},
		{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gopdf.Right, 11},
		{"Độc lập - Tự do - Hạnh phúc", gopdf.Right, 11},
		{d.PlaceDate, gopdf.Right, 11},
	}
	for _, s := range steps {
		if err := line(s.text, s.align, s.size); err != nil {
			return nil, err
		}
	}
	gap()
	for _, t := range d.Title {
		if err := line(t, gopdf.Center, 13.5); err != nil {
			return nil, err
		}
	}
	gap()
	for _, p := range d.Body {
		if err := line(p, gopdf.Left, pdfSize); err != nil {
			return nil, err
		}
		gap()
	}
	for _, s := range d.Sign {
		if err := line(s, gopdf.Right, pdfSize); err != nil {
			return nil, err
		}
	}
	return pdf.GetBytesPdfReturnErr()
}
