package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// findLabel returns the first label under o whose text contains s.
func findLabel(o fyne.CanvasObject, s string) *widget.Label {
	if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, s) {
		return l
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			if l := findLabel(child, s); l != nil {
				return l
			}
		}
	}
	return nil
}

// The status bar shows the fullest mailbox's quota, as a warning from 90 %,
// and follows the engine's changes.
func TestStatusBarQuota(t *testing.T) {
	for _, lng := range []string{"vi", "en"} {
		t.Run(lng, func(t *testing.T) {
			test.NewTempApp(t)
			if err := SetLanguage(lng); err != nil {
				t.Fatal(err)
			}
			svc := NewMemServices()
			svc.settings.Language = lng
			svc.quotas = []Quota{{Account: "canhan", UsedBytes: 200 << 20, LimitBytes: 1 << 30, Percent: 19.5}}
			w := test.NewWindow(nil)
			t.Cleanup(w.Close)
			w.Resize(WindowSize)
			u := New(fyne.CurrentApp(), w, svc)
			t.Cleanup(u.bg.Wait)
			content := w.Content()
			if l := findLabel(content, "20 %"); l == nil || l.Importance == widget.DangerImportance {
				t.Fatalf("quota below 90 %% not shown plainly")
			}
			svc.mu.Lock()
			svc.quotas = append(svc.quotas, Quota{Account: "vanthu", UsedBytes: 930 << 20, LimitBytes: 1 << 30, Percent: 90.8})
			svc.mu.Unlock()
			for _, fn := range svc.listeners {
				fn(Event{Kind: EventChanged})
			}
			l := findLabel(w.Content(), "91 %")
			if l == nil || l.Importance != widget.DangerImportance || !strings.Contains(l.Text, "vanthu") {
				t.Fatalf("a mailbox at 90.8 %% is no warning: %+v", l)
			}
			if l.Size().Width < l.MinSize().Width {
				t.Fatalf("the warning is cut: %v wide of %v", l.Size().Width, l.MinSize().Width)
			}
			if dir := os.Getenv("TCV_SNAPSHOT_DIR"); dir != "" {
				writePNG(filepath.Join(dir, "quota-"+lng+".png"), w.Canvas().Capture())
			}
		})
	}
}
