package compose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/pdfconv"
)

// textPDF converts text to PDF as the client does for R4 (DejaVu, ToUnicode).
func textPDF(t *testing.T, text string) []byte {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "vanban.txt")
	if err := os.WriteFile(in, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c := pdfconv.New(pdfconv.Config{})
	defer c.Close()
	res := c.ConvertFile(context.Background(), in, pdfconv.Options{OutDir: dir})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	b, err := os.ReadFile(res.Output)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPDFText(t *testing.T) {
	b := textPDF(t, "ỦY BAN NHÂN DÂN TỈNH HÀ NAM\nTỐI MẬT\nKính gửi: Sở Nội vụ\nMật khẩu hộp thư")
	got := pdfText(b, 1<<20)
	for _, want := range []string{"ỦY BAN NHÂN DÂN TỈNH HÀ NAM", "TỐI MẬT", "Kính gửi: Sở Nội vụ"} {
		if !strings.Contains(got, want) {
			t.Errorf("pdfText lacks %q: %q", want, got)
		}
	}
}
