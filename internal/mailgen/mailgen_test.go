package mailgen

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"thucongvu/internal/mail"
)

// sample is big enough for the shares to be within a few points.
const sample = 4000

func TestShapeMatchesOfficialMail(t *testing.T) {
	g := New(7)
	var total int
	kinds := map[Kind]int{}
	replies, twoAttachments := 0, 0
	for i := range sample {
		raw := g.Message(i)
		total += len(raw)
		s := g.Shape(i)
		kinds[s.Kind]++
		if s.Reply {
			replies++
		}
		if s.Kind == Mixed {
			if n := len(s.Attachments); n < 1 || n > 2 {
				t.Fatalf("message %d: %d attachments", i, n)
			} else if n == 2 {
				twoAttachments++
			}
			for _, a := range s.Attachments {
				if a.Size < MinAttachment || a.Size > MaxAttachment {
					t.Fatalf("message %d: attachment of %d bytes", i, a.Size)
				}
			}
		} else if len(s.Attachments) != 0 {
			t.Fatalf("message %d of kind %d has attachments", i, s.Kind)
		}
	}
	avg := total / sample
	if avg < 42<<10 || avg > 50<<10 {
		t.Errorf("average size %d bytes, want about 46 KB", avg)
	}
	share := func(n int) float64 { return float64(n) / sample }
	for kind, want := range map[Kind]float64{Plain: 0.47, Alternative: 0.38, Mixed: 0.15} {
		if got := share(kinds[kind]); got < want-0.03 || got > want+0.03 {
			t.Errorf("kind %d: share %.3f, want %.2f", kind, got, want)
		}
	}
	if got := share(replies); got < 0.28 || got > 0.38 {
		t.Errorf("replies: share %.3f, want about a third", got)
	}
	if twoAttachments == 0 || twoAttachments == kinds[Mixed] {
		t.Errorf("%d of %d mixed messages carry two attachments, want some but not all", twoAttachments, kinds[Mixed])
	}
	t.Logf("average %d bytes; %v; %d replies", avg, kinds, replies)
}

func TestDeterministicBySeed(t *testing.T) {
	a, b, c := New(1), New(1), New(2)
	for _, i := range []int{0, 1, 17, 999, 4321} {
		if !bytes.Equal(a.Message(i), b.Message(i)) {
			t.Fatalf("message %d differs under the same seed", i)
		}
		if bytes.Equal(a.Message(i), c.Message(i)) {
			t.Fatalf("message %d is the same under another seed", i)
		}
	}
	// Any order gives the same message.
	first := New(3).Message(500)
	g := New(3)
	for i := 600; i > 400; i-- {
		g.Message(i)
	}
	if !bytes.Equal(first, g.Message(500)) {
		t.Fatal("message 500 depends on what was generated before it")
	}
}

// TestParsesAsEncoded: every structure decodes through the client's own
// parser to the Vietnamese subject, names and attachments it was made of.
func TestParsesAsEncoded(t *testing.T) {
	g := New(11)
	seen := map[string]bool{}
	for i := range 400 {
		raw := g.Message(i)
		s := g.Shape(i)
		m, err := mail.Parse(raw)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(m.Warnings) > 0 {
			t.Fatalf("message %d: warnings %v", i, m.Warnings)
		}
		if want := g.Subject(i); m.Subject != want || !norm.NFC.IsNormalString(m.Subject) {
			t.Fatalf("message %d: subject %q, want %q", i, m.Subject, want)
		}
		if m.MessageID != g.MessageID(i) {
			t.Fatalf("message %d: Message-ID %q", i, m.MessageID)
		}
		if s.Reply {
			if m.InReplyTo != g.MessageID(s.Parent) || s.Parent >= i {
				t.Fatalf("message %d: In-Reply-To %q, parent %d", i, m.InReplyTo, s.Parent)
			}
			if !strings.HasPrefix(m.Subject, "Re: ") || strings.TrimPrefix(m.Subject, "Re: ") != strings.TrimPrefix(g.Subject(s.Parent), "Re: ") {
				t.Fatalf("message %d: reply subject %q to %q", i, m.Subject, g.Subject(s.Parent))
			}
		}
		if m.From.Name == "" || !strings.HasSuffix(m.From.Address, "@"+Domain) || len(m.To) == 0 {
			t.Fatalf("message %d: from %+v to %+v", i, m.From, m.To)
		}
		if !strings.Contains(m.Text, "Trân trọng") {
			t.Fatalf("message %d: text %q", i, m.Text[:min(len(m.Text), 200)])
		}
		if s.Kind == Alternative && m.HTML == "" {
			t.Fatalf("message %d: alternative without HTML", i)
		}
		if len(m.Attachments) != len(s.Attachments) {
			t.Fatalf("message %d: %d attachments parsed, %d made", i, len(m.Attachments), len(s.Attachments))
		}
		for k, a := range m.Attachments {
			want := s.Attachments[k]
			if a.Filename != want.Name || a.ContentType != want.ContentType {
				t.Fatalf("message %d: attachment %+v, want %+v", i, a, want)
			}
			if strings.HasSuffix(want.Name, ".pdf") && a.Size != int64(want.Size) {
				t.Fatalf("message %d: PDF of %d bytes, want %d", i, a.Size, want.Size)
			}
			if !mail.IsDocumentFile(a.Filename, a.ContentType) {
				t.Fatalf("message %d: %q is not a document", i, a.Filename)
			}
		}
		seen[strings.Split(string(headerField(raw, "Content-Transfer-Encoding")), "\r")[0]] = true
	}
	for _, cte := range []string{"quoted-printable", "base64", "8bit"} {
		if !seen[cte] {
			t.Errorf("no message with a %s body; seen %v", cte, seen)
		}
	}
}

// TestEncodingsOfNames: both RFC 2047 words and RFC 2231 parameters occur.
func TestEncodingsOfNames(t *testing.T) {
	g := New(5)
	var b, q, rfc2231, rfc2047name bool
	for i := 0; i < 1000 && !(b && q && rfc2231 && rfc2047name); i++ {
		raw := string(g.Message(i))
		b = b || strings.Contains(raw, "Subject: =?UTF-8?b?")
		q = q || strings.Contains(raw, "Subject: =?UTF-8?q?")
		rfc2231 = rfc2231 || strings.Contains(raw, "filename*=utf-8''")
		rfc2047name = rfc2047name || strings.Contains(raw, "filename=\"=?UTF-8?b?")
	}
	if !b || !q || !rfc2231 || !rfc2047name {
		t.Fatalf("B %v, Q %v, RFC 2231 %v, RFC 2047 file name %v", b, q, rfc2231, rfc2047name)
	}
}

// headerField returns what follows the first "name: " in raw.
func headerField(raw []byte, name string) []byte {
	i := bytes.Index(raw, []byte(name+": "))
	if i < 0 {
		return nil
	}
	return raw[i+len(name)+2:]
}

func BenchmarkMessage(b *testing.B) {
	g := New(1)
	n := 0
	for i := 0; b.Loop(); i++ {
		n += len(g.Message(i))
	}
	b.SetBytes(int64(n / max(b.N, 1)))
}
