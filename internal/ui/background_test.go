package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"thucongvu/internal/failure"
)

// probeServices records what the reader showed when Open was called, and
// can make Open fail or panic.
type probeServices struct {
	*MemServices
	u               *UI
	opens           int
	shownBeforeOpen bool
	openErr         error
	openPanic       any
	problem         string
}

func (p *probeServices) Open(id int64) (*ReaderMessage, error) {
	p.opens++
	p.shownBeforeOpen = p.u.reader.msg != nil && p.u.reader.msg.Summary.ID == id
	if p.openPanic != nil {
		panic(p.openPanic)
	}
	if p.openErr != nil {
		return nil, p.openErr
	}
	m, err := p.MemServices.Open(id)
	if err == nil && p.problem != "" {
		m.Problem, m.Text, m.HTML = p.problem, "From: vp@hanam.gov.vn\nSubject: =?x?=", ""
	}
	return m, err
}

func newProbeUI(t *testing.T) (*UI, fyne.Window, *probeServices) {
	p := &probeServices{MemServices: NewMemServices()}
	u, w := newTestUI(t, p)
	p.u = u
	return u, w, p
}

// Opening a mail shows what is stored at once; the download, decoding and
// the \Seen flag (a fresh login) happen after, off the UI's call path.
func TestReaderShowsStoredMailBeforeOpening(t *testing.T) {
	u, _, p := newProbeUI(t)
	before := unreadInbox(t, p, "ca-nhan")
	u.list.Select(rowIndex(t, u, "Giấy mời họp"))
	u.bg.Wait()
	if p.opens != 1 || !p.shownBeforeOpen {
		t.Fatalf("Open called %d times; reader showed the stored mail before it: %v", p.opens, p.shownBeforeOpen)
	}
	if !strings.HasPrefix(u.reader.subject.Text, "Giấy mời họp") || !u.reader.msg.Summary.Seen {
		t.Fatalf("after opening the reader shows %q, seen %v", u.reader.subject.Text, u.reader.msg.Summary.Seen)
	}
	if after := unreadInbox(t, p, "ca-nhan"); after != before-1 {
		t.Fatalf("unread %d → %d", before, after)
	}
	if u.reader.problem.Visible() {
		t.Fatalf("a problem shown for a good mail: %q", u.reader.problem.Text)
	}
	// Stored and already seen: nothing to fetch, no login at all.
	u.list.Select(rowIndex(t, u, "Công văn 2101/STC"))
	u.bg.Wait()
	if p.opens != 1 || !strings.HasPrefix(u.reader.subject.Text, "Công văn 2101/STC") {
		t.Fatalf("a stored, seen mail: Open called %d times in all, reader %q", p.opens, u.reader.subject.Text)
	}
}

// A mail that cannot be downloaded or decoded, or whose decoder panics,
// shows the reason in the reader with its headers: no error box, no crash.
func TestReaderShowsWhyAMailCannotBeRead(t *testing.T) {
	cases := []struct {
		name  string
		setup func(p *probeServices)
		want  string
	}{
		{"server unreachable", func(p *probeServices) {
			p.openErr = fmt.Errorf("dial mail.longan.gov.vn: %w", failure.ErrUnreachable)
		}, "Không kết nối được máy chủ thư"},
		// the engine's English stays in the log, never in the window
		{"decoder panics", func(p *probeServices) { p.openPanic = "runtime error: index out of range" }, "Đã có lỗi"},
		{"unparsable", func(p *probeServices) { p.problem = "mail: multipart nested too deep" }, "nested too deep"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, w, p := newProbeUI(t)
			tc.setup(p)
			u.list.Select(rowIndex(t, u, "Giấy mời họp"))
			u.bg.Wait()
			if !strings.HasPrefix(u.reader.subject.Text, "Giấy mời họp") {
				t.Fatalf("reader lost the headers: %q", u.reader.subject.Text)
			}
			if !u.reader.problem.Visible() || !strings.Contains(u.reader.problem.Text, tc.want) {
				t.Fatalf("problem shown %v: %q", u.reader.problem.Visible(), u.reader.problem.Text)
			}
			if strings.Contains(u.reader.problem.Text, "dial ") || strings.Contains(u.reader.problem.Text, "runtime error") {
				t.Fatalf("raw error text reached the window: %q", u.reader.problem.Text)
			}
			if top := w.Canvas().Overlays().Top(); top != nil {
				t.Fatal("an error box opened over the window")
			}
			if tc.name == "unparsable" && !strings.Contains(richText(u), "Subject:") {
				t.Fatalf("the header lines are not shown: %q", richText(u))
			}
		})
	}
}

