package pdfconv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/testsrv"
)

// On Windows LibreOffice is found under %ProgramFiles% when it is not on
// PATH, and Microsoft Office through its COM class; without either, the
// error says what to install.
func TestFindOfficeOnWindows(t *testing.T) {
	pf := testsrv.TempDir(t)
	t.Setenv("PATH", os.Getenv("SystemRoot")+`\system32`)
	t.Setenv("ProgramW6432", "")
	t.Setenv("ProgramFiles(x86)", "")
	t.Setenv("ProgramFiles", pf)
	if _, err := FindOffice(); !errors.Is(err, ErrNoOffice) {
		t.Fatalf("empty Program Files: %v", err)
	}
	soffice := filepath.Join(pf, "LibreOffice", "program", "soffice.exe")
	if err := os.MkdirAll(filepath.Dir(soffice), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(soffice, []byte("MZ"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := FindOffice(); err != nil || !strings.EqualFold(got, soffice) {
		t.Fatalf("FindOffice = %q, %v; want %q", got, err, soffice)
	}
	// The Windows lane's prefix has no Microsoft Office: COM finds no class.
	if os.Getenv("THUCONGVU_WINE_LANE") == "1" {
		if _, err := newMSOffice(); !errors.Is(err, ErrNoOffice) || !strings.Contains(err.Error(), "Microsoft Office") {
			t.Fatalf("MS Office under Wine: %v", err)
		}
	}
}

// Images and text become PDF in-process on Windows too, no office needed.
func TestConvertImageAndTextOnWindows(t *testing.T) {
	dir := testsrv.TempDir(t)
	txt := writeFile(t, filepath.Join(dir, "công văn.txt"), []byte("Kính gửi: Sở Nội vụ tỉnh Hà Nam\r\nV/v chuyển đổi số.\r\n"))
	jpg := writeFile(t, filepath.Join(dir, "ảnh.jpg"), jpegBytes(t, scanImage(400, 300), 80))
	c := New(Config{})
	defer c.Close()
	for _, in := range []string{txt, jpg} {
		res := c.ConvertFile(context.Background(), in, Options{OutDir: dir})
		if res.Err != nil || res.Pages != 1 {
			t.Fatalf("%s: pages %d, %v", in, res.Pages, res.Err)
		}
		b, err := os.ReadFile(res.Output)
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Fatalf("%s: output %q: %v", in, res.Output, err)
		}
	}
}
