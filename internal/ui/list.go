package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// columns is the message list's column layout, shared by the header and
// every row so they line up: marks, sender, subject (takes the rest), date, size.
type columns struct{}

var columnWidths = [...]float32{100, 210, 0, 150, 76}

func (columns) widths(total float32, pad float32) []float32 {
	w := columnWidths[:]
	out := make([]float32, len(w))
	fixed := float32(0)
	for i, x := range w {
		out[i] = x * scaleOf()
		fixed += out[i]
	}
	out[2] = max(total-fixed-pad*float32(len(w)-1), 60)
	return out
}

// Layout implements fyne.Layout.
func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	ws := c.widths(size.Width, pad)
	x := float32(0)
	for i, o := range objs {
		if i >= len(ws) {
			break
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(ws[i], h))
		x += ws[i] + pad
	}
}

// MinSize implements fyne.Layout.
func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(400, h)
}

// scaleOf is the text-size factor of the current theme.
func scaleOf() float32 {
	if t, ok := fyne.CurrentApp().Settings().Theme().(*appTheme); ok {
		return t.scale
	}
	return 1
}

func (u *UI) buildHeader() fyne.CanvasObject {
	mk := func(k SortKey, key string) fyne.CanvasObject {
		b := widget.NewButton(lang.L(key), func() { u.SortBy(k) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		u.headers[k] = b
		return b
	}
	marks := widget.NewLabel("")
	row := container.New(columns{}, marks, mk(SortSender, "column.sender"), mk(SortSubject, "column.subject"),
		mk(SortDate, "column.date"), mk(SortSize, "column.size"))
	u.updateHeader()
	return container.NewVBox(row, widget.NewSeparator())
}

// SortBy sorts the list on a column; a second click reverses the order.
func (u *UI) SortBy(k SortKey) {
	if u.sortKey == k {
		u.sortDesc = !u.sortDesc
	} else {
		u.sortKey, u.sortDesc = k, k == SortDate || k == SortSize
	}
	u.reloadList()
}

func (u *UI) updateHeader() {
	keys := map[SortKey]string{SortSender: "column.sender", SortSubject: "column.subject", SortDate: "column.date", SortSize: "column.size"}
	for k, b := range u.headers {
		text := lang.L(keys[k])
		b.SetIcon(nil)
		if k == u.sortKey && !u.searching {
			if u.sortDesc {
				b.SetIcon(theme.MenuDropDownIcon())
			} else {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		b.SetText(text)
	}
}

// messageRow is one list row; rows are recycled by the list.
type messageRow struct {
	unread, attach, doc, acked *widget.Icon
	sender, subject, date      *widget.Label
	size                       *widget.Label
}

func newMessageRow() (*messageRow, fyne.CanvasObject) {
	r := &messageRow{
		unread: widget.NewIcon(nil), attach: widget.NewIcon(nil), doc: widget.NewIcon(nil), acked: widget.NewIcon(nil),
		sender: widget.NewLabel(""), subject: widget.NewLabel(""), date: widget.NewLabel(""), size: widget.NewLabel(""),
	}
	for _, l := range []*widget.Label{r.sender, r.subject, r.date, r.size} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.size.Alignment = fyne.TextAlignTrailing
	marks := container.NewGridWithColumns(4, r.unread, r.attach, r.doc, r.acked)
	return r, container.New(columns{}, marks, r.sender, r.subject, r.date, r.size)
}

func (r *messageRow) set(m model.MessageSummary) {
	setIcon(r.unread, !m.Seen, theme.RadioButtonCheckedIcon())
	setIcon(r.attach, m.HasAttachments, signatureBadge(m.ID, theme.MailAttachmentIcon()))
	setIcon(r.doc, m.Document, theme.DocumentIcon())
	setIcon(r.acked, m.Acked, theme.ConfirmIcon())
	sender := m.From.Name
	if sender == "" {
		sender = m.From.Address
	}
	bold := fyne.TextStyle{Bold: !m.Seen}
	for _, x := range []struct {
		l *widget.Label
		t string
	}{{r.sender, sender}, {r.subject, m.Subject}, {r.date, m.Date.Format("02/01/2006 15:04")}, {r.size, formatSize(m.Size)}} {
		x.l.Text = x.t
		x.l.TextStyle = bold
		x.l.Refresh()
	}
}

func setIcon(i *widget.Icon, on bool, res fyne.Resource) {
	if on {
		i.SetResource(res)
	} else {
		i.SetResource(nil)
	}
}

// formatSize is a byte count as people read it.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func (u *UI) buildList() fyne.CanvasObject {
	u.reloadList()
	rows := map[fyne.CanvasObject]*messageRow{}
	u.list = widget.NewList(
		func() int { return u.model.Len() },
		func() fyne.CanvasObject {
			r, o := newMessageRow()
			rows[o] = r
			return o
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			m, ok := u.model.Row(id)
			if !ok {
				m = model.MessageSummary{Seen: true}
			}
			rows[o].set(m)
		})
	u.list.OnSelected = func(id widget.ListItemID) {
		if m, ok := u.model.Row(id); ok {
			u.openMessage(m.ID)
		}
	}
	return u.list
}
