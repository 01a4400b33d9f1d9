package compose

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
)

// attachmentData is the text of each attachment, in order.
func attachmentData(raw []byte) []string {
	var out []string
	for _, a := range attachmentTexts(raw) {
		out = append(out, a.Text)
	}
	return out
}

// secretTargets runs preflight on d (Hà Nam profile) and returns the
// targets of its secret.marked findings.
func secretTargets(t *testing.T, d Draft) []string {
	t.Helper()
	r := findings(t, prof(t, "hanam"), fullSig, d)
	var out []string
	for _, f := range r.Findings {
		if f.Code == "secret.marked" {
			out = append(out, f.Target)
		}
	}
	if r.Blocked != (len(out) > 0) {
		t.Errorf("blocked = %v with secret findings %q (%s)", r.Blocked, out, codes(r))
	}
	return out
}

func built(t *testing.T, d Draft) []byte {
	t.Helper()
	d.From, d.To = model.Address{Address: "vanthu@hanam.gov.vn"}, []model.Address{{Address: "ducdv@longan.gov.vn"}}
	b, err := Build(d, model.Signature{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return b.Raw
}

// TestSecretInPDF: R4 makes PDF the normal format; a marking in a PDF's
// text blocks as in a Word file (R7).
func TestSecretInPDF(t *testing.T) {
	secretPDF := textPDF(t, "ỦY BAN NHÂN DÂN TỈNH HÀ NAM\nTỐI MẬT\nKế hoạch bảo vệ")
	plainPDF := textPDF(t, "ỦY BAN NHÂN DÂN TỈNH HÀ NAM\nĐổi mật khẩu hộp thư công vụ\nBảo mật thông tin")
	if got := secretTargets(t, Draft{Subject: "Kế hoạch", Attachments: []Attachment{{Name: "ke-hoach.pdf", Data: secretPDF}}}); !slices.Equal(got, []string{"ke-hoach.pdf"}) {
		t.Errorf("secret PDF: %q", got)
	}
	if got := secretTargets(t, Draft{Subject: "Hướng dẫn", Attachments: []Attachment{{Name: "huong-dan.pdf", Data: plainPDF}}}); got != nil {
		t.Errorf("ordinary PDF blocked: %q", got)
	}
}

// TestSecretInSameNamedAttachments: each attachment is read, even when two
// share a name.
func TestSecretInSameNamedAttachments(t *testing.T) {
	got := secretTargets(t, Draft{Subject: "Báo cáo", Attachments: []Attachment{
		{Name: "bao-cao.docx", Data: docx("<w:p>Nội dung thường</w:p>")},
		{Name: "bao-cao.docx", Data: docx("<w:p>TỐI MẬT</w:p><w:p>Nội dung</w:p>")},
	}})
	if !slices.Equal(got, []string{"bao-cao.docx"}) {
		t.Errorf("second same-named attachment: %q", got)
	}
}

// TestSecretInForwardedOriginal: a forwarded original is read with its
// subject, body and attachments, and the originals it forwards in turn.
func TestSecretInForwardedOriginal(t *testing.T) {
	inner := built(t, Draft{Subject: "Dự thảo", Body: "Gửi anh dự thảo.",
		Attachments: []Attachment{{Name: "du-thao.docx", Data: docx("<w:p>TUYỆT MẬT</w:p><w:p>Phương án</w:p>")}}})
	middle := built(t, Draft{Subject: "Chuyển tiếp", Body: "Xem thư dưới.",
		Attachments: []Attachment{{Name: "Dự thảo.eml", ContentType: "message/rfc822", Data: inner}}})
	bodyOnly := built(t, Draft{Subject: "Thông báo", Body: "Độ mật: Mật\nNội dung thông báo"})
	for name, tc := range map[string]struct {
		att  []Attachment
		want []string
	}{
		"attachment of the original": {[]Attachment{{Name: "Dự thảo.eml", ContentType: "message/rfc822", Data: inner}}, []string{"Dự thảo.eml › du-thao.docx"}},
		"two levels down":            {[]Attachment{{Name: "Chuyển tiếp.eml", ContentType: "message/rfc822", Data: middle}}, []string{"Chuyển tiếp.eml › Dự thảo.eml › du-thao.docx"}},
		"body of the original":       {[]Attachment{{Name: "Thông báo.eml", ContentType: "message/rfc822", Data: bodyOnly}}, []string{"Thông báo.eml"}},
	} {
		got := secretTargets(t, Draft{Subject: "Fwd: x", Body: "Chuyển anh.", Attachments: tc.att})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

// TestForwardNestingBounded: originals forwarded inside each other are
// read to maxForwardDepth levels, no further.
func TestForwardNestingBounded(t *testing.T) {
	raw := built(t, Draft{Subject: "x", Body: "TỐI MẬT"})
	for i := 0; i < 10; i++ {
		raw = built(t, Draft{Subject: "Fwd", Body: "x", Attachments: []Attachment{{Name: "f.eml", ContentType: "message/rfc822", Data: raw}}})
	}
	if n := len(attachmentTexts(raw)); n != maxForwardDepth {
		t.Errorf("%d forwarded originals read, want %d", n, maxForwardDepth)
	}
}

// TestSecretInLegacyWord: a Word file typed in TCVN3 (.VnTime) or VNI
// holds its stamp in legacy characters: "TèI MËT" is TỐI MẬT.
func TestSecretInLegacyWord(t *testing.T) {
	for enc, text := range map[string]string{
		"TCVN3": "T\xe8I M\xcbT\n\xa7\xb7 nh\xcbn \xae\xad\xeec v\xa8n b\xb6n",
		"VNI":   "TO\xc1I MA\xc4T\n\xd1a\xf5 nha\xe4n \xf1\xf6\xf4\xefc va\xean ba\xfbn",
	} {
		s, err := charmap.Windows1252.NewDecoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		var x strings.Builder
		for _, l := range strings.Split(s, "\n") {
			x.WriteString("<w:p><w:r><w:t>" + l + "</w:t></w:r></w:p>")
		}
		got := secretTargets(t, Draft{Subject: "Văn bản", Attachments: []Attachment{{Name: "van-ban.docx", Data: docx(x.String())}}})
		if !slices.Equal(got, []string{"van-ban.docx"}) {
			t.Errorf("%s: %q", enc, got)
		}
	}
}

// TestSecretCorpusThroughPreflight: the corpora of package mail hold in
// every place preflight reads: subject, body, Word and PDF text.
func TestSecretCorpusThroughPreflight(t *testing.T) {
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join("..", "mail", "testdata", "secret", name))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out
	}
	neg := read("negative.txt")
	var pos []string
	for _, l := range read("positive.txt") {
		_, text, _ := strings.Cut(l, "\t")
		pos = append(pos, text)
	}
	var w strings.Builder
	for _, l := range neg {
		w.WriteString("<w:p>" + html.EscapeString(l) + "</w:p>")
	}
	if got := secretTargets(t, Draft{Subject: "Tổng hợp", Body: strings.Join(neg, "\n"), Attachments: []Attachment{
		{Name: "tong-hop.docx", Data: docx(w.String())}, {Name: "tong-hop.pdf", Data: textPDF(t, strings.Join(neg, "\n"))}}}); got != nil {
		t.Errorf("ordinary text blocked in %q", got)
	}
	for _, l := range pos {
		if got := secretTargets(t, Draft{Subject: "Văn bản", Attachments: []Attachment{
			{Name: "van-ban.docx", Data: docx("<w:p>" + html.EscapeString(l) + "</w:p><w:p>Nội dung</w:p>")},
			{Name: "van-ban.pdf", Data: textPDF(t, l+"\nNội dung")}}}); !slices.Equal(got, []string{"van-ban.docx", "van-ban.pdf"}) {
			t.Errorf("%q found in %q", l, got)
		}
	}
}

// TestSecretInOffice97: .doc and .xls (LibreOffice's Word 97 and Excel 97
// output in testdata) are read without a converter: "TỐI MẬT" blocks,
// "mật khẩu", "bảo mật thông tin" do not.
func TestSecretInOffice97(t *testing.T) {
	for file, want := range map[string]bool{"secret.doc": true, "plain.doc": false, "secret.xls": true, "plain.xls": false} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		name := "van ban" + filepath.Ext(file)
		got := secretTargets(t, Draft{Subject: "Văn bản", Attachments: []Attachment{{Name: name, Data: data}}})
		if (got != nil) != want {
			t.Errorf("%s: secret findings %q, want %v", file, got, want)
		}
	}
}

// TestOleTextBounded: the text of an Office 97 file stays within the limit.
func TestOleTextBounded(t *testing.T) {
	data := append(append([]byte{}, oleMagic...), bytes.Repeat([]byte("T\x00\xd0\x1e"), 1<<20)...)
	if got := oleText(data, 4096); len(got) > 4096 {
		t.Errorf("%d bytes for a limit of 4096", len(got))
	}
	if got := oleText([]byte("TỐI MẬT"), 4096); got != "" {
		t.Errorf("not an Office 97 file: %q", got)
	}
}

// FuzzOleText: any bytes after the Office 97 signature yield text within
// the limit, without a panic.
func FuzzOleText(f *testing.F) {
	for _, file := range []string{"secret.doc", "secret.xls"} {
		if b, err := os.ReadFile(filepath.Join("testdata", file)); err == nil {
			f.Add(b[len(oleMagic):])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got := oleText(append(append([]byte{}, oleMagic...), data...), 1<<12); len(got) > 1<<12 {
			t.Fatalf("%d bytes", len(got))
		}
	})
}

// TestSecretInLibreOfficePDF: LibreOffice's PDFs (testdata, from Writer)
// map some glyphs to the wrong cluster ("TỐI" reads "TỐ\uFFFDỈ"); the stamp
// is still found, and the false-positive corpus still passes.
func TestSecretInLibreOfficePDF(t *testing.T) {
	for file, want := range map[string]bool{"secret-libreoffice.pdf": true, "negative-libreoffice.pdf": false} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		got := secretTargets(t, Draft{Subject: "Văn bản", Attachments: []Attachment{{Name: "van-ban.pdf", Data: data}}})
		if (got != nil) != want {
			t.Errorf("%s: secret findings %q, want %v", file, got, want)
		}
	}
}

