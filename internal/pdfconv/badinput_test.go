package pdfconv

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"thucongvu/internal/failure"
)

// makePDF converts a small text file and returns the PDF's path.
func makePDF(t *testing.T, c *Converter, dir, name, text string) string {
	t.Helper()
	in := writeFile(t, filepath.Join(dir, name+".txt"), []byte(text))
	res := c.ConvertFile(context.Background(), in, Options{OutDir: filepath.Join(dir, "made")})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return res.Output
}

// encryptedPDF writes a copy of src that needs the password "matkhau" to open.
func encryptedPDF(t *testing.T, src, dst string) string {
	t.Helper()
	api.DisableConfigDir()
	conf := model.NewAESConfiguration("matkhau", "matkhau", 256)
	if err := api.EncryptFile(src, dst, conf); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Every kind of bad input gets its own clear reason, and the input file is
// left exactly as it was.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	c := New(Config{})
	defer c.Close()
	good := makePDF(t, c, dir, "tốt", "Văn bản hợp lệ")
	goodBytes, _ := os.ReadFile(good)
	cfb := append(append([]byte{}, cfbMagic...), bytes.Repeat([]byte{0}, 600)...)

	tests := []struct {
		name    string
		data    []byte // nil: the file does not exist
		want    error
		wantMsg string
	}{
		{"rỗng.docx", []byte{}, ErrEmpty, "empty"},
		{"rỗng.jpg", []byte{}, ErrEmpty, "empty"},
		{"hỏng.docx", []byte("this is not a zip archive at all, just text"), ErrCorrupt, "hỏng.docx"},
		{"cắt cụt.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00garbage"), ErrCorrupt, "cắt cụt.xlsx"},
		{"hỏng.jpg", []byte("\xFF\xD8\xFF\xE0 not really a jpeg"), ErrCorrupt, "jpeg"},
		{"giả.png", []byte("plain text named .png"), ErrCorrupt, "PNG"},
		{"hỏng.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"), ErrCorrupt, "hỏng.pdf"},
		{"cắt cụt.pdf", goodBytes[:len(goodBytes)/2], ErrCorrupt, "cắt cụt.pdf"},
		{"bom.png", pngHeader(50_000, 50_000), ErrTooLarge, "50000 × 50000"},
		{"có mật khẩu.docx", cfb, ErrEncrypted, "password"},
		{"chương trình.exe", []byte("MZ\x90\x00"), ErrUnsupported, ".exe"},
		{"không có.txt", nil, failure.ErrNotFound, "không có.txt"},
		{"nhị phân.txt", []byte("abc\x00def"), ErrCorrupt, "binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(dir, tt.name)
			if tt.data != nil {
				writeFile(t, in, tt.data)
			}
			res := c.ConvertFile(context.Background(), in, Options{})
			if !errors.Is(res.Err, tt.want) {
				t.Fatalf("err = %v, want %v", res.Err, tt.want)
			}
			if !strings.Contains(res.Err.Error(), tt.wantMsg) {
				t.Errorf("err %q does not say %q", res.Err, tt.wantMsg)
			}
			if res.Output != "" {
				t.Errorf("output %q for a failed file", res.Output)
			}
			if tt.data != nil {
				if got, _ := os.ReadFile(in); !bytes.Equal(got, tt.data) {
					t.Error("input changed")
				}
			}
			if m, _ := filepath.Glob(filepath.Join(dir, strings.TrimSuffix(tt.name, filepath.Ext(tt.name))+"*.pdf")); len(m) > 0 && tt.name != "hỏng.pdf" && tt.name != "cắt cụt.pdf" {
				t.Errorf("left a PDF behind: %v", m)
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".thucongvu-*")); len(m) > 0 {
				t.Errorf("left a temporary file behind: %v", m)
			}
		})
	}
}

