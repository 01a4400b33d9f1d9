package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// foreignDiscovery answers discovery with servers DNS named outside the
// address's domain.
type foreignDiscovery struct{ *MemServices }

func (f foreignDiscovery) Discover(ctx context.Context, email string) (model.Account, error) {
	a, err := f.MemServices.Discover(ctx, email)
	if err != nil {
		return a, err
	}
	a.IMAP.Host, a.SMTP.Host = "imap.attacker.test", "imap.attacker.test"
	return a, &ServersToConfirm{Account: a, Hosts: []string{"imap.attacker.test"}, Source: "mx",
		Via: "MX mx.attacker.test of example.vn"}
}

// A server outside the address's domain is shown with where it came from
// and used only once the user confirms it; refused, the wizard stays at the
// address and no password is asked (RFC 6186 §6).
func TestSetupConfirmsForeignServer(t *testing.T) {
	u, _ := newTestUI(t, foreignDiscovery{NewMemServices()})
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1000, 700))
	s := u.newSetupWizard(w, false)
	w.SetContent(s.object())
	test.Type(s.email, "vanthu@example.vn")
	for _, accept := range []bool{false, true} {
		s.advance()
		u.bg.Wait()
		if s.step != stepEmail || s.confirmed == nil {
			t.Fatalf("accept %v: step %d without confirmation", accept, s.step)
		}
		text := overlayText(w.Canvas().Overlays().Top())
		if !strings.Contains(text, "imap.attacker.test") || !strings.Contains(text, "MX mx.attacker.test") {
			t.Fatalf("the dialog does not name the host and its source: %q", text)
		}
		s.confirmed(accept)
		if !accept && (s.step != stepEmail || s.imapHost.Text != "") {
			t.Fatalf("refused, yet step %d host %q", s.step, s.imapHost.Text)
		}
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}
	if s.step != stepServers || s.imapHost.Text != "imap.attacker.test" || !strings.Contains(s.found.Text, "imap.attacker.test") {
		t.Fatalf("confirmed: step %d host %q note %q", s.step, s.imapHost.Text, s.found.Text)
	}
}

// overlayText is the text of every label and rich text under o.
func overlayText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.RichText:
			b.WriteString(v.String() + "\n")
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	if o != nil {
		walk(o)
	}
	return b.String()
}
