package compose

import (
	"testing"
	"time"

	"thucongvu/internal/model"
)

// FuzzAttachmentData: any mail yields attachment text within
// maxExtracted (plus a line end per office entry), without a panic.
func FuzzAttachmentData(f *testing.F) {
	for _, d := range []Draft{
		{Subject: "Dự thảo", Body: "Kính gửi.", Attachments: []Attachment{{Name: "du-thao.docx", Data: docx("<w:p>TỐI MẬT</w:p>")}}},
		{Subject: "x", Attachments: []Attachment{{Name: "a.txt", Data: []byte("MẬT")}, {Name: "b.pdf", Data: []byte("%PDF-1.4")}}},
	} {
		d.From, d.To = model.Address{Address: "a@hanam.gov.vn"}, []model.Address{{Address: "b@hanam.gov.vn"}}
		built, err := Build(d, model.Signature{}, time.Unix(0, 0))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(built.Raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		total := 0
		for _, text := range attachmentData(raw) {
			total += len(text)
		}
		if total > maxExtracted+maxZipEntries {
			t.Fatalf("%d bytes of attachment text", total)
		}
		_ = rawText(raw)
	})
}

// FuzzExtractText: an office file's text stays within the limit given.
func FuzzExtractText(f *testing.F) {
	f.Add(".docx", docx("<w:p>TỐI MẬT</w:p><w:p>Nội dung</w:p>"), int64(1<<20))
	f.Add(".txt", []byte("MẬT"), int64(2))
	f.Fuzz(func(t *testing.T, ext string, data []byte, limit int64) {
		limit %= 1 << 20
		if text := extractText("f"+ext, data, limit); int64(len(text)) > max(limit, 0)+maxZipEntries {
			t.Fatalf("%d bytes for a limit of %d", len(text), limit)
		}
	})
}
