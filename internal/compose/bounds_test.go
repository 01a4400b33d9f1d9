package compose

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"

	"thucongvu/internal/mail"
)

// zipBomb is an office file whose slides each inflate to size bytes of
// XML; the first slide carries a secret marking.
func zipBomb(t *testing.T, slides, size int) []byte {
	t.Helper()
	plain := bytes.Repeat([]byte("<a:t>x</a:t>"), size/12)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(plain)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("ppt/slides/slide0.xml")
	w.Write([]byte("<p:sld><a:t>TỐI MẬT</a:t></p:sld>"))
	for i := 1; i <= slides; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("ppt/slides/slide%d.xml", i), Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(plain), CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(len(plain))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}

// TestPreflightZipBomb: a few hundred kilobytes of office file that
// inflate to 64 MB are read only up to maxExtracted; the marking at its
// head is still found (R7).
func TestPreflightZipBomb(t *testing.T) {
	bomb := zipBomb(t, 8, 8<<20)
	if text := extractText("bom.pptx", bomb, maxExtracted); len(text) > maxExtracted+16 || !strings.Contains(text, "TỐI MẬT") {
		t.Fatalf("%d bytes of text from a %d-byte file", len(text), len(bomb))
	}
	r := findings(t, prof(t, "hanam"), fullSig, Draft{Subject: "Báo cáo", Attachments: []Attachment{{Name: "bom.pptx", Data: bomb}}})
	if !strings.Contains(codes(r), "R7:block:secret.marked:bom.pptx") {
		t.Errorf("findings %s", codes(r))
	}
}

// TestPreflightNestingBounded: a mail nested 50,000 multiparts deep (3 MB)
// once piled up 50,000 part readers, each read passing through all of
// them; preflight now reads 20 levels, as mail.Parse does.
func TestPreflightNestingBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	const levels = 50000
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nMẬT\r\n", levels)
	raw := []byte(b.String())
	leaves := 0
	mail.Parts(raw, func(message.Header, io.Reader) bool { leaves++; return true })
	if leaves != 0 {
		t.Errorf("%d parts read below 20 levels", leaves)
	}
	if _, err := Check(Input{Raw: raw, Profile: prof(t, "hanam")}); err != nil {
		t.Fatal(err)
	}
	// `send FILE.eml` reads the user's file with the same bounds.
	if d, err := DraftFromEML(raw); err != nil || d.Body != "" || len(d.Attachments) != 0 {
		t.Errorf("draft of the nested file: body %q, %d attachments, %v", d.Body, len(d.Attachments), err)
	}

	b.Reset()
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "--p\r\nContent-Type: text/plain; name=\"f%d.txt\"\r\nContent-Disposition: attachment\r\n\r\nx\r\n", i)
	}
	b.WriteString("--p--\r\n")
	if n := len(attachmentData([]byte(b.String()))); n != 1000 {
		t.Errorf("%d attachments read, want 1000", n)
	}
}
