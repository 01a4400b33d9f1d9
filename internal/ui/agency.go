package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"thucongvu/internal/model"
)

// AgencyServices are the agency mailbox's duties (R8, R10): the document
// register, forwarding for processing, the usage report and the leader's
// overview. The window offers them when its Services implement them.
type AgencyServices interface {
	// Register lists the register's entries that q selects.
	Register(q RegisterQuery) ([]RegisterEntry, error)
	// CorrectRegister sets one field of an entry; the correction survives re-syncs.
	CorrectRegister(e RegisterEntry, field, value string) error
	// ExportRegister writes the entries q selects as the paper register (XLSX).
	ExportRegister(q RegisterQuery, path string) error
	// UsageReport computes the report of an account ("" for all) over a
	// period (YYYY, YYYY-H1, YYYY-H2).
	UsageReport(account, period string) (*UsageReport, error)
	// ExportReport writes the report as PDF or XLSX, by path's extension.
	ExportReport(account, period, path string) error
	// Process forwards a received document for processing with the note.
	Process(r ProcessRequest) error
	// Assignees are the people to forward documents to.
	Assignees() []model.Address
	// Departments are the departments machine policy presets (R8); a
	// ProcessRequest names them by Name.
	Departments() []model.Address
	// Overview is the leader's start page.
	Overview() (*AgencyOverview, error)
}

// RegisterQuery selects register entries.
type RegisterQuery struct {
	Account   string
	Direction string // "in", "out" or "" for both
	From, To  time.Time
	// Text keeps entries whose number, author or summary contain it,
	// diacritics ignored.
	Text string
}

// RegisterEntry is one row of the register view.
type RegisterEntry struct {
	Account    string
	Direction  string
	Year       int
	Number     int
	ReceivedAt time.Time
	Agency     string
	DocNumber  string
	DocDate    string
	DocType    string
	Summary    string
	AssignedTo []string
	Note       string
	Deadline   string
	State      string
	Acked      bool
}

// UsageReport is the report view's content.
type UsageReport struct {
	Period string
	From   string
	To     string
	// Lines are the figures: a label and a value.
	Lines [][2]string
	// Charts are PNG images: documents per month, by type, time to acknowledge.
	Charts [][]byte
	// NextDeadline says when the next report is due, "" when no rule names one.
	NextDeadline string
}

// ProcessRequest forwards message ID for processing.
type ProcessRequest struct {
	ID       int64
	To       []string
	Note     string
	Deadline string // YYYY-MM-DD or ""
}

// AgencyOverview is the leader's start page.
type AgencyOverview struct {
	Today     []RegisterEntry
	Unacked   []RegisterEntry
	Overdue   []RegisterEntry
	NextCheck time.Time
	// NextReport says when the next usage report is due, "" when none.
	NextReport string
}

// showAgencyWindow opens an agency view (overview, register, report) in its
// own window, sized as the user last left it, and fills it in the background.
func (u *UI) showAgencyWindow(name, title string, size fyne.Size, build func(w fyne.Window, svc AgencyServices) (content fyne.CanvasObject, reload func())) {
	svc, ok := u.agency()
	if !ok {
		return
	}
	w := u.app.NewWindow(lang.L(title))
	content, reload := build(w, svc)
	w.SetContent(content)
	u.rememberSize(w, name, size)
	w.SetOnClosed(func() { u.storeSize(w, name) })
	w.Show()
	reload()
}
