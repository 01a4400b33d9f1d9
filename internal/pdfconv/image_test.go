package pdfconv

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func encoded(t *testing.T, enc func(*bytes.Buffer, image.Image) error, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := enc(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImages(t *testing.T) {
	need(t, "pdfinfo")
	portrait := scanImage(300, 424)
	landscape := scanImage(500, 300)
	alpha := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for i := range alpha.Pix {
		alpha.Pix[i] = uint8(i)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 120, 160), color.Palette{color.Black, color.White})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 7 % 2)
	}
	multi, err := os.ReadFile("testdata/multipage.tif")
	if err != nil {
		t.Fatal(err)
	}
	webp, err := os.ReadFile("testdata/page.webp")
	if err != nil {
		t.Fatal(err)
	}
	a4 := "595x842"
	a4l := "842x595"
	tests := []struct {
		name  string
		data  []byte
		pages []string // page sizes in points
	}{
		{"scan.jpg", jpegBytes(t, portrait, 90), []string{a4}},
		{"wide.jpg", jpegBytes(t, landscape, 90), []string{a4l}},
		{"alpha.png", encoded(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }, alpha), []string{a4l}},
		{"fax.gif", encoded(t, func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) }, pal), []string{a4}},
		{"scan.bmp", encoded(t, func(b *bytes.Buffer, m image.Image) error { return bmp.Encode(b, m) }, portrait), []string{a4}},
		{"one.tif", encoded(t, func(b *bytes.Buffer, m image.Image) error { return tiff.Encode(b, m, nil) }, landscape), []string{a4l}},
		// Made with tiffcp (libtiff-tools): portrait grey, landscape colour, bilevel; LZW.
		{"multipage.tif", multi, []string{a4, a4l, a4}},
		// A text page rendered by LibreOffice's writer_webp_Export (lossless VP8L).
		{"page.webp", webp, []string{a4}},
	}
	c := New(Config{})
	defer c.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, filepath.Join(dir, tt.name), tt.data)
			res := c.ConvertFile(context.Background(), in, Options{})
			if res.Err != nil {
				t.Fatalf("convert: %v", res.Err)
			}
			want := strings.TrimSuffix(in, filepath.Ext(in)) + ".pdf"
			if res.Output != want || res.Converter != "image" {
				t.Fatalf("output %q by %q, want %q by image", res.Output, res.Converter, want)
			}
			if got := pdfPages(t, res.Output); got != len(tt.pages) || res.Pages != got {
				t.Fatalf("pages: pdfinfo %d, result %d, want %d", got, res.Pages, len(tt.pages))
			}
			if got := pageSizes(t, res.Output, len(tt.pages)); strings.Join(got, " ") != strings.Join(tt.pages, " ") {
				t.Errorf("page sizes %v, want %v", got, tt.pages)
			}
			st, _ := os.Stat(res.Output)
			if st.Size() != res.Bytes || res.BytesSaved != int64(len(tt.data))-res.Bytes {
				t.Errorf("bytes %d (file %d), saved %d", res.Bytes, st.Size(), res.BytesSaved)
			}
		})
	}
}

// imageColours lists the colour space of each image in the PDF (pdfimages).
func imageColours(t *testing.T, path string) []string {
	t.Helper()
	need(t, "pdfimages")
	out, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var cs []string
	for _, line := range strings.Split(string(out), "\n")[2:] {
		if f := strings.Fields(line); len(f) > 5 {
			cs = append(cs, f[5])
		}
	}
	return cs
}

// R4, LA 8.3: colour scanning is not needed; --grayscale makes scans small.
func TestGrayscaleShrinksColourScan(t *testing.T) {
	dir := t.TempDir()
	data := jpegBytes(t, scanImage(827, 1170), 92) // A4 at 100 dpi
	in := writeFile(t, filepath.Join(dir, "Bản chụp màu.jpg"), data)
	c := New(Config{})
	defer c.Close()
	colour := c.ConvertFile(context.Background(), in, Options{OutDir: filepath.Join(dir, "colour")})
	grey := c.ConvertFile(context.Background(), in, Options{OutDir: filepath.Join(dir, "grey"), Grayscale: true})
	if colour.Err != nil || grey.Err != nil {
		t.Fatal(colour.Err, grey.Err)
	}
	if got := imageColours(t, colour.Output); len(got) != 1 || got[0] != "rgb" {
		t.Errorf("colour PDF images %v, want [rgb]", got)
	}
	if got := imageColours(t, grey.Output); len(got) != 1 || got[0] != "gray" {
		t.Errorf("grey PDF images %v, want [gray]", got)
	}
	if grey.Bytes >= colour.Bytes || grey.BytesSaved <= 0 {
		t.Errorf("grey %d bytes (saved %d), colour %d: grey should be smaller", grey.Bytes, grey.BytesSaved, colour.Bytes)
	}
	t.Logf("JPEG %d bytes → colour PDF %d, grey PDF %d", len(data), colour.Bytes, grey.Bytes)
}

// pngHeader makes a PNG whose header declares w × h pixels but that holds
// almost no data: a decompression bomb as far as DecodeConfig can tell.
func pngHeader(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&buf, binary.BigEndian, uint32(len(data)))
		buf.WriteString(typ)
		buf.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&buf, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return buf.Bytes()
}

func TestTIFFPagesRejectsLoops(t *testing.T) {
	// Header → IFD at 8 with 0 entries whose next IFD is 8 again.
	data := []byte("II*\x00\x08\x00\x00\x00\x00\x00\x08\x00\x00\x00")
	_, err := tiffPages(bytes.NewReader(data), int64(len(data)))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("looping IFD chain: %v, want ErrCorrupt", err)
	}
}
