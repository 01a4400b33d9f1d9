package register

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract: any subject, body and file name is read within bounds, and
// whatever is found is well formed.
func FuzzExtract(f *testing.F) {
	f.Add("Công văn số 1234/STTTT-BCVT ngày 15/11/2026", "Số: 45/2026/QĐ-UBND\nCăn cứ 12/TB-UBND", "45_2026_QĐ-UBND.pdf")
	f.Add("", "Hà Nam, ngày 31 tháng 02 năm 2026", "x")
	f.Add("V/v", strings.Repeat("Số: 1/", 1000), strings.Repeat("_", 300))
	f.Fuzz(func(t *testing.T, subject, body, name string) {
		got := Extract(Source{Subject: subject, Body: body, Attachments: []AttachmentText{{Name: name, Text: body}}})
		if got.DocDate != "" && !ValidDate(got.DocDate) {
			t.Fatalf("malformed date %q", got.DocDate)
		}
		if len(got.DocNumber) > 120 || !utf8.ValidString(got.DocNumber) || strings.ContainsAny(got.DocNumber, "\n\r") {
			t.Fatalf("number %q", got.DocNumber)
		}
		if (got.DocNumber == "") != (got.From == "") {
			t.Fatalf("number %q from %q", got.DocNumber, got.From)
		}
		Summary(subject)
	})
}
