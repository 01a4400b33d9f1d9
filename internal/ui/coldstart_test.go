package ui

import (
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"thucongvu/internal/model"
)

// offWindowServices records on which goroutines the status bar's summary
// and the list's acknowledgement marks were read.
type offWindowServices struct {
	*MemServices
	window uint64 // the goroutine that builds and drives the window
	mu     sync.Mutex
	onUI   []string
	calls  int
}

func (s *offWindowServices) note(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if goroutineID() == s.window {
		s.onUI = append(s.onUI, what)
	}
}

func (s *offWindowServices) Status() StatusInfo {
	s.note("Status")
	return s.MemServices.Status()
}

func (s *offWindowServices) AckMarks(ids []int64) map[int64]AckMark {
	s.note("AckMarks")
	return s.MemServices.AckMarks(ids)
}

// A cold start paints the list without waiting for the status bar's
// counts (the INBOX's unacknowledged documents, R2) or the list's
// acknowledgement marks: both are read in the background, started once
// the window is painted, and shown after.
func TestColdStartReadsStatusAndMarksInBackground(t *testing.T) {
	svc := &offWindowServices{MemServices: NewMemServices(), window: goroutineID()}
	u, w := newTestUI(t, svc)
	w.Canvas().Capture()
	if got := u.status.Text; !strings.Contains(got, " thư") || strings.Contains(got, "chưa báo nhận") {
		t.Fatalf("status bar before the background read: %q", got)
	}
	if u.model.Len() == 0 {
		t.Fatal("the inbox is empty")
	}
	svc.mu.Lock()
	early := svc.calls
	svc.mu.Unlock()
	if early != 0 {
		t.Fatalf("%d status or mark reads before the first paint", early)
	}
	u.Wait()
	if len(svc.onUI) > 0 {
		t.Fatalf("read on the window's goroutine: %v", svc.onUI)
	}
	if got := u.status.Text; !strings.Contains(got, "chưa báo nhận") || !strings.Contains(got, "Kiểm tra thư tiếp theo") {
		t.Fatalf("status bar after the background read: %q", got)
	}
	m, _ := u.model.Row(0)
	if _, known := u.model.Mark(m.ID); !known {
		t.Fatal("no acknowledgement mark after the background read")
	}
}

// Marks read in the background land only on the page they were read
// for: a reload or the page's eviction meanwhile drops them.
func TestWindowModelDropsStaleMarks(t *testing.T) {
	src := make(slicePager, 1000)
	for i := range src {
		src[i].ID = int64(i + 1)
	}
	var pending []func()
	w := newWindowModelMarked(src, 10, 2, func(ids []int64) map[int64]AckMark {
		out := map[int64]AckMark{}
		for _, id := range ids {
			out[id] = AckMark{State: AckWaiting}
		}
		return out
	})
	w.markLater = func(read func() map[int64]AckMark, apply func(map[int64]AckMark)) {
		pending = append(pending, func() { apply(read()) })
	}
	run := func() {
		for _, fn := range pending {
			fn()
		}
		pending = nil
	}
	row := func(i int) model.MessageSummary {
		m, ok := w.Row(i)
		if !ok {
			t.Fatalf("row %d missing", i)
		}
		return m
	}

	m := row(0)
	if _, known := w.Mark(m.ID); known {
		t.Fatal("a mark before the background read")
	}
	run()
	if mk, known := w.Mark(m.ID); !known || mk.State != AckWaiting {
		t.Fatalf("mark after the read: %v %v", mk, known)
	}

	// reloaded while reading: the old read is dropped, the new one lands
	m = row(15)
	w.reload()
	stale := pending
	pending = nil
	for _, fn := range stale {
		fn()
	}
	if _, known := w.Mark(m.ID); known {
		t.Fatal("a mark read before the reload survived it")
	}
	row(15)
	run()
	if _, known := w.Mark(m.ID); !known {
		t.Fatal("no mark after reading the page again")
	}

	// evicted while reading: nothing lands for its rows
	m = row(500)
	row(600)
	row(700) // evicts page 50 (maxPages 2)
	run()
	if _, known := w.Mark(m.ID); known {
		t.Fatal("a mark landed for an evicted page")
	}
	if _, known := w.Mark(row(700).ID); !known {
		t.Fatal("no mark for a cached page")
	}
}

// readCounting counts the store reads a window makes.
type readCounting struct {
	*MemServices
	folders, counts, pages int
}

func (s *readCounting) Folders(account string) ([]model.Folder, error) {
	s.folders++
	return s.MemServices.Folders(account)
}

func (s *readCounting) CountMessages(account, folder string) (int, error) {
	s.counts++
	return s.MemServices.CountMessages(account, folder)
}

func (s *readCounting) Messages(account, folder string, key SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error) {
	s.pages++
	return s.MemServices.Messages(account, folder, key, desc, offset, limit)
}

// The first paint reads each account's folders once, counts the open
// folder once and reads its first page once.
func TestColdStartReadsOnce(t *testing.T) {
	svc := &readCounting{MemServices: NewMemServices()}
	u, w := newTestUI(t, svc)
	w.Canvas().Capture()
	if n := len(svc.Accounts()); svc.folders != n || svc.counts != 1 || svc.pages != 1 {
		t.Fatalf("folders read %d times for %d accounts, folder counted %d times, %d pages read", svc.folders, n, svc.counts, svc.pages)
	}
	if !paintsSubject(w.Content(), u) {
		t.Fatal("the first page is not painted")
	}
}

// paintsSubject: the newest row's subject is on the canvas.
func paintsSubject(o fyne.CanvasObject, u *UI) bool {
	m, ok := u.model.Row(0)
	if !ok {
		return false
	}
	for _, obj := range test.LaidOutObjects(o) {
		t, ok := obj.(*canvas.Text)
		if !ok || !obj.Visible() {
			continue
		}
		if shown := strings.TrimSuffix(t.Text, "…"); len([]rune(shown)) >= 8 && strings.HasPrefix(m.Subject, shown) {
			return true
		}
	}
	return false
}