func TestPDFPassThrough(t *testing.T) {
	dir := t.TempDir()
	c := New(Config{})
	defer c.Close()
	src := makePDF(t, c, dir, "công văn", "Công văn số 12/UBND\fTrang 2")
	enc := encryptedPDF(t, src, filepath.Join(dir, "mật khẩu.pdf"))

	// Same folder: the PDF itself is the output, untouched.
	res := c.ConvertFile(context.Background(), src, Options{})
	if res.Err != nil || res.Output != src || res.Pages != 2 || res.Converter != "pdf" {
		t.Fatalf("in place: %+v", res)
	}
	// Another folder: an identical copy.
	res = c.ConvertFile(context.Background(), src, Options{OutDir: filepath.Join(dir, "out")})
	if res.Err != nil || res.Pages != 2 {
		t.Fatalf("copy: %+v", res)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(res.Output)
	if !bytes.Equal(a, b) || filepath.Dir(res.Output) != filepath.Join(dir, "out") {
		t.Fatalf("copy %s differs from %s", res.Output, src)
	}
	// Password-protected: a clear reason.
	res = c.ConvertFile(context.Background(), enc, Options{OutDir: filepath.Join(dir, "out")})
	if !errors.Is(res.Err, ErrEncrypted) {
		t.Fatalf("encrypted PDF: %v, want ErrEncrypted", res.Err)
	}
}

// Tests run as root, for whom chmod does not stop writing; an output folder
// is made unwritable by placing it under a regular file (ENOTDIR) or in /proc.
func TestUnwritableOutputFolder(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "Tờ trình số 5.txt"), []byte("Tờ trình"))
	blocker := writeFile(t, filepath.Join(dir, "a file"), []byte("x"))
	c := New(Config{})
	defer c.Close()
	for _, out := range []string{filepath.Join(blocker, "out"), "/proc/thucongvu-out", "/proc/self"} {
		res := c.ConvertFile(context.Background(), in, Options{OutDir: out})
		if !errors.Is(res.Err, ErrOutput) {
			t.Errorf("out %s: %v, want ErrOutput", out, res.Err)
		}
	}
	if got, _ := os.ReadFile(in); string(got) != "Tờ trình" {
		t.Fatal("input changed")
	}
}

// An existing file (an input above all) is never overwritten: the new PDF
// takes the next free name.
func TestNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	c := New(Config{})
	defer c.Close()
	old := writeFile(t, filepath.Join(dir, "Báo cáo.pdf"), []byte("not ours"))
	in := writeFile(t, filepath.Join(dir, "Báo cáo.txt"), []byte("Báo cáo quý"))
	res := c.ConvertFile(context.Background(), in, Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if want := filepath.Join(dir, "Báo cáo (2).pdf"); res.Output != want {
		t.Fatalf("output %q, want %q", res.Output, want)
	}
	if got, _ := os.ReadFile(old); string(got) != "not ours" {
		t.Fatal("existing file overwritten")
	}
}

// Many files at once: results in input order, a failure does not stop the
// others, progress reports each start and each finish.
func TestConvertParallelWithProgress(t *testing.T) {
	dir := t.TempDir()
	var inputs []string
	for i, name := range []string{"một.txt", "hai.txt", "ba.jpg", "bốn.txt", "năm.txt", "sáu.txt"} {
		data := []byte("Tệp số " + name)
		if strings.HasSuffix(name, ".jpg") {
			data = jpegBytes(t, scanImage(100+i, 141), 80)
		}
		inputs = append(inputs, writeFile(t, filepath.Join(dir, name), data))
	}
	inputs = append(inputs, filepath.Join(dir, "thiếu.txt")) // missing
	c := New(Config{})
	defer c.Close()
	var events []Progress
	results := c.Convert(context.Background(), inputs, Options{Workers: 3, OutDir: filepath.Join(dir, "pdf")}, func(p Progress) {
		events = append(events, p) // serialised by Convert
	})
	if len(results) != len(inputs) {
		t.Fatalf("%d results for %d inputs", len(results), len(inputs))
	}
	for i, r := range results {
		if r.Input != inputs[i] {
			t.Errorf("result %d is for %s", i, r.Input)
		}
		if wantErr := i == len(inputs)-1; (r.Err != nil) != wantErr {
			t.Errorf("%s: err %v", r.Input, r.Err)
		}
		if r.Err == nil && pdfPages(t, r.Output) != 1 {
			t.Errorf("%s: bad PDF", r.Output)
		}
	}
	if len(events) != 2*len(inputs) {
		t.Fatalf("%d progress events, want %d", len(events), 2*len(inputs))
	}
	last := events[len(events)-1]
	if last.Done != len(inputs) || last.Total != len(inputs) || last.Result == nil {
		t.Fatalf("last progress %+v", last)
	}
}
