package register

import (
	"slices"
	"strings"
	"testing"
)

// R8: an assignee's answer counts as progress when its References names
// the forward; the header is read folded, and only the header.
func TestReferencesR8(t *testing.T) {
	raw := "From: <cv@hanam.gov.vn>\r\nReferences: <cv1234@longan.gov.vn>\r\n <fwd-1@hanam.gov.vn>\r\nIn-Reply-To: <note2@hanam.gov.vn>\r\n\r\nReferences: <body@x>\r\n"
	if got := references([]byte(raw)); !slices.Equal(got, []string{"cv1234@longan.gov.vn", "fwd-1@hanam.gov.vn"}) {
		t.Fatalf("references %q", got)
	}
	if got := references([]byte("Subject: x\r\n\r\nReferences: <body@x>\r\n")); len(got) != 0 {
		t.Errorf("a body line was read as a header: %q", got)
	}
	long := "Subject: " + strings.Repeat("x", maxHeaderBytes) + "\r\nReferences: <late@x>\r\n\r\n"
	if got := references([]byte(long)); len(got) != 0 {
		t.Errorf("a header past the bound was read: %q", got)
	}
}

// FuzzReferences: any mail gives well-formed message IDs, within bounds.
func FuzzReferences(f *testing.F) {
	f.Add([]byte("References: <a@b> <c@d>\r\n\r\n"))
	f.Add([]byte("References: a@b\r\n\r\n"))
	f.Add([]byte("References: <\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, id := range references(raw) {
			if len(id) > maxHeaderBytes || strings.ContainsAny(id, "<>\r\n") {
				t.Fatalf("id %q", id)
			}
		}
	})
}
