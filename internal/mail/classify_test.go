package mail

import (
	"bufio"
	"strings"
	"testing"

	"github.com/emersion/go-message/textproto"
)

func header(t *testing.T, s string) textproto.Header {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(strings.ReplaceAll(s, "\n", "\r\n") + "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHeaderClassifiers(t *testing.T) {
	tests := []struct {
		name               string
		hdr                string
		auto, list, bounce bool
	}{
		{"plain", "From: a@hanam.gov.vn\n", false, false, false},
		{"auto-submitted no", "Auto-Submitted: no\n", false, false, false},
		{"auto-replied", "Auto-Submitted: auto-replied\n", true, false, false},
		{"auto-generated comment", "Auto-Submitted: auto-generated (vacation)\n", true, false, false},
		{"x-autoreply", "X-Autoreply: yes\n", true, false, false},
		{"x-autorespond", "X-Autorespond: vacation\n", true, false, false},
		{"precedence auto_reply", "Precedence: auto_reply\n", true, false, false},
		{"list-id", "List-Id: <cb.lists.hanam.gov.vn>\n", false, true, false},
		{"list-unsubscribe", "List-Unsubscribe: <mailto:x@y>\n", false, true, false},
		{"precedence bulk", "Precedence: bulk\n", false, true, false},
		{"precedence list", "Precedence: list\n", false, true, false},
		{"null return path", "Return-Path: <>\nFrom: a@hanam.gov.vn\n", false, false, true},
		{"real return path", "Return-Path: <a@hanam.gov.vn>\n", false, false, false},
		{"mailer-daemon", "From: Mail System <MAILER-DAEMON@mx.hanam.gov.vn>\n", false, false, true},
		{"postmaster", "From: postmaster@hanam.gov.vn\n", false, false, true},
		{"report", "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n", false, false, true},
		{"mdn is no bounce", "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\n", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := header(t, tt.hdr)
			if got := AutoSubmitted(h); got != tt.auto {
				t.Errorf("AutoSubmitted = %v", got)
			}
			if got := MailingList(h); got != tt.list {
				t.Errorf("MailingList = %v", got)
			}
			if got := Bounce(h); got != tt.bounce {
				t.Errorf("Bounce = %v", got)
			}
		})
	}
}

func TestIsDocument(t *testing.T) {
	pdf := []Attachment{{Filename: "CV 12.pdf", ContentType: "application/pdf"}}
	jpg := []Attachment{{Filename: "scan.jpg", ContentType: "image/jpeg"}}
	gov := Address{Address: "vanthu@hanam.gov.vn"}
	tests := []struct {
		name    string
		m       Message
		trusted []string
		want    bool
	}{
		{"pdf", Message{From: gov, Attachments: pdf}, nil, true},
		{"signed pdf", Message{From: gov, Attachments: []Attachment{{Filename: "QD.pdf.p7s", ContentType: "application/pkcs7-signature"}}}, nil, true},
		{"docx by type", Message{From: gov, Attachments: []Attachment{{ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}}, nil, true},
		{"zip of xlsx", Message{From: gov, Attachments: []Attachment{{Filename: "a.zip", Contains: []string{"x.xlsx"}}}}, nil, true},
		{"zip of photos", Message{From: gov, Attachments: []Attachment{{Filename: "a.zip", Contains: []string{"x.jpg"}}}}, nil, false},
		{"image with giấy mời", Message{From: gov, Subject: "Giấy mời dự hội nghị", Attachments: jpg}, nil, true},
		{"image with document number", Message{From: gov, Text: "Số: 45/UBND-VP\nV/v họp", Attachments: jpg}, nil, true},
		{"image only", Message{From: gov, Subject: "Ảnh đi chơi", Attachments: jpg}, nil, false},
		{"doc type without attachment", Message{From: gov, Subject: "Công văn số 12"}, nil, false},
		{"trusted domain", Message{From: gov, Attachments: pdf}, []string{"gov.vn"}, true},
		{"untrusted sender", Message{From: Address{Address: "x@gmail.com"}, Attachments: pdf}, []string{"gov.vn"}, false},
		{"lookalike domain", Message{From: Address{Address: "x@evilgov.vn"}, Attachments: pdf}, []string{"gov.vn"}, false},
		{"auto reply", Message{From: gov, Attachments: pdf, AutoSubmitted: true}, nil, false},
		{"list", Message{From: gov, Attachments: pdf, List: true}, nil, false},
		{"bounce", Message{From: gov, Attachments: pdf, Bounce: true}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsDocument(&tt.m, tt.trusted); got != tt.want {
				t.Errorf("IsDocument = %v, want %v", got, tt.want)
			}
		})
	}
	if IsDocument(nil, nil) {
		t.Error("IsDocument(nil)")
	}
}

func TestHeaderTextConvertsLegacyFonts(t *testing.T) {
	// "Báo cáo kết quả" typed in a TCVN3 (.VnTime) font, sent as ISO-8859-1.
	if got := HeaderText("=?iso-8859-1?Q?B=B8o_c=B8o_k=D5t_qu=B6?="); got != "Báo cáo kết quả" {
		t.Fatalf("HeaderText = %q", got)
	}
	if got := HeaderText("Báo cáo kết quả"); got != "Báo cáo kết quả" {
		t.Fatalf("Unicode changed: %q", got)
	}
}
