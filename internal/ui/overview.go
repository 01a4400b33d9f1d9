package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// overviewView is the leader's start page: today's new documents, those
// not yet acknowledged (R2), processing past its deadline (R8) and the
// next check time (R1).
type overviewView struct {
	u    *UI
	win  fyne.Window
	svc  AgencyServices
	body *fyne.Container
}

// ShowOverview opens the overview window.
func (u *UI) ShowOverview() {
	u.showAgencyWindow("overview", "overview.title", fyne.NewSize(900, 560), func(w fyne.Window, svc AgencyServices) (fyne.CanvasObject, func()) {
		v := &overviewView{u: u, win: w, svc: svc, body: container.NewVBox(widget.NewLabel(lang.L("overview.loading")))}
		return v.object(), v.reload
	})
}

func (v *overviewView) object() fyne.CanvasObject {
	refresh := widget.NewButtonWithIcon(lang.L("action.check"), theme.ViewRefreshIcon(), v.reload)
	register := widget.NewButtonWithIcon(lang.L("register.title"), theme.ListIcon(), v.u.ShowRegister)
	report := widget.NewButtonWithIcon(lang.L("report.title"), theme.DocumentIcon(), v.u.ShowReport)
	return container.NewBorder(container.NewHBox(refresh, register, report), nil, nil, nil, container.NewVScroll(v.body))
}

func (v *overviewView) reload() {
	v.u.goBG(func() {
		o, err := v.svc.Overview()
		doMain(func() {
			if err != nil {
				dialog.ShowError(humanErr(err), v.win)
				return
			}
			v.show(o)
		})
	})
}

// overviewCard is one part of the overview: a heading with its count and
// up to eight entries.
func overviewCard(key string, entries []RegisterEntry, important bool) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(lang.L(key, map[string]any{"Count": len(entries)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if important && len(entries) > 0 {
		head.Importance = widget.DangerImportance
	}
	lines := container.NewVBox()
	for i, e := range entries {
		if i == 8 {
			lines.Add(widget.NewLabel(lang.L("overview.more", map[string]any{"Count": len(entries) - 8})))
			break
		}
		text := fmt.Sprintf("%d/%d · %s · %s", e.Number, e.Year, e.Agency, e.Summary)
		if e.Deadline != "" {
			text += " · " + lang.L("overview.deadline", map[string]any{"Date": paperDate(e.Deadline)})
		}
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		lines.Add(l)
	}
	if len(entries) == 0 {
		lines.Add(widget.NewLabel(lang.L("overview.none")))
	}
	return widget.NewCard("", "", container.NewBorder(head, nil, nil, nil, lines))
}

func (v *overviewView) show(o *AgencyOverview) {
	v.body.RemoveAll()
	next := lang.L("overview.no_check")
	if !o.NextCheck.IsZero() {
		next = o.NextCheck.Format("15:04 02/01/2006")
	}
	info := widget.NewLabel(lang.L("overview.next_check", map[string]any{"Time": next}))
	info.TextStyle = fyne.TextStyle{Bold: true}
	v.body.Add(info)
	if o.NextReport != "" {
		v.body.Add(widget.NewLabel(lang.L("overview.next_report", map[string]any{"Due": o.NextReport})))
	}
	v.body.Add(container.NewGridWithColumns(2,
		overviewCard("overview.today", o.Today, false),
		overviewCard("overview.unacked", o.Unacked, true)))
	v.body.Add(overviewCard("overview.overdue", o.Overdue, true))
	v.body.Refresh()
}

// agencySnapshots renders the agency screens — the overview, the register,
// the report and "Chuyển xử lý" over the reader — for RenderSnapshots.
func (u *UI) agencySnapshots(save func(string, fyne.Window) error) error {
	svc, ok := u.agency()
	if !ok {
		return nil
	}
	ow := u.app.NewWindow("")
	ov := &overviewView{u: u, win: ow, svc: svc, body: container.NewVBox()}
	ow.SetContent(ov.object())
	ov.reload()
	u.bg.Wait()
	if err := save("overview", ow); err != nil {
		return err
	}
	ow.Close()

	rw := u.app.NewWindow("")
	rv := u.newRegisterView(rw, svc)
	rw.SetContent(rv.object())
	rv.reload()
	u.bg.Wait()
	if err := save("register", rw); err != nil {
		return err
	}
	rw.Close()

	pw := u.app.NewWindow("")
	pv := u.newReportView(pw, svc)
	pw.SetContent(pv.object())
	pv.reload()
	u.bg.Wait()
	if err := save("report", pw); err != nil {
		return err
	}
	pw.Close()

	if u.reader != nil && u.reader.msg != nil {
		u.ShowProcess()
		if err := save("process", u.win); err != nil {
			return err
		}
		for _, o := range u.win.Canvas().Overlays().List() {
			u.win.Canvas().Overlays().Remove(o)
		}
	}
	return nil
}
