package mail

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"thucongvu/internal/demo"
)

// seedMails are the test mails and the demo corpus.
func seedMails(f *testing.F) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.eml"))
	top, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	files = append(files, top...)
	if len(files) == 0 {
		f.Fatal("no testdata")
	}
	var out [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	for _, m := range demo.Messages(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) {
		out = append(out, m.Raw)
	}
	return out
}

func seedTestdata(f *testing.F) {
	for _, raw := range seedMails(f) {
		f.Add(raw)
	}
}

// seedTexts adds the subjects, texts and HTML bodies of the seed mails.
func seedTexts(f *testing.F) {
	for _, raw := range seedMails(f) {
		if m, err := Parse(raw); err == nil {
			for _, s := range []string{m.Subject, head(m.Text, 4<<10), head(m.HTML, 16<<10)} {
				if s != "" {
					f.Add(s)
				}
			}
		}
	}
}

// FuzzParse: any input parses without a panic, into valid UTF-8, with
// output bounded by the input (charset and legacy decoding may triple a
// byte, NFC may triple a rune) plus the fixed per-part and warning costs.
func FuzzParse(f *testing.F) {
	seedTestdata(f)
	for _, raw := range poisonVariants(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		texts := []string{m.Subject, m.Text, m.HTML}
		for _, a := range append(append([]Address{m.From}, m.To...), m.Cc...) {
			texts = append(texts, a.Name, a.Address)
		}
		for _, a := range m.Attachments {
			texts = append(texts, a.Filename)
			texts = append(texts, a.Contains...)
		}
		for _, s := range append(texts, m.Warnings...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in output: %q", s)
			}
		}
		if _, ok := secretRank[m.Secret]; !ok {
			t.Fatalf("unknown secret level %q", m.Secret)
		}
		for _, a := range m.Attachments {
			if a.Size < 0 {
				t.Fatalf("negative size %d", a.Size)
			}
		}
		if n, limit := outputSize(m), 10*len(raw)+(64<<10); n > limit {
			t.Fatalf("%d bytes out of %d in (limit %d)", n, len(raw), limit)
		}
		if len(m.Attachments) > maxParts || len(m.Warnings) > maxWarnings {
			t.Fatalf("%d attachments, %d warnings", len(m.Attachments), len(m.Warnings))
		}
	})
}

// outputSize is the number of bytes of text a parse produced.
func outputSize(m *Message) int {
	n := len(m.Subject) + len(m.Text) + len(m.HTML) + len(m.Date) + len(m.MessageID) + len(m.InReplyTo) + len(m.ReturnPath)
	for _, a := range append(append([]Address{m.From}, m.To...), m.Cc...) {
		n += len(a.Name) + len(a.Address)
	}
	for _, s := range append(m.References, m.Warnings...) {
		n += len(s)
	}
	for _, a := range m.Attachments {
		n += len(a.Filename) + len(a.ContentType)
		for _, c := range a.Contains {
			n += len(c)
		}
	}
	return n
}

// FuzzHTMLToText: the reader's plain rendering of HTML never grows past
// twice the input (an entity expands to at most two runes), and stays
// valid UTF-8.
func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{"<p>Kính gửi</p><ul><li>một<li>hai</ul>", "<table><tr><td>a<td>b</table>", "&nGt;&lt;<br><br/>", "<script>x</script>y"} {
		f.Add(s)
	}
	seedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlToText(s)
		if len(out) > 2*len(s)+16 {
			t.Fatalf("%d bytes out of %d", len(out), len(s))
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
	})
}

func FuzzSecretMarking(f *testing.F) {
	for _, s := range []string{"MẬT", "[TỐI MẬT] Kế hoạch", "Độ mật: Tuyệt mật", "mật khẩu", "bảo mật thông tin", "TOI MAT", "BC_MAT_2024.pdf"} {
		f.Add(s)
	}
	seedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		level := Strongest(SecretMarking(s), SecretInFilename(s))
		if _, ok := secretRank[level]; !ok {
			t.Fatalf("unknown level %q", level)
		}
	})
}

func FuzzDecodeLegacy(f *testing.F) {
	seedTestdata(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !utf8.Valid(raw) {
			return
		}
		out, enc := DecodeLegacy(string(raw))
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", raw)
		}
		if enc == "" && out != norm.NFC.String(string(raw)) {
			t.Fatalf("text changed without a legacy encoding: %q -> %q", raw, out)
		}
	})
}

// FuzzBoundaryToken: the line scanner that guesses boundaries reads a
// line as the regular expression it replaced (linear on any input) did.
func FuzzBoundaryToken(f *testing.F) {
	for _, s := range []string{"--A", "--A--", "----", "-----", "--abc----\r", "--a b", "--" + strings.Repeat("x", 201), "-x", "--\r"} {
		f.Add([]byte(s))
	}
	oracle := regexp.MustCompile(`^--([^\t\n\f\r ]{1,200}?)(--)?\r?$`)
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\n\v") {
			return
		}
		want := ""
		if m := oracle.FindSubmatch(line); m != nil {
			want = string(m[1])
		}
		if got := boundaryToken(line); got != want {
			t.Fatalf("%q: %q, want %q", line, got, want)
		}
	})
}
