package ui

import (
	"bytes"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// reportView is the "Báo cáo" window: the usage report (R10: LA 16.1,
// HN 11.8) with its figures and charts, exported as PDF or XLSX.
type reportView struct {
	u       *UI
	win     fyne.Window
	svc     AgencyServices
	account *widget.Select
	period  *widget.Select
	body    *fyne.Container
	next    *widget.Label
	gen     int // numbers the reloads: only the latest one's answer is shown
}

// reportPeriods are the periods offered: this year's halves and the
// year, then last year's.
func reportPeriods(now time.Time) []string {
	var out []string
	for _, y := range []int{now.Year(), now.Year() - 1} {
		out = append(out, fmt.Sprintf("%d-H1", y), fmt.Sprintf("%d-H2", y), fmt.Sprint(y))
	}
	return out
}

// ShowReport opens the report window.
func (u *UI) ShowReport() {
	u.showAgencyWindow("report", "report.title", fyne.NewSize(900, 600), func(w fyne.Window, svc AgencyServices) (fyne.CanvasObject, func()) {
		v := u.newReportView(w, svc)
		return v.object(), v.reload
	})
}

func (u *UI) newReportView(w fyne.Window, svc AgencyServices) *reportView {
	v := &reportView{u: u, win: w, svc: svc, body: container.NewVBox(), next: widget.NewLabel("")}
	names := []string{lang.L("register.all_accounts")}
	for _, a := range u.svc.Accounts() {
		names = append(names, a.Name)
	}
	v.account = widget.NewSelect(names, nil)
	v.account.SetSelectedIndex(0)
	periods := reportPeriods(time.Now())
	v.period = widget.NewSelect(periods, nil)
	v.period.SetSelected(periods[2])
	v.account.OnChanged = func(string) { v.reload() }
	v.period.OnChanged = func(string) { v.reload() }
	return v
}

func (v *reportView) object() fyne.CanvasObject {
	pdf := widget.NewButtonWithIcon(lang.L("report.export_pdf"), theme.DocumentSaveIcon(), func() { v.export(".pdf") })
	xlsx := widget.NewButtonWithIcon(lang.L("report.export_xlsx"), theme.DocumentSaveIcon(), func() { v.export(".xlsx") })
	top := container.NewHBox(widget.NewLabel(lang.L("report.account")), v.account, widget.NewLabel(lang.L("report.period")), v.period, pdf, xlsx)
	return container.NewBorder(top, v.next, nil, nil, container.NewVScroll(v.body))
}

func (v *reportView) selection() (account, period string) {
	if v.account.SelectedIndex() > 0 {
		account = v.account.Selected
	}
	return account, v.period.Selected
}

func (v *reportView) reload() {
	if v.period == nil || v.account == nil {
		return
	}
	account, period := v.selection()
	v.gen++
	gen := v.gen
	v.u.goBG(func() {
		r, err := v.svc.UsageReport(account, period)
		doMain(func() {
			if gen != v.gen {
				return
			}
			if err != nil {
				dialog.ShowError(humanErr(err), v.win)
				return
			}
			v.show(r)
		})
	})
}

// show lays out the figures beside the first chart, the other charts below.
func (v *reportView) show(r *UsageReport) {
	v.body.RemoveAll()
	form := widget.NewForm()
	for _, l := range r.Lines {
		value := widget.NewLabel(l[1])
		value.TextStyle = fyne.TextStyle{Bold: true}
		label := widget.NewLabel(l[0])
		label.Wrapping = fyne.TextWrapWord
		form.Append("", container.NewBorder(nil, nil, nil, value, label))
	}
	title := widget.NewLabelWithStyle(lang.L("report.heading", map[string]any{"From": paperDate(r.From), "To": paperDate(r.To)}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.body.Add(title)
	var charts []fyne.CanvasObject
	for i, png := range r.Charts {
		img := canvas.NewImageFromReader(bytes.NewReader(png), fmt.Sprintf("chart-%d.png", i))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(420, 184))
		charts = append(charts, img)
	}
	if len(charts) > 0 {
		v.body.Add(container.NewGridWithColumns(2, form, charts[0]))
		v.body.Add(container.NewGridWithColumns(2, charts[1:]...))
	} else {
		v.body.Add(form)
	}
	if r.NextDeadline != "" {
		v.next.SetText(lang.L("report.next", map[string]any{"Due": r.NextDeadline}))
	}
	v.body.Refresh()
}

func (v *reportView) export(ext string) {
	account, period := v.selection()
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		v.u.goBG(func() {
			err := v.svc.ExportReport(account, period, path)
			doMain(func() {
				if err != nil {
					dialog.ShowError(humanErr(err), v.win)
					return
				}
				dialog.ShowInformation(lang.L("report.title"), lang.L("register.exported", map[string]any{"Path": path}), v.win)
			})
		})
	}, v.win)
	save.SetFileName("bao-cao-thu-dien-tu-" + period + ext)
	save.Show()
}
