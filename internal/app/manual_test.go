package app

import (
	"testing"

	"thucongvu/internal/ack"
	"thucongvu/internal/mail"
)

// R2: a document whose sender could not be verified is shown in the reader
// as "cần báo nhận thủ công" with the reason the pass recorded.
func TestReaderShowsManualAcknowledgement(t *testing.T) {
	s := newServices(t)
	ctx := t.Context()
	list, err := s.E.Store.Search(ctx, "cong van so 1", "", 1)
	if err != nil || len(list) != 1 {
		t.Fatalf("search: %v %v", list, err)
	}
	sum := list[0]
	raw := "From: vp@hanam.gov.vn\r\nTo: vanthu@hanam.gov.vn\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_1?=\r\n" +
		"Message-ID: <cv1@hanam.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n--b\r\nContent-Type: application/pdf\r\n" +
		"Content-Disposition: attachment; filename=cv1.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
	m, err := mail.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if st := s.ackStatus(ctx, sum, m); !st.Required || st.Manual {
		t.Fatalf("before any pass: %+v", st)
	}
	l, err := s.E.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	const validity = 7
	if err := l.Record(ctx, "vanthu", []ack.Decision{{Folder: "INBOX", UIDValidity: validity, UID: sum.UID, State: ack.StateManual,
		Reason: "unverified-sender", MessageID: "cv1@hanam.gov.vn", Sender: "vp@hanam.gov.vn", Subject: sum.Subject}},
		ack.FolderState{Folder: "INBOX", UIDValidity: validity}); err != nil {
		t.Fatal(err)
	}
	st := s.ackStatus(ctx, sum, m)
	if !st.Manual || st.Reason != "unverified-sender" || st.Sent {
		t.Fatalf("manual acknowledgement not shown: %+v", st)
	}
}
