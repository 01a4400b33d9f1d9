package ui

import (
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
