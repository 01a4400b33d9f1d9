package compose

import (
	"context"
	"fmt"
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

// craftPDF assembles a PDF from objects, with a correct cross-reference table.
func craftPDF(objs ...string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return []byte(b.String())
}

func stream(s string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(s), s)
}

// TestPDFTextHostile: a cyclic page tree, a page without content, broken
// operators and a text flood end within the bounds, with the text read so far.
func TestPDFTextHostile(t *testing.T) {
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	page := func(content string) string {
		return "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents " + content + " >>"
	}
	cyclic := craftPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 9 >>",
		page("5 0 R"), font, stream("BT /F1 12 Tf (MAT) Tj ET"))
	if got := pdfText(cyclic, 1<<20); !strings.Contains(got, "MAT") || len(got) > maxPDFPages*8 {
		t.Errorf("cyclic tree: %d bytes %q", len(got), got[:min(len(got), 40)])
	}
	broken := craftPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		page("5 0 R"), font, stream("BT /F1 Tf (TOI MAT) Tj Tj ' TJ [(x) -500 (y)] TJ ET ("))
	if got := pdfText(broken, 1<<20); !strings.Contains(got, "TOI MAT") {
		t.Errorf("broken operators: %q", got)
	}
	flood := craftPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		page("5 0 R"), font, stream(strings.Repeat("BT (TUYET MAT) Tj ET ", 100000)))
	if got := pdfText(flood, 4096); len(got) > 4096 || !strings.Contains(got, "TUYET MAT") {
		t.Errorf("flood: %d bytes", len(got))
	}
	var bigMap strings.Builder
	bigMap.WriteString("begincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for bigMap.Len() <= maxToUnicode {
		bigMap.WriteString("1 beginbfchar\n<0001> <0041>\nendbfchar\n")
	}
	bigMap.WriteString("endcmap\n")
	hugeMap := craftPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R /F2 6 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 7 0 R >>",
		stream("BT /F1 12 Tf <0001000100010001> Tj ET BT /F2 12 Tf (TOI MAT) Tj ET"), font, stream(bigMap.String()))
	if got := pdfText(hugeMap, 1<<20); strings.Contains(got, "AAAA") || !strings.Contains(got, "TOI MAT") {
		t.Errorf("font with a %d-byte ToUnicode map: %q", bigMap.Len(), got)
	}
	for _, junk := range [][]byte{nil, []byte("%PDF-1.7\n"), []byte("%PDF-1.4\n1 0 obj << /Type /Catalog"), cyclic[:len(cyclic)/2]} {
		_ = pdfText(junk, 1<<20)
	}
}

// FuzzPDFText: any file yields PDF text within the limit, without a panic.
func FuzzPDFText(f *testing.F) {
	f.Add(craftPDF("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>", stream("BT (MAT) Tj ET")))
	f.Fuzz(func(t *testing.T, data []byte) {
		if got := pdfText(data, 1<<16); len(got) > 1<<16 {
			t.Fatalf("%d bytes", len(got))
		}
	})
}

// BenchmarkPreflightReadsAttachments: preflight of a mail with a 40-page
// PDF, a Word file, a Word 97 file and a forwarded original holding them;
// "again" is the compose window's next check, the files' text remembered.
func BenchmarkPreflightReadsAttachments(b *testing.B) {
	t := &testing.T{}
	var long strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&long, "Dòng %d: Ủy ban nhân dân tỉnh báo cáo tình hình thực hiện nhiệm vụ, bảo mật thông tin.\n", i)
	}
	pdfData := textPDF(t, long.String())
	doc, err := os.ReadFile(filepath.Join("testdata", "plain.doc"))
	if err != nil {
		b.Fatal(err)
	}
	atts := []Attachment{{Name: "bao-cao.pdf", Data: pdfData}, {Name: "du-thao.docx", Data: docx("<w:p>" + long.String() + "</w:p>")}, {Name: "cu.doc", Data: doc}}
	inner := built(t, Draft{Subject: "Gốc", Body: "x", Attachments: atts})
	raw := built(t, Draft{Subject: "Fwd", Body: "x", Attachments: append(atts, Attachment{Name: "goc.eml", ContentType: "message/rfc822", Data: inner})})
	p := prof(t, "hanam")
	for _, again := range []bool{false, true} {
		name := map[bool]string{false: "first", true: "again"}[again]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if !again { // every file read anew
					b.StopTimer()
					textCache.reset()
					markCache.reset()
					b.StartTimer()
				}
				if _, err := Check(Input{Raw: raw, Profile: p}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
