package docsign

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"slices"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"thucongvu/assets"
)

// Appearance geometry in PDF points, and the raster scale of the stamp.
const (
	stampW, stampH   = 200.0, 90.0
	copyW, copyH     = 190.0, 36.0
	pageMargin       = 40.0
	stampScale       = 3 // 216 dpi
	maxImagePixels   = 4096 * 4096
	maxAppearanceImg = 8 << 20
)

var (
	textBlue  = color.RGBA{0x10, 0x2a, 0x8c, 0xff}
	textBlack = color.RGBA{0, 0, 0, 0xff} // copies (Decree 30/2020 art. 33)
)

// appearanceFor places the visible signature (Decree 30/2020, Appendix I
// and art. 33): the signer's image above the name at the bottom right of
// the last page; the agency's seal over the left third of that place; a
// copy's text at the top right of page one. The stamp is drawn here as one
// transparent PNG with DejaVu Sans, or Liberation Serif for a copy (both
// with Vietnamese glyphs), because pdfsign's
// own text uses a font without them and stretches images to the box.
func appearanceFor(r *pdf.Reader, cert *x509.Certificate, o SignOptions, now time.Time) (sign.Appearance, error) {
	pages := r.NumPage()
	if pages < 1 {
		return sign.Appearance{}, fmt.Errorf("the PDF has no pages")
	}
	page := pages
	if o.As == AsCopy {
		page = 1
	}
	box := r.Page(page).V.Key("MediaBox")
	pw, ph := 595.0, 842.0 // A4
	if box.Len() == 4 {
		pw, ph = box.Index(2).Float64()-box.Index(0).Float64(), box.Index(3).Float64()-box.Index(1).Float64()
	}
	org := ""
	if len(cert.Subject.Organization) > 0 {
		org = cert.Subject.Organization[0]
	}
	var names Signature
	fillNames(&names, cert)
	email := names.Email
	// Decree 30/2020, Appendix I: the signing time in ISO 8601 with
	// Vietnam's offset, e.g. 2026-12-01T09:30:00+07:00.
	when := now.In(vietnam).Format(time.RFC3339)
	var (
		w, h  = stampW, stampH
		x, y  float64
		lines []string
		img   image.Image
		err   error
	)
	if len(o.Image) > 0 && o.As != AsCopy {
		if len(o.Image) > maxAppearanceImg {
			return sign.Appearance{}, fmt.Errorf("signature image larger than %d MB", maxAppearanceImg>>20)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(o.Image))
		if err != nil || cfg.Width*cfg.Height > maxImagePixels {
			return sign.Appearance{}, fmt.Errorf("signature image: not a PNG of at most %d pixels", maxImagePixels)
		}
		if img, err = png.Decode(bytes.NewReader(o.Image)); err != nil {
			return sign.Appearance{}, fmt.Errorf("signature image: %w", err)
		}
	}
	switch o.As {
	case AsCopy:
		w, h = copyW, copyH
		x, y = pw-pageMargin-w, ph-pageMargin/2-h
		lines = []string{org, when}
	case AsOrganization:
		x, y = pw-pageMargin-stampW-stampW/3, pageMargin+20
		lines = []string{org, email, when}
	default:
		x, y = pw-pageMargin-stampW, pageMargin+20
		lines = []string{cert.Subject.CommonName, when}
	}
	lines = slices.DeleteFunc(lines, func(l string) bool { return l == "" })
	stamp, err := drawStamp(o.As, img, lines, w, h)
	if err != nil {
		return sign.Appearance{}, err
	}
	return sign.Appearance{Visible: true, Page: uint32(page), LowerLeftX: x, LowerLeftY: y,
		UpperRightX: x + w, UpperRightY: y + h, Image: stamp}, nil
}

// drawStamp renders the stamp as a transparent PNG of w×h points.
func drawStamp(as string, pic image.Image, lines []string, w, h float64) ([]byte, error) {
	W, H := int(w*stampScale), int(h*stampScale)
	canvas := image.NewRGBA(image.Rect(0, 0, W, H))
	fontData, size := assets.DejaVuSans(), 9.0
	if as == AsCopy {
		// Decree 30/2020 art. 33: copies in Times New Roman 10; Liberation
		// Serif has its metrics, and the Vietnamese letters.
		fontData, size = assets.LiberationSerif(), 10
	}
	ttf, err := opentype.Parse(fontData)
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(ttf, &opentype.FaceOptions{Size: size * stampScale, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	lineH := int(size * 1.3 * stampScale)
	textTop, textLeft := 0, 0
	if pic != nil {
		b := pic.Bounds()
		var area image.Rectangle
		if as == AsOrganization {
			// The seal, real size as far as the box allows, on the left.
			area = image.Rect(0, 0, H, H)
			textLeft = H * 2 / 3
		} else {
			// The signature between the title and the name.
			area = image.Rect(0, 0, W, H-lineH*len(lines)-4)
			textTop = area.Max.Y
		}
		fit := fitRect(b.Dx(), b.Dy(), area)
		xdraw.CatmullRom.Scale(canvas, fit, pic, b, draw.Over, nil)
	}
	ink := textBlue
	if as == AsCopy {
		ink = textBlack
	}
	d := font.Drawer{Dst: canvas, Src: image.NewUniform(ink), Face: face}
	if as == AsOrganization && pic != nil {
		textTop = (H - lineH*len(lines)) / 2
	}
	for i, line := range lines {
		if line == "" {
			continue
		}
		line = norm.NFC.String(line)
		adv := d.MeasureString(line).Ceil()
		x := textLeft + (W-textLeft-adv)/2
		if x < textLeft {
			x = textLeft
		}
		d.Dot = fixed.P(x, textTop+lineH*(i+1)-lineH/4)
		d.DrawString(line)
	}
	// Stored, not deflated: pdfsign decodes the stamp and compresses its
	// pixels itself, so compressing it here is work done twice.
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&buf, canvas); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fitRect is the largest rectangle of the picture's aspect inside area,
// centred (no stretching).
func fitRect(pw, ph int, area image.Rectangle) image.Rectangle {
	if pw <= 0 || ph <= 0 || area.Dx() <= 0 || area.Dy() <= 0 {
		return image.Rectangle{}
	}
	w, h := area.Dx(), area.Dx()*ph/pw
	if h > area.Dy() {
		h, w = area.Dy(), area.Dy()*pw/ph
	}
	x := area.Min.X + (area.Dx()-w)/2
	y := area.Min.Y + (area.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}
