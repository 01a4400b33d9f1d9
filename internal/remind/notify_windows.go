package remind

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"git.sr.ht/~jackmordaunt/go-toast/wintoast"
	ole "github.com/go-ole/go-ole"
)

// toastTimeout bounds one toast: a WinRT call that never answers fails the
// notification instead of holding the caller.
const toastTimeout = 10 * time.Second

// desktopState is the toast thread: WinRT is initialised on it once and
// uninitialised by Close. wintoast registers a COM class object at the
// first toast; were it still registered when the process exits, COM would
// call back into Go from ExitProcess, which the Go runtime cannot take
// (Wine: "fatal error: exitsyscall", then a hang).
type desktopState struct {
	once      sync.Once
	closeOnce sync.Once
	jobs      chan toastJob
	quit      chan struct{}
	ended     chan struct{}
	// stuck is set while a toast has not returned after toastTimeout;
	// further toasts fail at once rather than queue behind it.
	stuck atomic.Bool
}

type toastJob struct {
	doc  string
	done chan error
}

func (d *Desktop) init() {}

var (
	errToastStuck  = errors.New("the previous toast has not returned (WinRT does not answer)")
	errToastClosed = errors.New("notifier closed")
)

func (d *Desktop) start() {
	d.jobs = make(chan toastJob)
	d.quit = make(chan struct{})
	d.ended = make(chan struct{})
	go func() {
		runtime.LockOSThread() // COM apartments belong to threads
		defer runtime.UnlockOSThread()
		defer close(d.ended)
		setup := wintoast.SetAppData(wintoast.AppData{AppID: d.AppID, IconPath: d.Icon})
		used := false
		for {
			select {
			case job := <-d.jobs:
				if setup != nil {
					job.done <- fmt.Errorf("register %s: %w", d.AppID, setup)
					continue
				}
				used = true
				// No wintoast.PowershellFallback: COM or nothing.
				job.done <- wintoast.Push(job.doc)
				d.stuck.Store(false)
			case <-d.quit:
				if used {
					ole.CoUninitialize() // revokes wintoast's class object while Go can take the call
				}
				return
			}
		}
	}()
}

// Notify implements Notifier: one WinRT toast, never a PowerShell script.
func (d *Desktop) Notify(title, body string) error {
	d.once.Do(d.start)
	if d.stuck.Load() {
		return fmt.Errorf("desktop notification: %w", errToastStuck)
	}
	doc, err := toastXML(title, body, d.Icon)
	if err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	job := toastJob{doc: doc, done: make(chan error, 1)}
	select {
	case d.jobs <- job:
	case <-d.ended:
		return fmt.Errorf("desktop notification: %w", errToastClosed)
	}
	select {
	case err := <-job.done:
		if err != nil {
			return fmt.Errorf("desktop notification: %w", err)
		}
		return nil
	case <-time.After(toastTimeout):
		d.stuck.Store(true)
		return fmt.Errorf("desktop notification: no answer from WinRT in %s", toastTimeout)
	}
}

// Close ends the toast thread and releases WinRT; call it before the
// process exits. Notify fails afterwards.
func (d *Desktop) Close() {
	d.once.Do(d.start)
	d.closeOnce.Do(func() { close(d.quit) })
	if !d.stuck.Load() { // else the thread is inside WinRT: nothing can be released
		<-d.ended
	}
}
