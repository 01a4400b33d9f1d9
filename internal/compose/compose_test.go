package compose

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
)

var fullSig = model.Signature{
	Name: "Nguyễn Thị Thanh Hà", Title: "Chuyên viên", Agency: "Sở Thông tin và Truyền thông tỉnh Hà Nam",
	Address: "Số 2 đường Lý Thường Kiệt, phường Lê Hồng Phong, TP. Phủ Lý", Phone: "0226.3852.701",
	Mobile: "0912 345 678", Email: "nguyenthithanhha@hanam.gov.vn", Website: "stttt.hanam.gov.vn",
}

func prof(t *testing.T, id string) profile.Profile {
	p, ok := profile.ByID(id)
	if !ok {
		t.Fatalf("no profile %s", id)
	}
	return p
}

func TestSignatureRules(t *testing.T) {
	p := prof(t, "longan")
	if probs := CheckSignature(fullSig, p); len(probs) != 0 {
		t.Fatalf("complete signature: %+v", probs)
	}
	s := fullSig
	s.Title, s.Phone = "", "abc"
	probs := CheckSignature(s, p)
	if len(probs) != 2 || probs[0] != (FieldProblem{"title", "missing"}) || probs[1] != (FieldProblem{"phone", "invalid"}) {
		t.Fatalf("problems: %+v", probs)
	}
	for phone, ok := range map[string]bool{"0226.3852.701": true, "0912 345 678": true, "+84 912 345 678": true, "(0226) 3852 701": true,
		"12345": false, "0912-345-678-999-1": false, "gọi tôi": false} {
		if ValidPhone(phone) != ok {
			t.Errorf("ValidPhone(%q) = %v", phone, !ok)
		}
	}
}

