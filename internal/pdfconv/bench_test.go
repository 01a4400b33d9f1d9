package pdfconv

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// Run: go test -run '^$' -bench . -benchtime 1x ./internal/pdfconv/

// a4Scan300 is a colour A4 page scanned at 300 dpi, saved as JPEG the way
// scanners do (quality 92).
func a4Scan300(b *testing.B) []byte {
	b.Helper()
	return jpegBytes(b, scanImage(2480, 3508), 92)
}

// BenchmarkImageToPDF: time to put one 300 dpi colour scan on a PDF page.
func BenchmarkImageToPDF(b *testing.B) {
	dir := b.TempDir()
	in := writeFile(b, filepath.Join(dir, "scan.jpg"), a4Scan300(b))
	c := New(Config{})
	defer c.Close()
	for _, grey := range []bool{false, true} {
		b.Run(fmt.Sprintf("grayscale=%v", grey), func(b *testing.B) {
			pages := 0
			start := time.Now()
			for i := 0; i < b.N; i++ {
				res := c.ConvertFile(context.Background(), in, Options{Grayscale: grey, OutDir: b.TempDir()})
				if res.Err != nil {
					b.Fatal(res.Err)
				}
				pages += res.Pages
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(pages), "ms/page")
		})
	}
}

// BenchmarkScanSize: bytes of a 300 dpi colour A4 scan as PDF, in colour and
// with --grayscale (R4, LA 8.3).
func BenchmarkScanSize(b *testing.B) {
	dir := b.TempDir()
	data := a4Scan300(b)
	in := writeFile(b, filepath.Join(dir, "scan.jpg"), data)
	c := New(Config{})
	defer c.Close()
	var colour, grey Result
	for i := 0; i < b.N; i++ {
		colour = c.ConvertFile(context.Background(), in, Options{OutDir: b.TempDir()})
		grey = c.ConvertFile(context.Background(), in, Options{OutDir: b.TempDir(), Grayscale: true})
		if colour.Err != nil || grey.Err != nil {
			b.Fatal(colour.Err, grey.Err)
		}
	}
	b.ReportMetric(float64(len(data)), "scan-jpeg-bytes")
	b.ReportMetric(float64(colour.Bytes), "colour-pdf-bytes")
	b.ReportMetric(float64(grey.Bytes), "grey-pdf-bytes")
	b.ReportMetric(100*float64(len(data)-int(grey.Bytes))/float64(len(data)), "%saved-grey")
}

// BenchmarkOfficeColdVsWarm: ten DOCX in a row, with a new soffice process
// per file (cold) and through the warm instance (its start-up included).
func BenchmarkOfficeColdVsWarm(b *testing.B) {
	fx := officeFixtures(b)
	dir := b.TempDir()
	var docs []string
	for i := range 10 {
		docs = append(docs, copyFixture(b, filepath.Join(fx, "congvan.docx"), dir, fmt.Sprintf("công văn %d.docx", i)))
	}
	run := func(cfg Config) time.Duration {
		c := New(cfg)
		defer c.Close()
		// The private profile is created once, on first use, in both modes:
		// leave it out of the timing.
		if r := c.ConvertFile(context.Background(), docs[0], Options{OutDir: b.TempDir()}); r.Err != nil {
			b.Fatal(r.Err)
		}
		c.lo.mu.Lock()
		c.lo.stopWarm() // warm: the timed run pays the instance's start too
		c.lo.mu.Unlock()
		start := time.Now()
		for _, r := range c.Convert(context.Background(), docs, Options{OutDir: b.TempDir()}, nil) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		return time.Since(start)
	}
	var cold, warm time.Duration
	for i := 0; i < b.N; i++ {
		cold = run(Config{Cold: true})
		warm = run(Config{})
	}
	b.ReportMetric(cold.Seconds(), "cold-s/10docx")
	b.ReportMetric(warm.Seconds(), "warm-s/10docx")
	b.ReportMetric(cold.Seconds()/warm.Seconds(), "warm-speedup-x")
}
