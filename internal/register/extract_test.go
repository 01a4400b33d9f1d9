package register

import "testing"

// TestExtractOrderOfTrust: the subject wins over the body's "Số:" line,
// which wins over the attached document, then the file name (HN 9.2).
func TestExtractOrderOfTrust(t *testing.T) {
	cases := []struct {
		name string
		src  Source
		want Fields
	}{
		{"subject", Source{Subject: "Công văn số 1234/STTTT-BCVT ngày 15/11/2026 V/v chữ ký số",
			Body: "Số: 99/UBND-VP\nHà Nam, ngày 01 tháng 10 năm 2026"},
			Fields{DocNumber: "1234/STTTT-BCVT", DocDate: "2026-11-15", DocType: "Công văn", From: "subject"}},
		{"body number line, not the references", Source{Subject: "Ban hành quy chế",
			Body: "ỦY BAN NHÂN DÂN\nSố: 45/2026/QĐ-UBND\nHà Nam, ngày 20 tháng 11 năm 2026\nCăn cứ Quyết định số 12/2020/QĐ-UBND ngày 01 tháng 02 năm 2020;"},
			Fields{DocNumber: "45/2026/QĐ-UBND", DocDate: "2026-11-20", DocType: "Quyết định", From: "body"}},
		{"references only", Source{Subject: "Góp ý",
			Body: "Căn cứ Công văn số 12/TB-UBND ngày 03 tháng 3 năm 2026;\nĐề nghị góp ý."},
			Fields{}},
		{"attachment text", Source{Subject: "Giấy mời họp", Attachments: []AttachmentText{{Name: "gm.docx",
			Text: "SỞ TT&TT\nSố: 88/GM-STTTT\nLong An, ngày 02 tháng 12 năm 2026\n"}}},
			Fields{DocNumber: "88/GM-STTTT", DocDate: "2026-12-02", DocType: "Giấy mời", From: "attachment"}},
		{"file name", Source{Subject: "Gửi kế hoạch", Attachments: []AttachmentText{{Name: "77_KH-UBND.pdf"}}},
			Fields{DocNumber: "77/KH-UBND", DocType: "Kế hoạch", From: "filename"}},
		{"no number", Source{Subject: "Thông báo lịch công tác tuần", Body: "Kính gửi các phòng."},
			Fields{DocType: "Thông báo"}},
		{"malformed dates", Source{Subject: "Số 5/TB-VP ngày 31/02/2026", Body: "Hà Nội, ngày 45 tháng 13 năm 2026"},
			Fields{DocNumber: "5/TB-VP", DocType: "Thông báo", From: "subject"}},
		{"a date is no number", Source{Subject: "Họp ngày 15/11/2026"}, Fields{DocDate: "2026-11-15"}},
	}
	for _, c := range cases {
		if got := Extract(c.src); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestSummary(t *testing.T) {
	for in, want := range map[string]string{
		"Fwd: Công văn số 12/UBND-VP V/v triển khai chữ ký số": "triển khai chữ ký số",
		"Re: TL: Báo cáo quý III":                              "Báo cáo quý III",
		"V/v":                                                  "V/v",
	} {
		if got := Summary(in); got != want {
			t.Errorf("Summary(%q) = %q, want %q", in, got, want)
		}
	}
}
