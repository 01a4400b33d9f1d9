package ui

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ws is the services' window side, nil when they have none.
func (u *UI) ws() WindowServices {
	w, _ := u.svc.(WindowServices)
	return w
}

// markSource reads the list's acknowledgement marks (R2), nil without them.
func (u *UI) markSource() func([]int64) map[int64]AckMark {
	w := u.ws()
	if w == nil {
		return nil
	}
	return w.AckMarks
}

// listRowsShown is how many message rows the default split shows.
const listRowsShown = 12

// listSplitOffset is the share of the list in the list/reader split: at
// least listRowsShown rows on a 1366×768 screen at 100 %; on a smaller
// screen, where that would leave the reader a strip, a little over half.
func listSplitOffset(windowHeight float32) float32 {
	if windowHeight <= 0 {
		windowHeight = WindowSize.Height
	}
	_, o := newMessageRow()
	rowH := o.MinSize().Height + theme.Padding() // rows are spaced by a separator
	bar := widget.NewButton(lang.L("action.new"), nil).MinSize().Height + theme.Padding()
	header := bar + theme.Padding()
	// the toolbar and the status bar take about a bar each; the split's
	// handle a little more
	avail := windowHeight - 2*bar - theme.Padding()*2
	want := (header + listRowsShown*rowH + theme.Padding()) / avail
	if want > 0.72 {
		return 0.55 // a small screen: the reader needs the room more
	}
	return max(want, 0.5)
}

// indexPending is a service that knows how many downloaded messages wait
// for their text to be searchable (the background body indexing).
type indexPending interface{ IndexPending() int }

// statusText is the status bar: the folder's count, then, once read in the
// background (readStatus), the next check time (R1), the outbox, the
// documents not yet acknowledged (R2) and the sync.
func (u *UI) statusText() string {
	parts := []string{lang.L("status.folder", map[string]any{"Count": u.model.Len()})}
	if u.searching {
		parts[0] = lang.L("status.search", map[string]any{"Count": u.model.Len()})
		if p, ok := u.svc.(indexPending); ok {
			if n := p.IndexPending(); n > 0 {
				parts = append(parts, lang.L("status.index_pending", map[string]any{"Count": n}))
			}
		}
	}
	if u.ws() == nil || !u.statusBar.known {
		if u.outboxWaiting > 0 {
			parts = append(parts, lang.L("status.outbox", map[string]any{"Count": u.outboxWaiting}))
		}
		if u.checking != nil {
			parts = append(parts, lang.L("status.syncing"))
		}
		return strings.Join(parts, " · ")
	}
	st := u.statusBar.info
	if !st.NextCheck.IsZero() {
		when := st.NextCheck.Format("15:04")
		if n := u.now(); st.NextCheck.YearDay() != n.YearDay() || st.NextCheck.Year() != n.Year() {
			when = st.NextCheck.Format("15:04 02/01")
		}
		parts = append(parts, lang.L("status.next_check", map[string]any{"Time": when}))
	}
	if st.OutboxWaiting > 0 {
		parts = append(parts, lang.L("status.outbox", map[string]any{"Count": st.OutboxWaiting}))
	}
	if st.Unacked > 0 {
		parts = append(parts, lang.L("status.unacked", map[string]any{"Count": st.Unacked}))
	}
	switch {
	case st.Syncing || u.checking != nil:
		parts = append(parts, lang.L("status.syncing"))
	case st.SyncError != "":
		parts = append(parts, lang.L("status.sync_failed"))
	case !st.LastSync.IsZero():
		parts = append(parts, lang.L("status.synced_at", map[string]any{"Time": st.LastSync.Format("15:04")}))
	}
	return strings.Join(parts, " · ")
}

// rememberSize restores a window's last size under name, fitted to the
// screen, and stores it whenever the window closes.
func (u *UI) rememberSize(w fyne.Window, name string, def fyne.Size) {
	p := u.app.Preferences()
	if wd, ht := p.Float("window."+name+".width"), p.Float("window."+name+".height"); wd > 0 && ht > 0 {
		// at most a 1366×768 screen less its task bar
		w.Resize(fyne.NewSize(min(float32(wd), 1366), min(float32(ht), 728)))
		return
	}
	if def != (fyne.Size{}) {
		w.Resize(fitScreen(def))
	}
}

// storeSize remembers a window's size for its next opening.
func (u *UI) storeSize(w fyne.Window, name string) {
	s := w.Canvas().Size()
	if s.Width <= 0 || s.Height <= 0 {
		return
	}
	p := u.app.Preferences()
	p.SetFloat("window."+name+".width", float64(s.Width))
	p.SetFloat("window."+name+".height", float64(s.Height))
}

// fitScreen caps a window size at the smallest office screen: 1366×768 at
// 125 % (WindowSize).
func fitScreen(s fyne.Size) fyne.Size {
	return fyne.NewSize(min(s.Width, WindowSize.Width), min(s.Height, WindowSize.Height))
}

// shortList is a few names then "+n".
func shortList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" +%d", len(items)-n)
}

// trackTemp remembers a temporary folder to remove on exit.
func (u *UI) trackTemp(dir string) {
	u.tempMu.Lock()
	u.temps = append(u.temps, dir)
	u.tempMu.Unlock()
}

// Cleanup removes the temporary copies of attachments and conversions; the
// app calls it when it stops.
func (u *UI) Cleanup() {
	u.stopSignedMail()
	u.tempMu.Lock()
	dirs := u.temps
	u.temps = nil
	u.tempMu.Unlock()
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			fyne.LogError("remove "+d, err)
		}
	}
}

// autoSplit keeps the list/reader split at listSplitOffset for the
// window's height as the window is resized, until the user moves it.
type autoSplit struct {
	split *container.Split
	last  float64
	bars  float32 // the height the toolbar and the status bar take
}

// Layout implements fyne.Layout.
func (a *autoSplit) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if a.split.Offset == a.last && size.Height > 0 {
		a.last = float64(listSplitOffset(size.Height + a.bars))
		a.split.Offset = a.last
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (a *autoSplit) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// DeleteSelected moves the message in the reader to its Trash folder.
func (u *UI) DeleteSelected() {
	w := u.ws()
	if w == nil || u.reader == nil || u.reader.msg == nil {
		return
	}
	id := u.reader.msg.Summary.ID
	u.goBG(func() {
		err := w.MoveToTrash(id)
		doMain(func() {
			if err != nil {
				u.ShowError(err)
				return
			}
			if u.reader != nil && u.reader.msg != nil && u.reader.msg.Summary.ID == id {
				u.reader.clear()
			}
			u.refresh()
			u.setStatus(lang.L("status.trashed"))
		})
	})
}
