package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
)

// background tracks the window's background work (check, send, verify,
// convert); Wait returns once that work is done and the window updates it
// asked for have run.
type background struct{ sync.WaitGroup }

// queuedUpdates holds the window updates of background work for Wait to run
// on the waiting goroutine. Fyne's test driver runs fyne.Do at once on the
// calling goroutine, so such updates would race with the test or snapshot
// that drives the window; the real driver runs them on its own thread,
// which the queue stands in for. QueueUpdates turns it on.
var queuedUpdates struct {
	sync.Mutex
	on  bool
	bg  map[uint64]bool // goroutines running background work
	fns []func()
}

// QueueUpdates makes background work's window updates wait for Wait, for
// driving the window with Fyne's test driver (tests, snapshots).
func QueueUpdates() {
	queuedUpdates.Lock()
	queuedUpdates.on = true
	if queuedUpdates.bg == nil {
		queuedUpdates.bg = map[uint64]bool{}
	}
	queuedUpdates.Unlock()
}

// doMain runs fn on Fyne's thread (fyne.Do), or queues it for Wait when it
// comes from background work under QueueUpdates.
func doMain(fn func()) {
	queuedUpdates.Lock()
	if queuedUpdates.on && queuedUpdates.bg[goroutineID()] {
		queuedUpdates.fns = append(queuedUpdates.fns, fn)
		queuedUpdates.Unlock()
		return
	}
	queuedUpdates.Unlock()
	fyne.Do(fn)
}

// run runs fn as background work on its own goroutine.
func (b *background) run(fn func()) {
	b.Add(1)
	go func() {
		defer b.Done()
		queuedUpdates.Lock()
		on := queuedUpdates.on
		if on {
			queuedUpdates.bg[goroutineID()] = true
		}
		queuedUpdates.Unlock()
		if on {
			defer func() {
				queuedUpdates.Lock()
				delete(queuedUpdates.bg, goroutineID())
				queuedUpdates.Unlock()
			}()
		}
		fn()
	}()
}

// Wait waits for the background work and runs the updates it queued, until
// neither is left.
func (b *background) Wait() {
	for {
		b.WaitGroup.Wait()
		queuedUpdates.Lock()
		fns := queuedUpdates.fns
		queuedUpdates.fns = nil
		queuedUpdates.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}

// goroutineID is the current goroutine's number, from its stack header
// ("goroutine 42 [running]:"); only QueueUpdates needs it.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}
