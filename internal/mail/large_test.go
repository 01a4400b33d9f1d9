package mail

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// writeLargeMail writes a message with a size-byte attachment to w,
// generating the attachment as it goes so the test itself holds no copy.
func writeLargeMail(w io.Writer, size int) error {
	if _, err := fmt.Fprint(w, "From: vanthu@hanam.gov.vn\r\nTo: sonoivu@hanam.gov.vn\r\n"+
		"Subject: =?utf-8?Q?H=E1=BB=93_s=C6=A1_l=E1=BB=9Bn?=\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Gửi kèm bản scan hồ sơ.\r\n--big\r\nContent-Type: application/pdf\r\n"+
		"Content-Disposition: attachment; filename=\"ho-so-scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"); err != nil {
		return err
	}
	const lineRaw = 57 // 76 base64 characters a line
	raw := make([]byte, lineRaw*1024)
	enc := make([]byte, base64.StdEncoding.EncodedLen(lineRaw)+2)
	x := uint32(2463534242)
	for left := size; left > 0; {
		n := min(len(raw), left)
		for i := range raw[:n] {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			raw[i] = byte(x)
		}
		for off := 0; off < n; off += lineRaw {
			chunk := raw[off:min(off+lineRaw, n)]
			m := base64.StdEncoding.EncodedLen(len(chunk))
			base64.StdEncoding.Encode(enc, chunk)
			enc[m], enc[m+1] = '\r', '\n'
			if _, err := w.Write(enc[:m+2]); err != nil {
				return err
			}
		}
		left -= n
	}
	_, err := fmt.Fprint(w, "--big--\r\n")
	return err
}

func TestParseLargeAttachmentStreams(t *testing.T) {
	const size = 50 << 20
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		err := writeLargeMail(bw, size)
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := ParseReader(pr)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Size != size || m.Attachments[0].Filename != "ho-so-scan.pdf" {
		t.Fatalf("attachments %+v", m.Attachments)
	}
	if m.Subject != "Hồ sơ lớn" || m.Text != "Gửi kèm bản scan hồ sơ." || !m.Document || len(m.Warnings) > 0 {
		t.Errorf("message %+v", m)
	}
	// Streaming: everything allocated during the parse (generator included)
	// stays far below one copy of the attachment.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("parse allocated %d MB for a %d MB attachment", alloc>>20, size>>20)
	}
}

func TestParseUnreadable(t *testing.T) {
	for _, in := range []string{"", "\r\n\r\nbody only", "no header here\njust text\n", "\x00\x01\x02"} {
		if m, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) = %+v, want error", in, m)
		}
	}
}

// repeatReader yields line again and again, n bytes in all.
type repeatReader struct {
	line []byte
	off  int
	n    int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:min(len(p), k+r.n)], r.line[r.off:])
		r.off = (r.off + c) % len(r.line)
		k += c
		r.n -= c
	}
	return k, nil
}

// A 50 MB text or HTML body is cut at maxTextBytes, and the parse costs a
// few times that, not a few times the body.
func TestParseHugeBodyBounded(t *testing.T) {
	const size = 50 << 20
	for _, tc := range []struct{ ct, line string }{
		{"text/plain; charset=utf-8", "Kính gửi các đồng chí: văn bản số 123/UBND về việc triển khai kế hoạch.\r\n"},
		{"text/html; charset=utf-8", "<p>Kính gửi: <b>văn bản</b> số 123/UBND &amp; <a href=\"https://x.vn\">đây</a></p>\r\n"},
	} {
		t.Run(tc.ct, func(t *testing.T) {
			r := io.MultiReader(strings.NewReader("From: a@hanam.gov.vn\r\nSubject: lớn\r\nContent-Type: "+tc.ct+"\r\n\r\n"),
				&repeatReader{line: []byte(tc.line), n: size})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			m, err := ParseReader(r)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Text) == 0 || len(m.Text) > maxTextBytes || len(m.HTML) > maxTextBytes ||
				!slices.Equal(m.Warnings, []string{fmt.Sprintf("text longer than %d MB: cut", maxTextBytes>>20)}) {
				t.Errorf("text %d, html %d bytes, warnings %q", len(m.Text), len(m.HTML), m.Warnings)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("parse allocated %d MB for a %d MB body", alloc>>20, size>>20)
			}
		})
	}
}

// A body cut at the text bound still decodes as declared: the cut falls at
// a line end, or before a broken UTF-8 sequence.
func TestCutClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"một\nhai", "một\n"},
		{"một hai b\xe1\xba", "một hai b"},
		{"một hai bả", "một hai bả"},
		{"abc", "abc"},
		{"\xe1", ""},
	} {
		if got := string(cutClean([]byte(tc.in))); got != tc.want {
			t.Errorf("cutClean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// BenchmarkParseHugeBody: a 50 MB HTML body, as the parse command reads it.
func BenchmarkParseHugeBody(b *testing.B) {
	line := []byte("<p>Kính gửi: <b>văn bản</b> số 123/UBND &amp; <a href=\"https://x.vn\">đây</a></p>\r\n")
	for b.Loop() {
		r := io.MultiReader(strings.NewReader("From: a@hanam.gov.vn\r\nSubject: lớn\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"),
			&repeatReader{line: line, n: 50 << 20})
		if _, err := ParseReader(r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(50 << 20)
	b.ReportAllocs()
}
