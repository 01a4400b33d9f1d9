package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// processForm is "Chuyển xử lý": forward the document in the reader to
// the people who will process it, with the leader's note and a deadline
// (R8: LA 15.2–15.3; the original travels whole, ST 12.4).
type processForm struct {
	// departments are the policy's departments (R8), by name.
	departments *widget.CheckGroup
	people      *widget.CheckGroup
	other       *widget.Entry
	note        *widget.Entry
	deadline    *widget.Entry
}

func (u *UI) newProcessForm(svc AgencyServices) *processForm {
	f := &processForm{}
	var names []string
	for _, a := range svc.Assignees() {
		if a.Name != "" {
			names = append(names, a.Name+" <"+a.Address+">")
		} else {
			names = append(names, a.Address)
		}
	}
	f.people = widget.NewCheckGroup(names, nil)
	var departments []string
	for _, d := range svc.Departments() {
		departments = append(departments, d.Name)
	}
	f.departments = widget.NewCheckGroup(departments, nil)
	f.other = widget.NewEntry()
	f.other.SetPlaceHolder(lang.L("process.other"))
	f.note = widget.NewMultiLineEntry()
	f.note.SetPlaceHolder(lang.L("process.note_hint"))
	f.note.SetMinRowsVisible(4)
	f.note.Wrapping = fyne.TextWrapWord
	f.deadline = widget.NewEntry()
	f.deadline.SetPlaceHolder(lang.L("register.date_hint"))
	f.deadline.SetText(time.Now().AddDate(0, 0, 7).Format("02/01/2006"))
	return f
}

func (f *processForm) object() fyne.CanvasObject {
	people := container.NewVScroll(f.people)
	people.SetMinSize(fyne.NewSize(460, 110))
	var items []*widget.FormItem
	if len(f.departments.Options) > 0 {
		departments := container.NewVScroll(f.departments)
		departments.SetMinSize(fyne.NewSize(460, 76))
		items = append(items, widget.NewFormItem(lang.L("process.departments"), departments))
	}
	return widget.NewForm(append(items,
		widget.NewFormItem(lang.L("process.to"), container.NewBorder(nil, f.other, nil, nil, people)),
		widget.NewFormItem(lang.L("process.note"), f.note),
		widget.NewFormItem(lang.L("process.deadline"), f.deadline))...,
	)
}

// request is what the form asks for; ok is false when a part is missing.
func (f *processForm) request(id int64) (ProcessRequest, bool) {
	r := ProcessRequest{ID: id, Note: strings.TrimSpace(f.note.Text)}
	r.To = append(r.To, f.departments.Selected...)
	r.To = append(r.To, f.people.Selected...)
	for _, a := range strings.FieldsFunc(f.other.Text, func(r rune) bool { return r == ',' || r == ';' }) {
		if a = strings.TrimSpace(a); a != "" {
			r.To = append(r.To, a)
		}
	}
	if d := readDate(f.deadline.Text); !d.IsZero() {
		r.Deadline = d.Format(time.DateOnly)
	} else if strings.TrimSpace(f.deadline.Text) != "" {
		return r, false
	}
	return r, len(r.To) > 0 && r.Note != ""
}

// ShowProcess opens "Chuyển xử lý" for the message in the reader.
func (u *UI) ShowProcess() {
	svc, ok := u.agency()
	if !ok || u.reader == nil || u.reader.msg == nil {
		return
	}
	id := u.reader.msg.Summary.ID
	f := u.newProcessForm(svc)
	var d *dialog.CustomDialog
	send := widget.NewButton(lang.L("process.send"), func() {
		req, ok := f.request(id)
		if !ok {
			dialog.ShowInformation(lang.L("process.title"), lang.L("process.incomplete"), u.win)
			return
		}
		d.Hide()
		u.goBG(func() {
			err := svc.Process(req)
			doMain(func() {
				if err != nil {
					u.ShowError(err)
					return
				}
				u.status.SetText(lang.L("process.queued_status", map[string]any{"Count": len(req.To)}))
			})
		})
	})
	send.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("register.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("process.title")+": "+u.reader.msg.Summary.Subject, f.object(), u.win)
	d.SetButtons([]fyne.CanvasObject{cancel, send})
	d.Resize(fyne.NewSize(640, 460))
	d.Show()
}
