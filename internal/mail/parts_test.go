package mail

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

func TestPartsDecodedAndBounded(t *testing.T) {
	raw, err := os.ReadFile("testdata/valid/cong-van-pdf.eml")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var text string
	Parts(raw, func(h message.Header, body io.Reader) bool {
		ct, _, _ := h.ContentType()
		types = append(types, ct)
		if ct == "text/plain" {
			b, _ := io.ReadAll(body)
			text = string(b)
		}
		return true
	})
	if strings.Join(types, " ") != "text/plain application/pdf" || !strings.Contains(text, "Ủy ban nhân dân tỉnh Hà Nam gửi kèm") {
		t.Errorf("parts %q, text %q", types, text)
	}

	count := func(raw string) (n int) {
		Parts([]byte(raw), func(message.Header, io.Reader) bool { n++; return true })
		return n
	}
	var b strings.Builder
	b.WriteString("Subject: deep\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
	}
	b.WriteString("--b10000\r\nContent-Type: text/plain\r\n\r\nđáy\r\n")
	if n := count(b.String()); n != 0 {
		t.Errorf("%d parts read below %d levels", n, maxDepth)
	}
	b.Reset()
	b.WriteString("Subject: many\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for i := 0; i < 3000; i++ {
		b.WriteString("--p\r\nContent-Type: text/plain\r\n\r\nx\r\n")
	}
	if n := count(b.String() + "--p--\r\n"); n != maxParts {
		t.Errorf("%d parts read, want %d", n, maxParts)
	}
}
