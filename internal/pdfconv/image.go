package pdfconv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/signintech/gopdf"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// gopdf (github.com/signintech/gopdf) writes the PDFs made here: it is
// maintained (go-pdf/fpdf is archived), pure Go, embeds JPEG data as-is
// (DCTDecode, no re-encoding), and embeds TrueType fonts as subsets with a
// ToUnicode map, so text extracted from the PDF equals the source.

// A4 in PDF points.
const (
	a4Short = 595.28
	a4Long  = 841.89
)

// imageCodec decodes one image format. The table is explicit rather than
// the image package's init-time registry, so exactly these formats are read.
type imageCodec struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

func codecFor(head []byte) (string, imageCodec) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg", imageCodec{jpeg.DecodeConfig, jpeg.Decode}
	case bytes.HasPrefix(head, []byte("\x89PNG")):
		return "png", imageCodec{png.DecodeConfig, png.Decode}
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "gif", imageCodec{gif.DecodeConfig, gif.Decode}
	case bytes.HasPrefix(head, []byte("BM")):
		return "bmp", imageCodec{bmp.DecodeConfig, bmp.Decode}
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "tiff", imageCodec{tiff.DecodeConfig, tiff.Decode}
	case len(head) >= 12 && string(head[8:12]) == "WEBP":
		return "webp", imageCodec{webp.DecodeConfig, webp.Decode}
	}
	return "", imageCodec{}
}

// imagePage yields a reader positioned on one page of the file.
type imagePage func() (io.Reader, error)

// convertImage puts each image (each TIFF page) on its own A4 page, portrait
// or landscape by its aspect, fitted and centred.
func (c *Converter) convertImage(ctx context.Context, input string, opts Options, res *Result) error {
	name := filepath.Base(input)
	f, err := os.Open(input)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	format, codec := codecFor(head[:n])
	if codec.decode == nil {
		return fmt.Errorf("read %s: unknown image format: %w", name, ErrUnsupported)
	}
	pages := []imagePage{func() (io.Reader, error) { return io.NewSectionReader(f, 0, st.Size()), nil }}
	if format == "tiff" {
		ifds, err := tiffPages(f, st.Size())
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		pages = pages[:0]
		for _, off := range ifds {
			pages = append(pages, func() (io.Reader, error) { return newTIFFPage(f, st.Size(), off) })
		}
	}

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: a4Short, H: a4Long}})
	for i, page := range pages {
		if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("convert %s: %w", name, ErrTimeout)
		} else if err != nil {
			return fmt.Errorf("convert %s: %w", name, err)
		}
		where := name
		if len(pages) > 1 {
			where = fmt.Sprintf("%s page %d", name, i+1)
		}
		data, w, h, err := encodePage(page, codec, format, opts)
		if err != nil {
			return fmt.Errorf("read %s: %w", where, err)
		}
		if err := placeImage(pdf, data, w, h); err != nil {
			return fmt.Errorf("convert %s: %v: %w", where, err, ErrCorrupt)
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
	res.Pages = len(pages)
	res.Output, res.Bytes, err = out.commit()
	return err
}