// TestMemo: a large file's text and a long text's marking are the same
// read again from the memo; the memo keeps its size.
func TestMemo(t *testing.T) {
	var long strings.Builder
	for long.Len() < 2*memoMin {
		long.WriteString("Kính gửi: Sở Nội vụ. Báo cáo tình hình bảo mật thông tin.\n")
	}
	data := []byte("TỐI MẬT\n" + long.String())
	first := cachedText("a.txt", data, 1<<30)
	if again := cachedText("a.txt", data, 1<<30); again != first || secretMarking(first) != mail.SecretToiMat || secretMarking(again) != mail.SecretToiMat {
		t.Fatalf("read again: %d bytes, marking %q", len(again), secretMarking(again))
	}
	if short := cachedText("a.txt", data, 100); len(short) > 100 {
		t.Errorf("remembered text beyond the limit: %d bytes", len(short))
	}
	m := newMemo(3)
	for i := range 10 {
		m.put(memoKey{kind: fmt.Sprint(i)}, "x")
	}
	if len(m.m) != 3 || len(m.order) != 3 {
		t.Errorf("memo holds %d entries, want 3", len(m.m))
	}
	if _, ok := m.get(memoKey{kind: "9"}); !ok {
		t.Error("the last entry is gone")
	}
}

// TestSecretInOfficeParts: a stamp in a Word footer, an Excel sheet's own
// cells or a macro-enabled file's text is read too.
func TestSecretInOfficeParts(t *testing.T) {
	zipWith := func(name, xml string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(name)
		w.Write([]byte(xml))
		zw.Close()
		return buf.Bytes()
	}
	for file, data := range map[string][]byte{
		"a.docx": zipWith("word/footer1.xml", "<w:ftr><w:p><w:t>TỐI MẬT</w:t></w:p></w:ftr>"),
		"b.xlsx": zipWith("xl/worksheets/sheet1.xml", `<worksheet><c t="inlineStr"><is><t>TỐI MẬT</t></is></c></worksheet>`),
		"c.docm": zipWith("word/document.xml", "<w:p><w:t>TỐI MẬT</w:t></w:p>"),
	} {
		if got := secretTargets(t, Draft{Subject: "x", Attachments: []Attachment{{Name: file, Data: data}}}); !slices.Equal(got, []string{file}) {
			t.Errorf("%s: %q", file, got)
		}
	}
}