func richText(u *UI) string {
	var b strings.Builder
	for _, s := range u.reader.body.Segments {
		b.WriteString(s.Textual())
	}
	return b.String()
}

// trayApp is a desktop app with a system tray.
type trayApp struct {
	fyne.App
	menu *fyne.Menu
	quit bool
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)  { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(fyne.Resource) {}
func (a *trayApp) SetSystemTrayWindow(fyne.Window) {}
func (a *trayApp) Quit()                           { a.quit = true }

// trayWindow records whether it is hidden and its close intercept.
type trayWindow struct {
	fyne.Window
	intercept func()
	hidden    bool
}

func (w *trayWindow) SetCloseIntercept(f func()) { w.intercept = f; w.Window.SetCloseIntercept(f) }
func (w *trayWindow) Hide()                      { w.hidden = true; w.Window.Hide() }
func (w *trayWindow) Show()                      { w.hidden = false; w.Window.Show() }

func trayItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no tray item %q", label)
	return nil
}

// Closing the window hides it to the tray, with a notice the first time
// only; the tray opens it again, and "Thoát" quits. Without a tray,
// closing quits as before.
func TestCloseHidesToTray(t *testing.T) {
	hasTrayHost = func() bool { return true }
	t.Cleanup(func() { hasTrayHost = trayHost })
	if err := SetLanguage("vi"); err != nil {
		t.Fatal(err)
	}
	svc := NewMemServices()
	a := &trayApp{App: test.NewTempApp(t)}
	w := &trayWindow{Window: test.NewWindow(nil)}
	t.Cleanup(w.Window.Close)
	u := New(a, w, svc)
	t.Cleanup(u.bg.Wait)
	if w.intercept == nil || a.menu == nil {
		t.Fatal("with a system tray, closing the window is not intercepted")
	}
	w.intercept()
	if w.hidden || w.Canvas().Overlays().Top() == nil || !svc.Settings().TrayNoticeShown {
		t.Fatalf("first close: hidden %v, notice shown %v, remembered %v", w.hidden, w.Canvas().Overlays().Top() != nil, svc.Settings().TrayNoticeShown)
	}
	u.trayNotice.Hide() // the user read it
	if !w.hidden {
		t.Fatal("the window stays after the notice")
	}
	trayItem(t, a.menu, "Mở Thư Công Vụ").Action()
	if w.hidden {
		t.Fatal("the tray's open did not show the window")
	}
	w.intercept()
	if !w.hidden || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("second close: hidden %v, notice again %v", w.hidden, w.Canvas().Overlays().Top() != nil)
	}
	u.refresh() // the tray menu is rebuilt on every change: the quit item stays
	quit := a.menu.Items[len(a.menu.Items)-1]
	if quit.Label != "Thoát" || !quit.IsQuit {
		t.Fatalf("last tray item %q (quit %v)", quit.Label, quit.IsQuit)
	}
	quit.Action()
	if !a.quit {
		t.Fatal("Thoát did not quit")
	}

	for name, app := range map[string]fyne.App{"no desktop app": test.NewTempApp(t), "no tray host": &trayApp{App: test.NewTempApp(t)}} {
		if name == "no tray host" {
			hasTrayHost = func() bool { return false }
		}
		plain := &trayWindow{Window: test.NewWindow(nil)}
		t.Cleanup(plain.Window.Close)
		New(app, plain, NewMemServices())
		if plain.intercept != nil {
			t.Fatalf("%s: closing must quit, not hide", name)
		}
	}
}

// Removing a mailbox in the settings drops it from the window; removing
// the last one brings back the setup wizard.
func TestRemoveAccountFromSettings(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	sw := test.NewWindow(nil)
	defer sw.Close()
	v := u.newSettingsView(sw)
	sw.SetContent(v.object())
	first := svc.Accounts()[0]
	v.remove(first)
	u.bg.Wait()
	if u.account == first.Name || u.folders == nil {
		t.Fatalf("after removing %s the window shows account %q", first.Name, u.account)
	}
	for _, a := range svc.Accounts() {
		v.remove(a)
		u.bg.Wait()
	}
	if len(svc.Accounts()) != 0 {
		t.Fatalf("accounts left: %+v", svc.Accounts())
	}
	if u.setup == nil || u.folders != nil {
		t.Fatal("with no mailbox left, the setup wizard does not show")
	}
}
