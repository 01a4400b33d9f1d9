package pdfconv

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	ole "github.com/go-ole/go-ole"
	"github.com/go-ole/go-ole/oleutil"
	"golang.org/x/sys/windows"
)

// msOffice drives Word, Excel and PowerPoint through COM (go-ole). Each
// conversion runs on one locked OS thread with its own COM apartment and its
// own application instance, which is quit afterwards. Macros are forced off
// (AutomationSecurity) and no dialog is shown (DisplayAlerts); documents
// open read-only with a dummy password, so a password-protected file fails
// at once instead of waiting for someone to type a password. On a timeout
// the instance's process is killed before the next file may start.
type msOffice struct {
	mu sync.Mutex // Office automation is not meant for parallel use
}

func newMSOffice() (officeEngine, error) {
	if err := ole.CoInitializeEx(0, ole.COINIT_APARTMENTTHREADED); err != nil {
		if oe, ok := err.(*ole.OleError); !ok || (oe.Code() != 0 && oe.Code() != 1) { // S_OK, S_FALSE
			return nil, fmt.Errorf("%w: COM: %v", ErrNoOffice, err)
		}
	}
	defer ole.CoUninitialize()
	for _, prog := range []string{"Word.Application", "Excel.Application", "PowerPoint.Application"} {
		if _, err := ole.ClassIDFrom(prog); err == nil {
			return &msOffice{}, nil
		}
	}
	return nil, fmt.Errorf("%w: Microsoft Office not found; %s", ErrNoOffice, noOfficeHelp())
}

func (m *msOffice) name() string { return "msoffice" }

func (m *msOffice) close() error { return nil }

// comSession is shared between a conversion's COM thread and its caller.
type comSession struct {
	pid       atomic.Uint32 // the Office process this conversion started
	abandoned atomic.Bool   // the caller gave up: stop at the next step
}

func (m *msOffice) convert(ctx context.Context, input, dir string, k kind, opts Options) (string, error) {
	job, err := msOfficeJob(k, opts)
	if err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))+".pdf")
	s := &comSession{}
	done := make(chan error, 1)
	go func() { done <- comConvert(input, out, job, s) }()
	select {
	case err := <-done:
		if err != nil {
			return "", err
		}
		return out, nil
	case <-ctx.Done():
	}
	// A COM call cannot be interrupted: kill the process, while the lock
	// is still held, and wait for the COM thread to see it die.
	s.abandoned.Store(true)
	killed := false
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	giveUp := time.After(30 * time.Second)
wait:
	for {
		if pid := s.pid.Load(); pid != 0 && !killed {
			killed = killPID(pid) == nil
		}
		select {
		case <-done:
			break wait
		case <-giveUp:
			break wait
		case <-tick.C:
		}
	}
	why := ctx.Err()
	if errors.Is(why, context.DeadlineExceeded) {
		why = fmt.Errorf("%w: Microsoft Office did not finish within %s", ErrTimeout, opts.timeout())
	}
	if !killed {
		return "", fmt.Errorf("%w; its process could not be told apart from another %s and was left running", why, job.image)
	}
	return "", fmt.Errorf("%w and was stopped", why)
}

