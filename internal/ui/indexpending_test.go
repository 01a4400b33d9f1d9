package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
)

// pendingServices is the demo data with bodies still waiting for the
// background indexing.
type pendingServices struct {
	*MemServices
	pending int
}

func (p *pendingServices) IndexPending() int { return p.pending }

// TestSearchSaysIndexingPending: while downloaded bodies wait for their
// text to be indexed, the status bar beside search results says how many;
// once none waits, it says nothing of it, and never outside a search.
func TestSearchSaysIndexingPending(t *testing.T) {
	svc := &pendingServices{MemServices: NewMemServices(), pending: 37}
	u, _ := newTestUI(t, svc)
	line := lang.L("status.index_pending", map[string]any{"Count": 37})
	if strings.Contains(u.status.Text, line) {
		t.Fatalf("folder view names the indexing: %q", u.status.Text)
	}
	test.Type(u.search, "cong van")
	if !strings.Contains(u.status.Text, line) {
		t.Fatalf("search status %q lacks %q", u.status.Text, line)
	}
	with := u.status.Text
	svc.pending = 0
	u.search.SetText("")
	test.Type(u.search, "cong van")
	if want := strings.Replace(with, " · "+line, "", 1); u.status.Text != want {
		t.Fatalf("indexing done: status %q, want %q", u.status.Text, want)
	}
}