// encodePage checks one page's size before decoding it (a file may declare
// 50 000 × 50 000 pixels in a few bytes), then returns the bytes to embed:
// the original JPEG when re-encoding would not shrink it, a grey or colour
// JPEG for photographs and scans, PNG for images with few colours (text,
// line art, fax), where JPEG would blur and not save.
func encodePage(page imagePage, codec imageCodec, format string, opts Options) ([]byte, int, int, error) {
	r, err := page()
	if err != nil {
		return nil, 0, 0, err
	}
	cfg, err := codec.config(r)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s header: %v: %w", format, err, ErrCorrupt)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, 0, fmt.Errorf("%s: no pixels: %w", format, ErrCorrupt)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > opts.maxPixels() {
		return nil, 0, 0, fmt.Errorf("%w: %d × %d pixels, the limit is %d million",
			ErrTooLarge, cfg.Width, cfg.Height, opts.maxPixels()/1_000_000)
	}
	if r, err = page(); err != nil {
		return nil, 0, 0, err
	}
	var orig []byte
	if format == "jpeg" {
		if orig, err = io.ReadAll(r); err != nil {
			return nil, 0, 0, err
		}
		r = bytes.NewReader(orig)
	}
	img, err := codec.decode(r)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %v: %w", format, err, ErrCorrupt)
	}
	b := img.Bounds()
	img = flatten(img)
	if opts.Grayscale {
		img = toGray(img)
	}
	var buf bytes.Buffer
	if fewColours(img) {
		if err := png.Encode(&buf, img); err != nil {
			return nil, 0, 0, err
		}
		return buf.Bytes(), b.Dx(), b.Dy(), nil
	}
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: opts.quality()}); err != nil {
		return nil, 0, 0, err
	}
	// Keep the original JPEG unless recompressing saves at least a fifth:
	// each re-encoding loses detail (R4, LA 8.3: small, but readable).
	if orig != nil && !opts.Grayscale && jpegPassable(cfg) && int64(buf.Len())*5 > int64(len(orig))*4 {
		return orig, b.Dx(), b.Dy(), nil
	}
	return buf.Bytes(), b.Dx(), b.Dy(), nil
}

// jpegPassable: PDF viewers render grey and YCbCr JPEGs as such; CMYK JPEGs
// (often Adobe-inverted) are re-encoded instead.
func jpegPassable(cfg image.Config) bool {
	return cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel
}

// placeImage adds an A4 page oriented like the image and draws it fitted
// and centred. Images with A4's proportions (scans) fill the page; others
// keep a 1 cm margin.
func placeImage(pdf *gopdf.GoPdf, data []byte, w, h int) error {
	pw, ph := a4Short, a4Long
	if w > h {
		pw, ph = ph, pw
	}
	margin := 28.35
	if ratio := (float64(w) / float64(h)) / (pw / ph); ratio > 0.95 && ratio < 1.05 {
		margin = 0
	}
	scale := min((pw-2*margin)/float64(w), (ph-2*margin)/float64(h))
	dw, dh := float64(w)*scale, float64(h)*scale
	pdf.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: pw, H: ph}})
	holder, err := gopdf.ImageHolderByBytes(data)
	if err != nil {
		return err
	}
	return pdf.ImageByHolder(holder, (pw-dw)/2, (ph-dh)/2, &gopdf.Rect{W: dw, H: dh})
}

// flatten lays a transparent image over white paper and brings deep
// (16-bit) images to 8 bits, which PDF embedding expects.
func flatten(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr, *image.Gray, *image.CMYK:
		return img
	case *image.Paletted:
		if m.Opaque() {
			return img
		}
	case *image.RGBA:
		if m.Opaque() {
			return img
		}
	}
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.White, image.Point{}, draw.Src)
	draw.Draw(dst, b, img, b.Min, draw.Over)
	return dst
}

// toGray keeps only the luminance; for a JPEG that is its Y plane.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	switch src := img.(type) {
	case *image.Gray:
		return src
	case *image.YCbCr:
		g := image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Y[src.YOffset(b.Min.X, y):]
			copy(g.Pix[(y-b.Min.Y)*g.Stride:], row[:b.Dx()])
		}
		return g
	case *image.RGBA:
		g := image.NewGray(b)
		for y := 0; y < b.Dy(); y++ {
			s := src.Pix[y*src.Stride:]
			d := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				r, gg, bb := uint32(s[4*x]), uint32(s[4*x+1]), uint32(s[4*x+2])
				d[x] = uint8((19595*r + 38470*gg + 7471*bb + 1<<15) >> 16)
			}
		}
		return g
	}
	g := image.NewGray(b)
	draw.Draw(g, b, img, b.Min, draw.Src)
	return g
}

// fewColours reports images that PNG keeps exactly and small: palette
// images and grey images with at most 16 levels (bilevel scans, fax).
func fewColours(img image.Image) bool {
	switch m := img.(type) {
	case *image.Paletted:
		return true
	case *image.Gray:
		var seen [256]bool
		levels := 0
		for _, v := range m.Pix {
			if !seen[v] {
				seen[v] = true
				if levels++; levels > 16 {
					return false
				}
			}
		}
		return true
	}
	return false
}
