// Command icongen draws the application icon — a white envelope with a red
// star on a blue tile — and writes assets/icon.png (256×256) and
// assets/icon.ico (256, 48, 32 and 16 pixels, PNG-compressed entries).
// Each size is drawn from the vector shapes, not scaled down, so small sizes
// stay sharp. It is run by hand (`go run ./packaging/icongen`) when the
// design changes; the outputs are committed. It must stay deterministic.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/vector"
)

var (
	tile     = color.RGBA{0x1e, 0x5a, 0xa8, 0xff}
	paper    = color.RGBA{0xff, 0xff, 0xff, 0xff}
	fold     = color.RGBA{0xc9, 0xd6, 0xe8, 0xff}
	starRed  = color.RGBA{0xda, 0x25, 0x1d, 0xff}
	icoSizes = []int{256, 48, 32, 16}
)

func main() {
	out := flag.String("o", "assets", "output folder")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "icongen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	var pngs [][]byte
	for _, n := range icoSizes {
		b, err := encodePNG(Draw(n))
		if err != nil {
			return err
		}
		pngs = append(pngs, b)
	}
	if err := os.WriteFile(filepath.Join(dir, "icon.png"), pngs[0], 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "icon.ico"), ICO(icoSizes, pngs), 0o644)
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Draw renders the icon at n×n pixels on a 256-unit design grid.
func Draw(n int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	s := float32(n) / 256
	fill := func(c color.Color, path func(r *vector.Rasterizer)) {
		r := vector.NewRasterizer(n, n)
		path(r)
		r.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
	// Blue rounded tile.
	fill(tile, func(r *vector.Rasterizer) { roundRect(r, s, 8, 8, 248, 248, 44) })
	// Envelope body.
	fill(paper, func(r *vector.Rasterizer) { roundRect(r, s, 36, 70, 220, 190, 12) })
	// Upper flap: a V from the top corners to the middle.
	fill(fold, func(r *vector.Rasterizer) {
		poly(r, s, [][2]float32{{40, 74}, {128, 142}, {216, 74}, {216, 86}, {128, 154}, {40, 86}})
	})
	// Red five-pointed star on the flap's point.
	fill(starRed, func(r *vector.Rasterizer) { star(r, s, 128, 140, 46) })
	return img
}

func roundRect(r *vector.Rasterizer, s, x0, y0, x1, y1, rad float32) {
	const k = 0.5523 // cubic approximation of a quarter circle
	r.MoveTo(s*(x0+rad), s*y0)
	r.LineTo(s*(x1-rad), s*y0)
	r.CubeTo(s*(x1-rad+k*rad), s*y0, s*x1, s*(y0+rad-k*rad), s*x1, s*(y0+rad))
	r.LineTo(s*x1, s*(y1-rad))
	r.CubeTo(s*x1, s*(y1-rad+k*rad), s*(x1-rad+k*rad), s*y1, s*(x1-rad), s*y1)
	r.LineTo(s*(x0+rad), s*y1)
	r.CubeTo(s*(x0+rad-k*rad), s*y1, s*x0, s*(y1-rad+k*rad), s*x0, s*(y1-rad))
	r.LineTo(s*x0, s*(y0+rad))
	r.CubeTo(s*x0, s*(y0+rad-k*rad), s*(x0+rad-k*rad), s*y0, s*(x0+rad), s*y0)
	r.ClosePath()
}

func poly(r *vector.Rasterizer, s float32, pts [][2]float32) {
	r.MoveTo(s*pts[0][0], s*pts[0][1])
	for _, p := range pts[1:] {
		r.LineTo(s*p[0], s*p[1])
	}
	r.ClosePath()
}

func star(r *vector.Rasterizer, s, cx, cy, outer float32) {
	inner := outer * 0.382 // regular pentagram
	for i := 0; i < 10; i++ {
		rad := outer
		if i%2 == 1 {
			rad = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		x := cx + rad*float32(math.Cos(a))
		y := cy + rad*float32(math.Sin(a))
		if i == 0 {
			r.MoveTo(s*x, s*y)
		} else {
			r.LineTo(s*x, s*y)
		}
	}
	r.ClosePath()
}

// ICO packs PNG images into a Windows icon file (Vista and later read
// PNG-compressed entries at every size).
func ICO(sizes []int, pngs [][]byte) []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&buf, le, [3]uint16{0, 1, uint16(len(pngs))})
	offset := 6 + 16*len(pngs)
	for i, p := range pngs {
		dim := byte(sizes[i])
		if sizes[i] >= 256 {
			dim = 0 // 0 means 256
		}
		buf.Write([]byte{dim, dim, 0, 0})
		binary.Write(&buf, le, [2]uint16{1, 32})
		binary.Write(&buf, le, [2]uint32{uint32(len(p)), uint32(offset)})
		offset += len(p)
	}
	for _, p := range pngs {
		buf.Write(p)
	}
	return buf.Bytes()
}
