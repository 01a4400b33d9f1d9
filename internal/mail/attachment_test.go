package mail

import (
	"bytes"
	"os"
	"testing"
)

// TestAttachmentDataMatchesParse: the bytes the reader saves for the i-th
// attachment are the ones Parse counted for it, and an index past the end
// is an error, for real attachments and for the crafted poison mail.
func TestAttachmentDataMatchesParse(t *testing.T) {
	for _, name := range []string{"valid/cong-van-pdf.eml", "valid/giay-moi-image.eml", "valid/zip-documents.eml"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Attachments) == 0 {
			t.Fatalf("%s: no attachment", name)
		}
		for i, a := range m.Attachments {
			data, err := AttachmentData(raw, i)
			if err != nil {
				t.Fatalf("%s #%d: %v", name, i, err)
			}
			if int64(len(data)) != a.Size {
				t.Errorf("%s #%d %s: %d bytes, Parse counted %d", name, i, a.Filename, len(data), a.Size)
			}
			if a.ContentType == "application/pdf" && !bytes.HasPrefix(data, []byte("%PDF")) {
				t.Errorf("%s #%d: not the PDF's bytes: %q", name, i, data[:min(len(data), 8)])
			}
		}
		if _, err := AttachmentData(raw, len(m.Attachments)); err == nil {
			t.Errorf("%s: attachment past the end found", name)
		}
	}
	poison, err := os.ReadFile("testdata/poison-boundaries.eml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AttachmentData(poison, 0); err == nil {
		if m, _ := Parse(poison); m == nil || len(m.Attachments) == 0 {
			t.Error("poison mail: an attachment returned that Parse does not list")
		}
	}
}
