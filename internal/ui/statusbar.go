package ui

// statusReader holds the status bar's summary (WindowServices.Status).
// Reading it counts the documents of every INBOX, tens of milliseconds
// at 50,000 mails, so the window never waits for it: the bar shows the
// folder's count at once and the rest when the background read, started
// after the first paint, ends.
type statusReader struct {
	info    StatusInfo
	known   bool // info has been read once
	reading bool
	again   bool // asked again while reading: read once more
}

// readStatus reads the status bar's summary in the background and shows
// it; a request while a read runs makes that read run once more.
func (u *UI) readStatus() {
	w := u.ws()
	if w == nil {
		return
	}
	r := &u.statusBar
	if r.reading {
		r.again = true
		return
	}
	r.reading = true
	u.goAfterPaint(func() {
		st := w.Status()
		doMain(func() {
			r.reading = false
			r.info, r.known = st, true
			u.showStatus()
			if r.again {
				r.again = false
				u.readStatus()
			}
		})
	})
}

// marksLater makes m read each page's acknowledgement marks (R2) in the
// background: a page shows at once with the marks its rows carry
// (document, acknowledged flag), then the list redraws with the
// ledger's marks (by hand, not required, n/m acknowledged).
func (u *UI) marksLater(m *windowModel) {
	m.markLater = func(read func() map[int64]AckMark, apply func(map[int64]AckMark)) {
		u.goAfterPaint(func() {
			marks := read()
			doMain(func() {
				apply(marks)
				if u.model == m && u.list != nil {
					u.list.Refresh()
				}
			})
		})
	}
}
