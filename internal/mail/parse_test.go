package mail

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// expect holds what one testdata message must decode to; zero fields are
// not checked except the booleans and Secret/LegacyEncoding, which always are.
type expect struct {
	subject     string
	from        Address
	to          []string // addresses
	date        string
	messageID   string
	textHas     []string
	textNot     []string
	legacy      string
	attachments []Attachment
	auto, list  bool
	bounce, doc bool
	secret      string
	warnHas     []string // substrings, one warning each (malformed only)
	check       func(t *testing.T, m *Message)
}

var validMail = map[string]expect{
	"cong-van-pdf.eml": {
		subject:     "Công văn số 123/UBND-VP về việc triển khai kế hoạch chuyển đổi số năm 2024",
		from:        Address{"Văn thư UBND tỉnh Hà Nam", "vanthu@hanam.gov.vn"},
		to:          []string{"sonoivu@hanam.gov.vn", "stttt@hanam.gov.vn"},
		date:        "2024-03-04T08:15:00+07:00",
		messageID:   "20240304081500.123@mail.hanam.gov.vn",
		textHas:     []string{"Ủy ban nhân dân tỉnh Hà Nam gửi kèm", "\"đã nhận được văn bản\""},
		attachments: []Attachment{{Filename: "Công văn 123-UBND.pdf", ContentType: "application/pdf", Size: 193}},
		doc:         true,
		check: func(t *testing.T, m *Message) {
			if len(m.Cc) != 1 || m.Cc[0].Address != "ubndkb@hanam.gov.vn" || m.To[0].Name != "Sở Nội vụ" {
				t.Errorf("cc/to names: %+v %+v", m.Cc, m.To)
			}
			if m.ReturnPath != "<vanthu@hanam.gov.vn>" {
				t.Errorf("return path %q", m.ReturnPath)
			}
		},
	},
	"windows-1258.eml": {
		subject: "Đã nhận",
		textHas: []string{"Kính gửi anh Nguyễn Văn Bình,", "Đã nhận được văn bản số 45/SNV-TCBC. Ủy ban nhân dân tỉnh Hà Nam"},
		legacy:  LegacyCP1258,
	},
	"iso-8859-1.eml": {
		subject: "Réunion à Paris",
		from:    Address{"Marie Dupont", "marie@example.fr"},
		textHas: []string{"La réunion aura lieu à Paris, salle Molière, à 14h."},
	},
	"rfc2047-split-subject.eml": {
		subject: "Giấy mời họp giao ban tuần 10 tại phòng họp số 2 UBND huyện Kim Bảng",
		from:    Address{"Phòng Nội vụ", "pnv@kimbang.hanam.gov.vn"},
		to:      []string{"thult@hanam.gov.vn", "namtv@hanam.gov.vn"},
		check: func(t *testing.T, m *Message) {
			if m.To[0].Name != "Lê Thị Thu" || m.To[1].Name != "Tran, Van Nam" {
				t.Errorf("names %+v", m.To)
			}
		},
	},
	"raw-utf8-header.eml": {
		subject: "Báo cáo tình hình thực hiện nhiệm vụ tháng 3",
		from:    Address{"Nguyễn Thị Thanh Hà", "nguyenthithanhha@hanam.gov.vn"},
		to:      []string{"vanthu@molisa.gov.vn"},
	},
	"long-header.eml": {
		subject: "Re: Re: Re: Lịch công tác tuần",
		textHas: []string{"Đồng ý."},
		check: func(t *testing.T, m *Message) {
			if len(m.References) != 400 || m.References[399] != "ref0399.thread@longan.gov.vn" || m.InReplyTo != m.References[399] {
				t.Errorf("references: %d, in-reply-to %q", len(m.References), m.InReplyTo)
			}
		},
	},
	"bounce.eml": {
		from:        Address{"Mail Delivery System", "MAILER-DAEMON@mail.longan.gov.vn"},
		textHas:     []string{"user unknown"},
		attachments: []Attachment{{ContentType: "message/delivery-status", Size: 125}, {ContentType: "text/rfc822-headers", Size: 75}},
		auto:        true, bounce: true,
	},
	"list.eml": {
		subject:     "Bản tin chuyển đổi số số 12",
		attachments: []Attachment{{Filename: "ban-tin-12.pdf", ContentType: "application/pdf", Size: 193}},
		list:        true,
	},
	"auto-reply.eml": {
		subject: "Trả lời tự động: Công văn số 123/UBND-VP",
		textHas: []string{"đi công tác"},
		auto:    true,
	},
	"tcvn3.eml": {
		subject: "Văn bản đã nhận",
		textHas: []string{"Kính gửi: Phòng Tổ chức cán bộ\nĐã nhận được văn bản. Sở Nội vụ tỉnh Hà Nam đề nghị các đơn vị thực hiện đúng thời hạn."},
		legacy:  LegacyTCVN3,
	},
	"vni.eml": {
		textHas: []string{"Kính gửi: Ủy ban nhân dân tỉnh Hà Nam\nĐã nhận được văn bản số 45. Xin chào các bạn."},
		legacy:  LegacyVNI,
	},
	"viqr.eml": {
		subject: "Đã nhận được văn bản",
		textHas: []string{"Đã nhận được văn bản số 12 của Ủy ban nhân dân tỉnh.\nXin cảm ơn."},
		legacy:  LegacyVIQR,
	},
	"html-only.eml": {
		subject: "Thông báo lịch nghỉ Tết",
		textHas: []string{"Kính gửi toàn thể cán bộ,", "Lịch nghỉ Tết Nguyên đán như sau:", "- Từ ngày 8/2\n- Đến hết ngày 14/2", "Trân trọng & cảm ơn."},
		textNot: []string{"<p>", "alert", "color:red"},
		check: func(t *testing.T, m *Message) {
			if !strings.Contains(m.HTML, "<ul>") {
				t.Errorf("html not kept: %q", m.HTML)
			}
		},
	},
	"secret-subject.eml": {
		subject:     "[MẬT] Báo cáo tình hình an ninh quý I",
		attachments: []Attachment{{Filename: "BC_MAT_quy1.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 20}},
		doc:         true,
		secret:      SecretMat,
	},
	"giay-moi-image.eml": {
		subject:     "Giấy mời họp về công tác cải cách hành chính",
		attachments: []Attachment{{Filename: "giay-moi.jpg", ContentType: "image/jpeg", Size: 20}},
		doc:         true,
	},
	"zip-documents.eml": {
		attachments: []Attachment{{Filename: "ho-so.zip", ContentType: "application/zip", Size: 262, Contains: []string{"Kế hoạch 2024.docx", "phu-luc.xlsx"}}},
		doc:         true,
	},
	"plain-chat.eml": {
		subject: "Chiều nay đi ăn không?",
		from:    Address{"Lê Văn Tám", "tamlv@longan.gov.vn"},
		textHas: []string{"mật khẩu wifi"},
	},
}

var malformedMail = map[string]expect{
	"unknown-charset.eml": {
		subject: "Thông báo",
		textHas: []string{"Thông báo họp chi bộ."},
		warnHas: []string{`unknown charset "x-unknown"`},
	},
	"unknown-charset-8bit.eml": {
		textHas: []string{"Đã nhận được văn bản."},
		legacy:  LegacyCP1258,
		warnHas: []string{`unknown charset "x-viet-unknown"`},
	},
	"broken-boundary.eml": {
		subject:     "Quyết định khen thưởng",
		textHas:     []string{"Gửi quyết định khen thưởng."},
		attachments: []Attachment{{Filename: "QD-khen-thuong.pdf", ContentType: "application/pdf", Size: 193}},
		doc:         true,
		warnHas:     []string{`used "actual-boundary"`},
	},
	"missing-boundary.eml": {
		textHas: []string{"Nội dung thư không có ranh giới MIME."},
		warnHas: []string{"body read as plain text"},
	},
	"missing-end-boundary.eml": {
		textHas:     []string{"Thư bị cắt giữa chừng."},
		attachments: []Attachment{{Filename: "bao-cao.pdf", ContentType: "application/pdf", Size: 193}},
		doc:         true,
		warnHas:     []string{"closing boundary missing"},
	},
	"broken-base64.eml": {
		textHas:     []string{"Kính gửi báo cáo tháng."},
		attachments: []Attachment{{Filename: "hong.pdf", ContentType: "application/pdf", Size: 90}},
		doc:         true,
		warnHas:     []string{"broken base64 text", `attachment "hong.pdf"`},
	},
	"broken-qp.eml": {
		textHas: []string{"Giấy mời họp =ZZ 100=% tiếp theo"},
		warnHas: []string{"quoted-printable"},
	},
	"bad-address.eml": {
		from:    Address{"Nguyễn Văn A", "nva@hanam.gov.vn"},
		to:      []string{"nvb@hanam.gov.vn", "tc@hanam.gov.vn"},
		warnHas: []string{"From: malformed", "To: malformed"},
	},
	"bad-date.eml": {
		textHas: []string{"Ngày sai."},
		warnHas: []string{"Date: unreadable"},
		check: func(t *testing.T, m *Message) {
			if m.Date != "" {
				t.Errorf("date %q, want empty", m.Date)
			}
		},
	},
	"header-garbage-line.eml": {
		subject: "garbage",
		to:      []string{"b@hanam.gov.vn"},
		warnHas: []string{"1 malformed line"},
	},
	"invalid-utf8.eml": {
		textHas: []string{"Ủy ban nhân dân tỉnh Hà Nam."},
		legacy:  LegacyCP1258,
		warnHas: []string{"invalid UTF-8"},
	},
	"raw-8bit-cp1258-header.eml": {
		subject: "Kế hoạch tháng 4",
		from:    Address{"Trần Thị Hoa", "hoa@soctrang.gov.vn"},
		warnHas: []string{"Subject: raw 8-bit", "From: raw 8-bit"},
	},
}

func TestParseTestdata(t *testing.T) {
	for _, dir := range []string{"valid", "malformed"} {
		table := validMail
		if dir == "malformed" {
			table = malformedMail
		}
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.eml"))
		if err != nil || len(files) != len(table) {
			t.Fatalf("%s: %d files for %d expectations (%v)", dir, len(files), len(table), err)
		}
		for _, file := range files {
			name := filepath.Base(file)
			t.Run(dir+"/"+name, func(t *testing.T) {
				want, ok := table[name]
				if !ok {
					t.Fatalf("no expectation for %s", name)
				}
				raw, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				m, err := Parse(raw)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				checkMessage(t, m, want)
				if dir == "valid" && len(m.Warnings) > 0 {
					t.Errorf("valid mail has warnings: %q", m.Warnings)
				}
				if dir == "malformed" && len(m.Warnings) == 0 {
					t.Errorf("malformed mail repaired without a warning")
				}
			})
		}
	}
}

func checkMessage(t *testing.T, m *Message, want expect) {
	t.Helper()
	if want.subject != "" && m.Subject != want.subject {
		t.Errorf("subject %q, want %q", m.Subject, want.subject)
	}
	if want.from != (Address{}) && m.From != want.from {
		t.Errorf("from %+v, want %+v", m.From, want.from)
	}
	if want.to != nil {
		var got []string
		for _, a := range m.To {
			got = append(got, a.Address)
		}
		if !slices.Equal(got, want.to) {
			t.Errorf("to %q, want %q", got, want.to)
		}
	}
	if want.date != "" && m.Date != want.date {
		t.Errorf("date %q, want %q", m.Date, want.date)
	}
	if want.messageID != "" && m.MessageID != want.messageID {
		t.Errorf("message-id %q, want %q", m.MessageID, want.messageID)
	}
	for _, s := range want.textHas {
		if !strings.Contains(m.Text, s) {
			t.Errorf("text lacks %q:\n%s", s, m.Text)
		}
	}
	for _, s := range want.textNot {
		if strings.Contains(m.Text, s) {
			t.Errorf("text has %q:\n%s", s, m.Text)
		}
	}
	if m.LegacyEncoding != want.legacy {
		t.Errorf("legacy_encoding %q, want %q", m.LegacyEncoding, want.legacy)
	}
	if want.attachments != nil || len(m.Attachments) > 0 {
		if len(m.Attachments) != len(want.attachments) {
			t.Errorf("attachments %+v, want %+v", m.Attachments, want.attachments)
		} else {
			for i, a := range m.Attachments {
				w := want.attachments[i]
				if a.Filename != w.Filename || a.ContentType != w.ContentType || a.Size != w.Size || !slices.Equal(a.Contains, w.Contains) {
					t.Errorf("attachment %d = %+v, want %+v", i, a, w)
				}
			}
		}
	}
	if m.AutoSubmitted != want.auto || m.List != want.list || m.Bounce != want.bounce || m.Document != want.doc {
		t.Errorf("auto/list/bounce/document = %v/%v/%v/%v, want %v/%v/%v/%v",
			m.AutoSubmitted, m.List, m.Bounce, m.Document, want.auto, want.list, want.bounce, want.doc)
	}
	if m.Secret != want.secret {
		t.Errorf("secret %q, want %q", m.Secret, want.secret)
	}
	for _, s := range want.warnHas {
		found := false
		for _, w := range m.Warnings {
			found = found || strings.Contains(w, s)
		}
		if !found {
			t.Errorf("no warning with %q in %q", s, m.Warnings)
		}
	}
	if want.check != nil {
		want.check(t, m)
	}
	for _, s := range append([]string{m.Subject, m.Text, m.From.Name}, m.Warnings...) {
		if !isNFC(s) {
			t.Errorf("not NFC: %q", s)
		}
	}
}

func isNFC(s string) bool { return norm.NFC.IsNormalString(s) }
