package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// agency returns the agency duties of the services, if they have them.
func (u *UI) agency() (AgencyServices, bool) {
	a, ok := u.svc.(AgencyServices)
	return a, ok
}

// registerView is the "Sổ văn bản" window: the document register (HN 9.2)
// with filters, corrections and export.
type registerView struct {
	u         *UI
	win       fyne.Window
	svc       AgencyServices
	account   *widget.Select
	direction *widget.RadioGroup
	from, to  *widget.Entry
	text      *widget.Entry
	table     *widget.Table
	count     *widget.Label
	rows      []RegisterEntry
	// gen numbers the reloads: only the latest one's answer is shown.
	gen int
}

// registerColumns are the register's columns: translation key and width.
var registerColumns = []struct {
	key   string
	width float32
}{{"register.col.number", 50}, {"register.col.received", 100}, {"register.col.agency", 170}, {"register.col.doc_number", 140},
	{"register.col.doc_date", 100}, {"register.col.summary", 260}, {"register.col.assigned", 110}, {"register.col.state", 130}}

// ShowRegister opens the register window.
func (u *UI) ShowRegister() {
	u.showAgencyWindow("register", "register.title", fyne.NewSize(1060, 600), func(w fyne.Window, svc AgencyServices) (fyne.CanvasObject, func()) {
		v := u.newRegisterView(w, svc)
		return v.object(), v.reload
	})
}

func (u *UI) newRegisterView(w fyne.Window, svc AgencyServices) *registerView {
	v := &registerView{u: u, win: w, svc: svc}
	names := []string{lang.L("register.all_accounts")}
	for _, a := range u.svc.Accounts() {
		names = append(names, a.Name)
	}
	v.account = widget.NewSelect(names, nil)
	v.account.SetSelectedIndex(0)
	v.account.OnChanged = func(string) { v.reload() }
	dirs := []string{lang.L("register.in"), lang.L("register.out")}
	v.direction = widget.NewRadioGroup(dirs, func(string) { v.reload() })
	v.direction.Horizontal = true
	v.direction.Required = true
	v.direction.Selected = dirs[0]
	v.from, v.to = widget.NewEntry(), widget.NewEntry()
	v.from.SetPlaceHolder(lang.L("register.from"))
	v.to.SetPlaceHolder(lang.L("register.to"))
	v.text = widget.NewEntry()
	v.text.SetPlaceHolder(lang.L("register.search"))
	for _, e := range []*widget.Entry{v.from, v.to, v.text} {
		e.OnSubmitted = func(string) { v.reload() }
	}
	v.count = widget.NewLabel("")
	v.table = widget.NewTable(
		func() (int, int) { return len(v.rows) + 1, len(registerColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.SetText(lang.L(registerColumns[id.Col].key))
				return
			}
			l.TextStyle = fyne.TextStyle{}
			if id.Row > len(v.rows) { // a cell of a longer list, being refreshed
				l.SetText("")
				return
			}
			l.SetText(registerCell(v.rows[id.Row-1], id.Col))
		})
	for i, c := range registerColumns {
		v.table.SetColumnWidth(i, c.width)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row > 0 && id.Row <= len(v.rows) {
			v.correct(v.rows[id.Row-1])
		}
		v.table.UnselectAll()
	}
	return v
}

func (v *registerView) object() fyne.CanvasObject {
	filters := container.NewHBox(v.account, v.direction, container.NewGridWrap(fyne.NewSize(120, v.from.MinSize().Height), v.from),
		container.NewGridWrap(fyne.NewSize(120, v.to.MinSize().Height), v.to))
	export := widget.NewButtonWithIcon(lang.L("register.export"), theme.DocumentSaveIcon(), v.export)
	find := widget.NewButtonWithIcon("", theme.SearchIcon(), v.reload)
	top := container.NewVBox(filters, container.NewBorder(nil, nil, nil, container.NewHBox(find, export), v.text))
	return container.NewBorder(top, v.count, nil, nil, v.table)
}

// registerCell is the text of one cell of an entry.
func registerCell(e RegisterEntry, col int) string {
	switch col {
	case 0:
		return fmt.Sprint(e.Number)
	case 1:
		return e.ReceivedAt.Format("02/01/2006")
	case 2:
		return e.Agency
	case 3:
		if e.DocNumber == "" {
			return "—"
		}
		return e.DocNumber
	case 4:
		return paperDate(e.DocDate)
	case 5:
		if e.DocType != "" && !strings.HasPrefix(strings.ToLower(e.Summary), strings.ToLower(e.DocType)) {
			return e.DocType + " — " + e.Summary
		}
		return e.Summary
	case 6:
		return strings.Join(e.AssignedTo, ", ")
	case 7:
		s := lang.L("register.state." + e.State)
		if e.Deadline != "" {
			s += " · " + paperDate(e.Deadline)
		}
		return s
	}
	return ""
}

func paperDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// query is the register query the filters make; a date that cannot be
// read is reported and ignored.
func (v *registerView) query() RegisterQuery {
	q := RegisterQuery{Direction: "in", Text: v.text.Text}
	if v.account.SelectedIndex() > 0 {
		q.Account = v.account.Selected
	}
	if v.direction.Selected == lang.L("register.out") {
		q.Direction = "out"
	}
	q.From = readDate(v.from.Text)
	if t := readDate(v.to.Text); !t.IsZero() {
		q.To = t.AddDate(0, 0, 1)
	}
	return q
}

// isoDate is a date typed as 15/11/2026 written YYYY-MM-DD; text that is
// no date stays as typed, for the register to refuse with its reason.
func isoDate(s string) string {
	if t := readDate(s); !t.IsZero() {
		return t.Format(time.DateOnly)
	}
	return strings.TrimSpace(s)
}

// readDate reads 15/11/2026 or 2026-11-15 in local time; zero otherwise.
func readDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (v *registerView) reload() {
	if v.table == nil || v.count == nil {
		return
	}
	q := v.query()
	v.gen++
	gen := v.gen
	v.u.goBG(func() {
		rows, err := v.svc.Register(q)
		doMain(func() {
			if gen != v.gen {
				return // a newer filter's answer comes
			}
			if err != nil {
				dialog.ShowError(humanErr(err), v.win)
				return
			}
			v.rows = rows
			v.count.SetText(lang.L("register.count", map[string]any{"Count": len(rows)}))
			v.table.Refresh()
		})
	})
}

// correct opens the correction form of an entry.
func (v *registerView) correct(e RegisterEntry) {
	number, date, typ := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	summary, deadline := widget.NewEntry(), widget.NewEntry()
	number.SetText(e.DocNumber)
	date.SetText(paperDate(e.DocDate))
	date.SetPlaceHolder(lang.L("register.date_hint"))
	typ.SetText(e.DocType)
	summary.SetText(e.Summary)
	deadline.SetText(paperDate(e.Deadline))
	deadline.SetPlaceHolder(lang.L("register.date_hint"))
	done := widget.NewCheck(lang.L("register.done"), nil)
	done.SetChecked(e.State == "done")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("register.col.doc_number"), number),
		widget.NewFormItem(lang.L("register.col.doc_date"), date),
		widget.NewFormItem(lang.L("register.col.type"), typ),
		widget.NewFormItem(lang.L("register.col.summary"), summary),
		widget.NewFormItem(lang.L("process.deadline"), deadline),
		widget.NewFormItem("", done),
	}
	title := fmt.Sprintf("%s %d/%d", lang.L("register.correct"), e.Number, e.Year)
	d := dialog.NewForm(title, lang.L("register.save"), lang.L("register.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		state := "open"
		if done.Checked {
			state = "done"
		}
		changes := [][2]string{}
		for _, c := range [][3]string{{"doc_number", e.DocNumber, number.Text}, {"doc_date", e.DocDate, isoDate(date.Text)},
			{"doc_type", e.DocType, typ.Text}, {"summary", e.Summary, summary.Text}, {"deadline", e.Deadline, isoDate(deadline.Text)}} {
			if strings.TrimSpace(c[2]) != c[1] {
				changes = append(changes, [2]string{c[0], c[2]})
			}
		}
		if (e.State == "done") != done.Checked {
			changes = append(changes, [2]string{"state", state})
		}
		v.u.goBG(func() {
			for _, c := range changes {
				if err := v.svc.CorrectRegister(e, c[0], c[1]); err != nil {
					doMain(func() { dialog.ShowError(humanErr(err), v.win) })
					break
				}
			}
			doMain(v.reload)
		})
	}, v.win)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}

// export saves the register as the paper register's XLSX.
func (v *registerView) export() {
	q := v.query()
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		v.u.goBG(func() {
			err := v.svc.ExportRegister(q, path)
			doMain(func() {
				if err != nil {
					dialog.ShowError(humanErr(err), v.win)
					return
				}
				dialog.ShowInformation(lang.L("register.export"), lang.L("register.exported", map[string]any{"Path": path}), v.win)
			})
		})
	}, v.win)
	save.SetFileName(fmt.Sprintf("so-van-ban-%s-%d.xlsx", q.Direction, time.Now().Year()))
	save.Show()
}
