package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// loadFonts parses the theme's regular and bold faces (with their emoji,
// symbol and system fallbacks, about 150 ms) on another goroutine while
// the store is read for the first paint. The returned wait must be called
// before anything measures or draws text: Fyne's text shaper serves one
// goroutine at a time.
func loadFonts() (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		size := theme.TextSize()
		fyne.MeasureText("Thư", size, fyne.TextStyle{})
		fyne.MeasureText("Thư", size, fyne.TextStyle{Bold: true})
	}()
	return func() { <-done }
}

// firstPaint holds what the store gave for the main view's first build,
// read before any widget exists.
type firstPaint struct {
	folders bool         // folderData is fresh
	model   *windowModel // the open folder, its first page read
}

// readFirstPaint reads what the first paint shows: the folders with their
// counts and the first page of the open folder, before any widget exists.
func (u *UI) readFirstPaint() {
	fresh := u.reloadFolders() // else read again once the status bar can say why
	m := newWindowModelMarked(folderPager{u.svc, u.account, u.folder, u.sortKey, u.sortDesc}, listPageSize, listMaxPages, u.markSource())
	u.marksLater(m)
	m.Row(0)
	u.firstPaint = firstPaint{folders: fresh, model: m}
}

// take hands over the model read ahead when it lists src, once.
func (f *firstPaint) take(src pager, searching bool) *windowModel {
	m := f.model
	f.model = nil
	if m == nil || searching {
		return nil
	}
	if want, ok := src.(folderPager); ok {
		if got, ok := m.src.(folderPager); ok && got.account == want.account && got.folder == want.folder &&
			got.sort == want.sort && got.desc == want.desc {
			return m
		}
	}
	return nil
}

// paintGate holds the background reads asked for while the window is
// built (the status bar's counts, the list's marks, the signature pass):
// they start once Fyne's thread turns to its queue, the window up, so
// the first paint has the process's threads to itself.
type paintGate struct {
	mu      sync.Mutex
	open    bool
	pending []func()
}

// goAfterPaint runs fn as background work, held until the first paint.
func (u *UI) goAfterPaint(fn func()) {
	g := &u.paintGate
	g.mu.Lock()
	if !g.open {
		g.pending = append(g.pending, fn)
		g.mu.Unlock()
		return
	}
	g.mu.Unlock()
	u.goBG(fn)
}

// openAfterPaint starts the held work from Fyne's thread, whose queue
// runs once the window is shown (under QueueUpdates: at Wait).
func (u *UI) openAfterPaint() {
	u.goBG(func() {
		doMain(func() {
			g := &u.paintGate
			g.mu.Lock()
			g.open = true
			held := g.pending
			g.pending = nil
			g.mu.Unlock()
			for _, fn := range held {
				u.goBG(fn)
			}
		})
	})
}