func TestSignatureNeverPilesUp(t *testing.T) {
	once := WithSignature("Kính gửi anh.", fullSig)
	if strings.Count(once, SignatureDelimiter+"\n") != 1 || !strings.Contains(once, "Điện thoại: 0226.3852.701") {
		t.Fatalf("signed once: %q", once)
	}
	if twice := WithSignature(once, fullSig); twice != once {
		t.Fatalf("signature added twice:\n%s", twice)
	}
	// A reply: the quoted original keeps its own signature; ours appears once above it.
	built, err := Build(Draft{From: model.Address{Address: "nguyenthithanhha@hanam.gov.vn"}, To: []model.Address{{Address: "vp@hanam.gov.vn"}},
		Subject: "Re: Giấy mời", Body: "Tôi sẽ dự họp.", Quoted: "> " + strings.ReplaceAll(once, "\n", "\n> ")}, fullSig, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.Parse(built.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(m.Text, "\n-- \n"); n != 1 {
		t.Fatalf("%d unquoted signatures in reply:\n%s", n, m.Text)
	}
}

func TestBuildRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Báo cáo quý III.pdf")
	os.WriteFile(path, []byte("%PDF-1.4\n"), 0o600)
	decomposed := "Ba\u0301o ca\u0301o" // "Báo cáo" with combining accents
	built, err := Build(Draft{
		From:    model.Address{Name: "Nguyễn Thị Thanh Hà", Address: "nguyenthithanhha@hanam.gov.vn"},
		To:      []model.Address{{Name: "Đỗ Văn Đức", Address: "ducdv@longan.gov.vn"}},
		Bcc:     []model.Address{{Address: "vanthu@hanam.gov.vn"}},
		Subject: decomposed + " quý III", Body: "Kính gửi anh Đức,\nGửi anh báo cáo.",
		Attachments: []Attachment{{Path: path}},
	}, fullSig, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.Parse(built.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Báo cáo quý III" || m.To[0].Name != "Đỗ Văn Đức" || m.From.Name != "Nguyễn Thị Thanh Hà" {
		t.Fatalf("headers: %q %+v %+v", m.Subject, m.To, m.From)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "Báo cáo quý III.pdf" {
		t.Fatalf("attachments: %+v", m.Attachments)
	}
	if !strings.Contains(m.Text, "Chuyên viên") || bytes.Contains(built.Raw, []byte("Bcc:")) {
		t.Fatalf("signature missing or Bcc leaked:\n%s", built.Raw)
	}
	if len(built.Recipients) != 2 || built.MessageID == "" {
		t.Fatalf("envelope: %+v", built)
	}
	os.Remove(path)
	_, err = Build(Draft{From: model.Address{Address: "a@hanam.gov.vn"}, To: []model.Address{{Address: "b@hanam.gov.vn"}},
		Subject: "x", Attachments: []Attachment{{Path: path}}}, fullSig, time.Now())
	if !errors.Is(err, ErrAttachmentGone) || !strings.Contains(err.Error(), "Báo cáo quý III.pdf") {
		t.Fatalf("vanished attachment: %v", err)
	}
}

func docx(text string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte(`<w:document><w:body>` + text + `</w:body></w:document>`))
	zw.Close()
	return buf.Bytes()
}

func findings(t *testing.T, p profile.Profile, sig model.Signature, d Draft) Report {
	t.Helper()
	if d.From.Address == "" {
		d.From = model.Address{Address: "nguyenthithanhha@hanam.gov.vn"}
	}
	if d.To == nil {
		d.To = []model.Address{{Address: "ducdv@longan.gov.vn"}}
	}
	built, err := Build(d, model.Signature{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(Input{Raw: built.Raw, Profile: p, Signature: sig, SignatureAdded: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func codes(r Report) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Rule+":"+f.Severity+":"+f.Code+":"+f.Target)
	}
	return strings.Join(out, " ")
}

func TestPreflight(t *testing.T) {
	hn, st := prof(t, "hanam"), prof(t, "soctrang")
	big := make([]byte, 16<<20)
	for _, tc := range []struct {
		name    string
		p       profile.Profile
		sig     model.Signature
		d       Draft
		blocked bool
		want    []string
	}{
		{"clean", hn, fullSig, Draft{Subject: "Báo cáo tháng 11", Body: "Kính gửi.", Attachments: []Attachment{{Name: "bao-cao.pdf", Data: []byte("%PDF-1.4")}}}, false, nil},
		{"no subject", hn, fullSig, Draft{Body: "x"}, true, []string{"R3:block:subject.missing"}},
		{"long subject", hn, fullSig, Draft{Subject: strings.Repeat("Về việc ", 30)}, false, []string{"R3:warn:subject.long"}},
		{"signature incomplete", prof(t, "longan"), model.Signature{Name: "Hà"}, Draft{Subject: "x"}, true, []string{"R3:block:signature.missing:title"}},
		{"docx offered pdf", hn, fullSig, Draft{Subject: "Giấy mời", Attachments: []Attachment{{Name: "giay moi.docx", Data: docx("Mời họp")}}}, false, []string{"R4:warn:pdf.convert:giay moi.docx"}},
		{"secret subject", hn, fullSig, Draft{Subject: "[MẬT] Kế hoạch bảo vệ"}, true, []string{"R7:block:secret.marked:subject"}},
		{"secret without diacritics", hn, fullSig, Draft{Subject: "Kế hoạch", Body: "TUYET MAT\nNội dung"}, true, []string{"R7:block:secret.marked:body"}},
		{"secret in attachment text", hn, fullSig, Draft{Subject: "Dự thảo", Attachments: []Attachment{{Name: "du-thao.docx", Data: docx("<w:p>TỐI MẬT</w:p><w:p>Nội dung</w:p>")}}}, true, []string{"R7:block:secret.marked:du-thao.docx"}},
		{"ordinary words are not markings", hn, fullSig, Draft{Subject: "Đổi mật khẩu hộp thư", Body: "Giữ bí mật kinh doanh của doanh nghiệp; thân mật."}, false, nil},
		{"webmail warned in HN", hn, fullSig, Draft{Subject: "x", To: []model.Address{{Address: "ai@gmail.com"}}}, false, []string{"R7:warn:webmail.recipient:ai@gmail.com"}},
		{"webmail blocked in ST", st, fullSig, Draft{Subject: "x", To: []model.Address{{Address: "ai@yahoo.com.vn"}}}, true, []string{"R7:block:webmail.recipient:ai@yahoo.com.vn"}},
		{"double extension", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "congvan.pdf.exe", Data: []byte("MZ")}}}, true, []string{"R7:block:attachment.dangerous:congvan.pdf.exe"}},
		{"script", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "hoa-don.js", Data: []byte("x")}}}, true, []string{"R7:block:attachment.dangerous:hoa-don.js"}},
		{"disk image", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "ho so.iso", Data: []byte("CD001")}}}, true, []string{"R7:block:attachment.dangerous:ho so.iso"}},
		{"NTFS stream", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "x.exe::$DATA", Data: []byte("MZ")}}}, true, []string{"R7:block:attachment.dangerous:x.exe::$DATA"}},
		{"device name", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "aux.txt", Data: []byte("x")}}}, true, []string{"R7:block:attachment.dangerous:aux.txt"}},
		{"html warned", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "thu moi.html", Data: []byte("<p>x</p>")}}}, false, []string{"R7:warn:attachment.risky:thu moi.html"}},
		{"macro document warned", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "bang.xlsm", Data: []byte("PK")}}}, false, []string{"R7:warn:attachment.risky:bang.xlsm"}},
		{"over 20 MB after base64", hn, fullSig, Draft{Subject: "x", Attachments: []Attachment{{Name: "scan.pdf", Data: big}}}, true, []string{"R5:block:size.limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := findings(t, tc.p, tc.sig, tc.d)
			got := codes(r)
			if r.Blocked != tc.blocked || r.OK == r.Blocked {
				t.Errorf("blocked = %v, want %v (%s)", r.Blocked, tc.blocked, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got+" ", w) {
					t.Errorf("missing %s in %s", w, got)
				}
			}
			if tc.want == nil && len(r.Findings) != 0 {
				t.Errorf("unexpected findings: %s", got)
			}
			for _, f := range r.Findings {
				if f.Message == "" || f.Message == f.Code {
					t.Errorf("finding %s has no message", f.Code)
				}
			}
		})
	}
}

