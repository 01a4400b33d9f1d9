package pdfconv

import "fmt"

// msoAutomationSecurityForceDisable makes Office open every file of an
// automation session with its macros disabled, without asking (R4).
const msoAutomationSecurityForceDisable = 3

// msJob is how Microsoft Office converts one kind of file through COM.
type msJob struct {
	prog  string // ProgID
	image string // the program's process name, to find and stop it
	// alertsNone is the DisplayAlerts value that shows no dialog:
	// wdAlertsNone 0 (Word), False (Excel), ppAlertsNone 1 (PowerPoint).
	alertsNone any
	// pdfa is passed as UseISO19005_1 (PDF/A-1b) to ExportAsFixedFormat.
	pdfa bool
}

// msOfficeJob maps a file kind and the options onto Word, Excel or
// PowerPoint. Excel's ExportAsFixedFormat cannot ask for PDF/A, so --pdfa is
// refused for spreadsheets instead of quietly writing plain PDF.
func msOfficeJob(k kind, opts Options) (msJob, error) {
	switch k {
	case kindWriter, kindWebWriter:
		return msJob{prog: "Word.Application", image: "WINWORD.EXE", alertsNone: int32(0), pdfa: opts.PDFA}, nil
	case kindCalc, kindWebCalc:
		if opts.PDFA {
			return msJob{}, fmt.Errorf("Microsoft Excel cannot write PDF/A; convert with LibreOffice (--prefer libreoffice) or without --pdfa: %w", ErrUnsupported)
		}
		return msJob{prog: "Excel.Application", image: "EXCEL.EXE", alertsNone: false}, nil
	case kindImpress:
		return msJob{prog: "PowerPoint.Application", image: "POWERPNT.EXE", alertsNone: int32(1), pdfa: opts.PDFA}, nil
	}
	return msJob{}, fmt.Errorf("Microsoft Office: %w", ErrUnsupported)
}

// newPID is the one process in after that is not in before: the Office
// instance an automation session started. 0 when it cannot be told (none,
// or several started at once).
func newPID(before, after []uint32) uint32 {
	old := make(map[uint32]bool, len(before))
	for _, p := range before {
		old[p] = true
	}
	var found uint32
	for _, p := range after {
		if !old[p] {
			if found != 0 {
				return 0
			}
			found = p
		}
	}
	return found
}
