package ui

import (
	"fmt"

	"thucongvu/internal/model"
)

// pager is where the message list takes its rows from.
type pager interface {
	Count() (int, error)
	Page(offset, limit int) ([]model.MessageSummary, error)
}

// folderPager pages a folder through the service in one order.
type folderPager struct {
	svc             Services
	account, folder string
	sort            SortKey
	desc            bool
}

func (p folderPager) Count() (int, error) { return p.svc.CountMessages(p.account, p.folder) }
func (p folderPager) Page(offset, limit int) ([]model.MessageSummary, error) {
	return p.svc.Messages(p.account, p.folder, p.sort, p.desc, offset, limit)
}

// slicePager pages search results already in memory.
type slicePager []model.MessageSummary

func (p slicePager) Count() (int, error) { return len(p), nil }
func (p slicePager) Page(offset, limit int) ([]model.MessageSummary, error) {
	if offset >= len(p) {
		return nil, nil
	}
	return p[offset:min(offset+limit, len(p))], nil
}

// windowModel is the message list's view of a folder: it knows the row
// count and holds only a few pages around what is on screen, fetching a page
// when a row of it is first shown and forgetting the least recently used
// page beyond maxPages. Rows are never appended one by one, so a folder of
// 100,000 messages costs a count and a few pages. Not safe for concurrent
// use: the list calls it from the UI goroutine.
type windowModel struct {
	src      pager
	pageSize int
	maxPages int
	count    int
	pages    map[int][]model.MessageSummary
	lru      []int // page numbers, most recently used last
	fetches  int   // pages fetched so far (for tests and diagnostics)
	err      error // last fetch error, shown in the status line
	// marks holds the acknowledgement marks of the cached rows, read with
	// each page through markSrc (nil: no marks).
	marks   map[int64]AckMark
	markSrc func(ids []int64) map[int64]AckMark
	// markLater, when set, runs read off the UI goroutine and apply back
	// on it; without it, marks are read with their page.
	markLater func(read func() map[int64]AckMark, apply func(map[int64]AckMark))
	// gen counts reloads, so marks read before one are dropped.
	gen int
}

func newWindowModel(src pager, pageSize, maxPages int) *windowModel {
	return newWindowModelMarked(src, pageSize, maxPages, nil)
}

// newWindowModelMarked is newWindowModel reading acknowledgement marks
// with each page through marks (nil: none).
func newWindowModelMarked(src pager, pageSize, maxPages int, marks func([]int64) map[int64]AckMark) *windowModel {
	w := &windowModel{src: src, pageSize: pageSize, maxPages: maxPages, markSrc: marks}
	w.reload()
	return w
}

// reload re-reads the count and forgets every page.
func (w *windowModel) reload() {
	w.pages = map[int][]model.MessageSummary{}
	w.marks = map[int64]AckMark{}
	w.lru = nil
	w.gen++
	n, err := w.src.Count()
	if err != nil {
		w.err = fmt.Errorf("count messages: %w", err)
		n = 0
	}
	w.count = n
}

// Len is the number of rows.
func (w *windowModel) Len() int { return w.count }

// Row returns row i, fetching its page if needed.
func (w *windowModel) Row(i int) (model.MessageSummary, bool) {
	if i < 0 || i >= w.count {
		return model.MessageSummary{}, false
	}
	p := i / w.pageSize
	rows, ok := w.pages[p]
	if !ok {
		var err error
		rows, err = w.src.Page(p*w.pageSize, w.pageSize)
		w.fetches++
		if err != nil {
			w.err = fmt.Errorf("read messages: %w", err)
			return model.MessageSummary{}, false
		}
		w.pages[p] = rows
		w.readMarks(p, rows)
		if len(w.lru) >= w.maxPages {
			for _, r := range w.pages[w.lru[0]] {
				delete(w.marks, r.ID)
			}
			delete(w.pages, w.lru[0])
			w.lru = w.lru[1:]
		}
	} else {
		for k, q := range w.lru {
			if q == p {
				w.lru = append(w.lru[:k], w.lru[k+1:]...)
				break
			}
		}
	}
	w.lru = append(w.lru, p)
	if off := i - p*w.pageSize; off < len(rows) {
		return rows[off], true
	}
	return model.MessageSummary{}, false
}

// cachedRows is how many rows the model holds in memory.
func (w *windowModel) cachedRows() int {
	n := 0
	for _, rows := range w.pages {
		n += len(rows)
	}
	return n
}

// update replaces the cached copy of one message (after it was read).
func (w *windowModel) update(s model.MessageSummary) {
	for _, rows := range w.pages {
		for i := range rows {
			if rows[i].ID == s.ID {
				rows[i] = s
			}
		}
	}
}

// readMarks fetches the acknowledgement marks of rows, page p.
func (w *windowModel) readMarks(p int, rows []model.MessageSummary) {
	if w.markSrc == nil || len(rows) == 0 {
		return
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	apply := func(marks map[int64]AckMark) {
		for id, m := range marks {
			w.marks[id] = m
		}
	}
	if w.markLater == nil {
		apply(w.markSrc(ids))
		return
	}
	src, gen := w.markSrc, w.gen
	w.markLater(func() map[int64]AckMark { return src(ids) }, func(marks map[int64]AckMark) {
		if cur, ok := w.pages[p]; !ok || w.gen != gen || len(cur) == 0 || &cur[0] != &rows[0] {
			return // reloaded or forgotten since: its marks went with it
		}
		apply(marks)
	})
}

// Mark is the acknowledgement mark of a cached row.
func (w *windowModel) Mark(id int64) (AckMark, bool) {
	m, ok := w.marks[id]
	return m, ok
}
