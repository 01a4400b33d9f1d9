package ui

import (
	"bytes"
	"errors"
	"log"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// checkNotifierReportsOnce sends two notifications through a WindowNotifier
// over osNotify, which fails: both reach the status bar and the tray menu,
// the failure is logged once.
func checkNotifierReportsOnce(t *testing.T, osNotify func(title, body string) error) {
	hasTrayHost = func() bool { return true }
	t.Cleanup(func() { hasTrayHost = trayHost })
	if err := SetLanguage("vi"); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(prev) })
	a := &trayApp{App: test.NewTempApp(t)}
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	u := New(a, w, NewMemServices())
	t.Cleanup(u.bg.Wait)
	calls := 0
	n := u.NewWindowNotifier(func(title, body string) error { calls++; return osNotify(title, body) })
	for _, title := range []string{"Đến giờ kiểm tra thư buổi sáng (08:00)", "Đến giờ kiểm tra thư buổi chiều (14:00)"} {
		if err := n.Notify(title, "Hộp thư vanthu: 3 thư chưa đọc"); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		want := title + ": Hộp thư vanthu: 3 thư chưa đọc"
		if !strings.Contains(u.status.Text, want) {
			t.Errorf("status bar %q lacks %q", u.status.Text, want)
		}
		found := false
		for _, it := range a.menu.Items {
			found = found || strings.HasPrefix(it.Label, want) && it.Disabled
		}
		if !found {
			t.Errorf("tray menu lacks %q", want)
		}
	}
	if calls != 2 {
		t.Errorf("the OS notifier was asked %d times, want 2", calls)
	}
	if got := strings.Count(logged.String(), "không hiện được thông báo"); got != 1 {
		t.Errorf("failure logged %d times, want once:\n%s", got, logged.String())
	}
	if !strings.Contains(logged.String(), "desktop notification") && !strings.Contains(logged.String(), "toast") {
		t.Errorf("the log does not say what failed: %s", logged.String())
	}
}

func TestWindowNotifierReportsFailureOnce(t *testing.T) {
	checkNotifierReportsOnce(t, func(string, string) error {
		return errors.New("desktop notification: toast: class not registered")
	})
}

// A working OS notifier: nothing is logged, the window still shows it.
func TestWindowNotifierShowsInWindow(t *testing.T) {
	var logged bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(prev) })
	u, _ := newTestUI(t, NewMemServices())
	var got []string
	n := u.NewWindowNotifier(func(title, body string) error { got = append(got, title+"|"+body); return nil })
	n.NotifySample()
	if len(got) != 1 || !strings.Contains(u.status.Text, strings.Split(got[0], "|")[0]) || strings.Contains(logged.String(), "thucongvu:") {
		t.Fatalf("sent %q, status %q, log %q", got, u.status.Text, logged.String())
	}
}
