package pdfconv

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	ole "github.com/go-ole/go-ole"
	"github.com/go-ole/go-ole/oleutil"
)

// msOffice drives Word, Excel and PowerPoint through COM (go-ole). Each
// conversion runs on one locked OS thread with its own COM apartment and its
// own application instance, which is quit afterwards; documents open
// read-only with a dummy password, so a password-protected file fails at
// once instead of waiting for someone to type a password.
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

func (m *msOffice) convert(ctx context.Context, input, dir string, k kind, opts Options) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))+".pdf")
	done := make(chan error, 1)
	go func() { done <- comConvert(input, out, k, opts) }()
	select {
	case err := <-done:
		if err != nil {
			return "", err
		}
		return out, nil
	case <-ctx.Done():
		// The COM call cannot be interrupted; its thread quits the
		// application when (if) the call returns.
		return "", fmt.Errorf("%w: Microsoft Office did not finish within %s", ErrTimeout, opts.timeout())
	}
}

// comConvert opens input in the Office application for k and exports a PDF.
func comConvert(input, out string, k kind, opts Options) (err error) {
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
	prog := map[kind]string{kindWriter: "Word.Application", kindCalc: "Excel.Application", kindImpress: "PowerPoint.Application"}[k]
	unknown, err := oleutil.CreateObject(prog)
	if err != nil {
		return fmt.Errorf("%w: %s: %v; %s", ErrNoOffice, prog, err, noOfficeHelp())
	}
	app, err := unknown.QueryInterface(ole.IID_IDispatch)
	unknown.Release()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNoOffice, prog, err)
	}
	defer app.Release()
	defer oleutil.CallMethod(app, "Quit")
	if k != kindImpress {
		oleutil.PutProperty(app, "Visible", false)
		oleutil.PutProperty(app, "DisplayAlerts", 0)
	}
	fail := func(step string, err error) error {
		msg := err.Error()
		if strings.Contains(strings.ToLower(msg), "password") {
			return fmt.Errorf("Microsoft Office: %w", ErrEncrypted)
		}
		return fmt.Errorf("Microsoft Office: %s: %s: %w", step, oneLine(msg), ErrCorrupt)
	}
	switch k {
	case kindWriter:
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
		if _, err := oleutil.CallMethod(doc, "ExportAsFixedFormat", out, 17, false, 0, 0, 1, 1, 0, true, true, 0, true, true, opts.PDFA); err != nil {
			return fail("export", err)
		}
	case kindCalc:
		books := oleutil.MustGetProperty(app, "Workbooks").ToIDispatch()
		defer books.Release()
		// Open(FileName, UpdateLinks, ReadOnly, Format, Password)
		v, err := oleutil.CallMethod(books, "Open", input, 0, true, nil, "thucongvu-no-password")
		if err != nil {
			return fail("open", err)
		}
		book := v.ToIDispatch()
		defer book.Release()
		defer oleutil.CallMethod(book, "Close", false)
		// ExportAsFixedFormat(Type=xlTypePDF 0, Filename)
		if _, err := oleutil.CallMethod(book, "ExportAsFixedFormat", 0, out); err != nil {
			return fail("export", err)
		}
	case kindImpress:
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
		// SaveAs(FileName, ppSaveAsPDF 32)
		if _, err := oleutil.CallMethod(p, "SaveAs", out, 32); err != nil {
			return fail("export", err)
		}
	default:
		return fmt.Errorf("Microsoft Office: %w", ErrUnsupported)
	}
	return nil
}
