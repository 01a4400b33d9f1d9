package ui

import (
	"strings"
	"testing"
)

// TestHTMLToRichBounded: a reply quotes an HTML-only mail through
// htmlToRich, which joins text nodes by copying; it reads at most
// maxRenderedText bytes, whatever the caller passes.
func TestHTMLToRichBounded(t *testing.T) {
	src := "<p>" + strings.Repeat("văn bản ", 100_000) + "</p>" // 1.1 MB of text
	n := 0
	for _, s := range htmlToRich(src, false).Segments {
		n += len(s.Textual())
	}
	if n == 0 || n > maxRenderedText {
		t.Fatalf("%d bytes of text rendered", n)
	}
}
