package docsign

import (
	"bytes"
	"image/png"
	"testing"

	"golang.org/x/image/font/sfnt"

	"thucongvu/assets"
)

// Decree 30/2020 art. 33: a copy's text is Times New Roman 10; Liberation
// Serif (its metrics) has every Vietnamese letter the stamp may carry, and
// the stamp is drawn, black on transparent, at the copy's size.
func TestR4CopyStampFont(t *testing.T) {
	f, err := sfnt.Parse(assets.LiberationSerif())
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	const vietnamese = "Sở Thông tin và Truyền thông tỉnh Long An ĂÂĐÊÔƠƯăâđêôơư ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ 2026-12-01T09:30:00+07:00"
	for _, r := range vietnamese {
		if r == ' ' {
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			t.Fatalf("no glyph for %q", r)
		}
	}
	name, _ := f.Name(&buf, sfnt.NameIDFull)
	if name != "Liberation Serif" {
		t.Fatalf("font %q", name)
	}
	stamp, err := drawStamp(AsCopy, nil, []string{"Sở Thông tin và Truyền thông tỉnh Long An", "2026-12-01T09:30:00+07:00"}, copyW, copyH)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(stamp))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != int(copyW*stampScale) || b.Dy() != int(copyH*stampScale) {
		t.Fatalf("stamp %v", b)
	}
	ink, clear := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			switch {
			case a == 0:
				clear++
			case a > 0xc000 && r < 0x3000 && g < 0x3000 && bl < 0x3000:
				ink++
			}
		}
	}
	if ink == 0 || clear < ink {
		t.Fatalf("copy stamp: %d black, %d transparent pixels", ink, clear)
	}
}