// comConvert opens input in the Office application of job and exports a PDF.
func comConvert(input, out string, job msJob, s *comSession) (err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := ole.CoInitializeEx(0, ole.COINIT_APARTMENTTHREADED); err != nil {
		if oe, ok := err.(*ole.OleError); !ok || (oe.Code() != 0 && oe.Code() != 1) {
			return fmt.Errorf("COM: %w", err)
		}
	}
	defer ole.CoUninitialize()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("Microsoft Office: %v: %w", r, ErrCorrupt)
		}
	}()
	before := processIDs(job.image)
	unknown, err := oleutil.CreateObject(job.prog)
	if err != nil {
		return fmt.Errorf("%w: %s: %v; %s", ErrNoOffice, job.prog, err, noOfficeHelp())
	}
	// PowerPoint runs once per session: when the user's is already open,
	// it is joined, never killed nor quit, and its settings are restored.
	shared := job.prog == "PowerPoint.Application" && len(before) > 0
	if !shared {
		s.pid.Store(newPID(before, processIDs(job.image)))
	}
	app, err := unknown.QueryInterface(ole.IID_IDispatch)
	unknown.Release()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNoOffice, job.prog, err)
	}
	defer app.Release()
	if shared {
		if v, err := oleutil.GetProperty(app, "AutomationSecurity"); err == nil {
			defer oleutil.PutProperty(app, "AutomationSecurity", v.Value())
		}
		if v, err := oleutil.GetProperty(app, "DisplayAlerts"); err == nil {
			defer oleutil.PutProperty(app, "DisplayAlerts", v.Value())
		}
	} else {
		defer oleutil.CallMethod(app, "Quit")
	}
	// R4: a received file never runs its macros, and nothing waits for a click.
	if _, err := oleutil.PutProperty(app, "AutomationSecurity", msoAutomationSecurityForceDisable); err != nil {
		return fmt.Errorf("Microsoft Office: cannot turn macros off: %v: %w", err, ErrUnsupported)
	}
	if _, err := oleutil.PutProperty(app, "DisplayAlerts", job.alertsNone); err != nil {
		return fmt.Errorf("Microsoft Office: cannot turn alerts off: %v: %w", err, ErrUnsupported)
	}
	if job.prog != "PowerPoint.Application" { // PowerPoint refuses to hide its window
		oleutil.PutProperty(app, "Visible", false)
	}
	if s.abandoned.Load() {
		return ErrTimeout
	}
	fail := func(step string, err error) error {
		msg := err.Error()
		if strings.Contains(strings.ToLower(msg), "password") {
			return fmt.Errorf("Microsoft Office: %w", ErrEncrypted)
		}
		return fmt.Errorf("Microsoft Office: %s: %s: %w", step, oneLine(msg), ErrCorrupt)
	}
	switch job.prog {
	case "Word.Application":
		docs := oleutil.MustGetProperty(app, "Documents").ToIDispatch()
		defer docs.Release()
		// Open(FileName, ConfirmConversions, ReadOnly, AddToRecentFiles, PasswordDocument)
		v, err := oleutil.CallMethod(docs, "Open", input, false, true, false, "thucongvu-no-password")
		if err != nil {
			return fail("open", err)
		}
		doc := v.ToIDispatch()
		defer doc.Release()
		defer oleutil.CallMethod(doc, "Close", false)
		// ExportAsFixedFormat(OutputFileName, ExportFormat=wdExportFormatPDF 17,
		// OpenAfterExport, OptimizeFor, Range, From, To, Item, IncludeDocProps,
		// KeepIRM, CreateBookmarks, DocStructureTags, BitmapMissingFonts, UseISO19005_1)
		if _, err := oleutil.CallMethod(doc, "ExportAsFixedFormat", out, 17, false, 0, 0, 1, 1, 0, true, true, 0, true, true, job.pdfa); err != nil {
			return fail("export", err)
		}
	case "Excel.Application":
		books := oleutil.MustGetProperty(app, "Workbooks").ToIDispatch()
		defer books.Release()
		// Open(FileName, UpdateLinks=0 (never), ReadOnly, Format, Password)
		v, err := oleutil.CallMethod(books, "Open", input, 0, true, nil, "thucongvu-no-password")
		if err != nil {
			return fail("open", err)
		}
		book := v.ToIDispatch()
		defer book.Release()
		defer oleutil.CallMethod(book, "Close", false)
		// ExportAsFixedFormat(Type=xlTypePDF 0, Filename); no PDF/A (msOfficeJob refuses it)
		if _, err := oleutil.CallMethod(book, "ExportAsFixedFormat", 0, out); err != nil {
			return fail("export", err)
		}
	case "PowerPoint.Application":
		pres := oleutil.MustGetProperty(app, "Presentations").ToIDispatch()
		defer pres.Release()
		// Open(FileName, ReadOnly=msoTrue, Untitled=msoFalse, WithWindow=msoFalse)
		v, err := oleutil.CallMethod(pres, "Open", input, -1, 0, 0)
		if err != nil {
			return fail("open", err)
		}
		p := v.ToIDispatch()
		defer p.Release()
		defer oleutil.CallMethod(p, "Close")
		// ExportAsFixedFormat(Path, FixedFormatType=ppFixedFormatTypePDF 2,
		// Intent=ppFixedFormatIntentPrint 2, FrameSlides, HandoutOrder=1,
		// OutputType=ppPrintOutputSlides 1, PrintHiddenSlides, PrintRange,
		// RangeType=ppPrintAll 1, SlideShowName, IncludeDocProperties,
		// KeepIRMSettings, DocStructureTags, BitmapMissingFonts, UseISO19005_1)
		if _, err := oleutil.CallMethod(p, "ExportAsFixedFormat", out, 2, 2, 0, 1, 1, 0, (*ole.IDispatch)(nil), 1, "", true, true, true, true, job.pdfa); err != nil {
			return fail("export", err)
		}
	}
	return nil
}

// processIDs lists the running processes named image.
func processIDs(image string) []uint32 {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return nil
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	var pids []uint32
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if strings.EqualFold(windows.UTF16ToString(e.ExeFile[:]), image) {
			pids = append(pids, e.ProcessID)
		}
	}
	return pids
}

// killPID terminates a process and waits (up to 10 s) until it is gone.
func killPID(pid uint32) error {
	h, err := windows.OpenProcess(windows.PROCESS_TERMINATE|windows.SYNCHRONIZE, false, pid)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	if err := windows.TerminateProcess(h, 1); err != nil {
		return err
	}
	if ev, err := windows.WaitForSingleObject(h, 10_000); err != nil || ev != windows.WAIT_OBJECT_0 {
		return fmt.Errorf("process %d still running", pid)
	}
	return nil
}