func TestDangerousNames(t *testing.T) {
	for name, want := range map[string]bool{"congvan.pdf.exe": true, "baocao.docx .scr": true, "a.JS": true, "setup.msi": true,
		"bao-cao.pdf": false, "giay moi.docx": false, "quyet.dinh.so.12.pdf": false, "v1.2.xlsx": false, "anh.jpg": false} {
		if Dangerous(name) != want {
			t.Errorf("Dangerous(%q) = %v", name, !want)
		}
	}
}

// TestDangerLevel: what runs or mounts on Windows is refused, what opens in
// a browser or carries macros is warned (R7, HN 12.8).
func TestDangerLevel(t *testing.T) {
	for name, want := range map[string]string{
		"setup.exe": SeverityBlock, "hinh.svg": SeverityWarn, "thu moi.html": SeverityWarn, "trang.HTM": SeverityWarn,
		"dia.iso": SeverityBlock, "backup.img": SeverityBlock, "may.vhd": SeverityBlock, "may.vhdx": SeverityBlock,
		"trang web.url": SeverityBlock, "loi tat.lnk": SeverityBlock, "huong dan.chm": SeverityBlock, "app.hta": SeverityBlock,
		"addin.xll": SeverityBlock, "addin.xlam": SeverityBlock,
		"bao cao.docm": SeverityWarn, "bang tinh.xlsm": SeverityWarn, "trinh chieu.pptm": SeverityWarn,
		"x.exe::$DATA": SeverityBlock, "bao-cao.pdf:Zone.Identifier": SeverityBlock, "a:b:$DATA": SeverityBlock, "Họp 10:30.pdf": SeverityWarn,
		"CON": SeverityBlock, "aux.txt": SeverityBlock, "COM1.pdf": SeverityBlock, "lpt9.docx": SeverityBlock, "nul": SeverityBlock,
		"setup.exe.": SeverityBlock, "setup.exe  ": SeverityBlock, "congvan.pdf.html": SeverityWarn, "congvan.pdf.iso": SeverityBlock,
		"bao-cao.pdf": "", "giay moi.docx": "", "console.pdf": "", "con cai.pdf": "", "com10.pdf": "", "bang.xlsx": "", "": "",
	} {
		if got := DangerLevel(name); got != want {
			t.Errorf("DangerLevel(%q) = %q, want %q", name, got, want)
		}
		if Dangerous(name) != (want != "") {
			t.Errorf("Dangerous(%q) = %v", name, want == "")
		}
	}
}

func TestFindingSourceIsTheArticle(t *testing.T) {
	for in, want := range map[string]string{"R4 (LA 8.3)": "LA 8.3", "HN 11.7": "HN 11.7", "R4": "", "LA 14.7, LA 8.4": "LA 14.7, LA 8.4"} {
		if got := article(in, "R4"); got != want {
			t.Errorf("article(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPreflightBcc: foreign webmail hidden in Bcc is found, whether the
// .eml still names it in a Bcc header (check) or only the envelope does
// (the built mail sent) (R7, ST 7.5).
func TestPreflightBcc(t *testing.T) {
	st := prof(t, "soctrang")
	d := Draft{From: model.Address{Address: "vanthu@soctrang.gov.vn"}, To: []model.Address{{Address: "ducdv@longan.gov.vn"}},
		Bcc: []model.Address{{Address: "canbo.st@gmail.com"}}, Subject: "Báo cáo", Body: "Kính gửi."}
	built, err := Build(d, fullSig, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(built.Raw), "gmail") {
		t.Fatal("the built mail names its Bcc")
	}
	hdr := append([]byte("Bcc: Can Bo <canbo.st@gmail.com>\r\n"), built.Raw...)
	for name, in := range map[string]Input{
		"envelope":   {Raw: built.Raw, Envelope: built.Recipients},
		"Bcc header": {Raw: hdr},
	} {
		in.Profile, in.Signature, in.SignatureAdded = st, fullSig, true
		r, err := Check(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(r); !r.Blocked || !strings.Contains(got, "R7:block:webmail.recipient:canbo.st@gmail.com") {
			t.Errorf("%s: blocked = %v, findings %s", name, r.Blocked, got)
		}
	}
}
