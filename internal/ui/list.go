package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// listMode says what the message list shows: a folder, the Sent folder
// (recipients and who acknowledged) or search results (with their mailbox).
type listMode int

const (
	modeFolder listMode = iota
	modeSent
	modeSearch
)

// columns is the message list's column layout, shared by the header and
// every row so they line up: marks, sender (recipients in Sent), subject
// (takes the rest), date, and size ("n/m đã nhận" in Sent, the mailbox in
// search results).
type columns struct{ mode listMode }

var columnWidths = [...]float32{104, 210, 0, 144, 76}

// lastColumnWidth is the width of the fifth column in each mode.
var lastColumnWidth = map[listMode]float32{modeFolder: 76, modeSent: 120, modeSearch: 210}

func (c columns) widths(total float32, pad float32) []float32 {
	w := columnWidths
	w[4] = lastColumnWidth[c.mode]
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

// compact draws a list row with less space above and below its labels, so
// that a 1366×768 screen shows at least 12 rows.
type compact struct{}

func (compact) trim() float32 { return max(theme.InnerPadding()-3, 0) }

// Layout implements fyne.Layout.
func (c compact) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, -c.trim()))
		o.Resize(fyne.NewSize(size.Width, size.Height+2*c.trim()))
	}
}

// MinSize implements fyne.Layout.
func (c compact) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(s.Width, max(s.Height-2*c.trim(), 0))
}

// scaleOf is the text-size factor of the current theme.
func scaleOf() float32 {
	if t, ok := fyne.CurrentApp().Settings().Theme().(*appTheme); ok {
		return t.scale
	}
	return 1
}

func (u *UI) buildHeader() fyne.CanvasObject {
	mk := func(k SortKey) fyne.CanvasObject {
		b := widget.NewButton("", func() { u.SortBy(k) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		u.headers[k] = b
		return b
	}
	marks := widget.NewLabelWithStyle(lang.L("column.marks"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.headerRow = container.New(columns{}, marks, mk(SortSender), mk(SortSubject), mk(SortDate), mk(SortSize))
	u.updateHeader()
	return container.NewVBox(u.headerRow, widget.NewSeparator())
}

// SortBy sorts the list on a column; a second click reverses the order.
func (u *UI) SortBy(k SortKey) {
	if u.searching || (k == SortSize && u.listMode() != modeFolder) {
		return // results keep their relevance order; the last column there is no size
	}
	if u.sortKey == k {
		u.sortDesc = !u.sortDesc
	} else {
		u.sortKey, u.sortDesc = k, k == SortDate || k == SortSize
	}
	u.reloadList()
}

// listMode is what the list shows now.
func (u *UI) listMode() listMode {
	if u.searching {
		return modeSearch
	}
	for _, f := range u.folderData[u.account] {
		if f.Name == u.folder && f.Role == model.RoleSent {
			return modeSent
		}
	}
	return modeFolder
}

// headerKeys are the column titles of each mode.
func headerKeys(mode listMode) map[SortKey]string {
	keys := map[SortKey]string{SortSender: "column.sender", SortSubject: "column.subject", SortDate: "column.date", SortSize: "column.size"}
	switch mode {
	case modeSent:
		keys[SortSender], keys[SortSize] = "column.recipients", "column.acked"
	case modeSearch:
		keys[SortSize] = "column.mailbox"
	}
	return keys
}

func (u *UI) updateHeader() {
	mode := u.listMode()
	keys := headerKeys(mode)
	if u.headerRow != nil {
		u.headerRow.Layout = columns{mode}
		u.headerRow.Refresh()
	}
	for k, b := range u.headers {
		b.SetIcon(nil)
		if k == u.sortKey && !u.searching {
			if u.sortDesc {
				b.SetIcon(theme.MenuDropDownIcon())
			} else {
				b.SetIcon(theme.MenuDropUpIcon())
			}
		}
		b.SetText(lang.L(keys[k]))
	}
}

// messageRow is one list row; rows are recycled by the list.
type messageRow struct {
	box                        *fyne.Container
	unread, attach, doc, acked *tipIcon
	sender, subject, date      *widget.Label
	last                       *widget.Label
}

func newMessageRow() (*messageRow, fyne.CanvasObject) {
	r := &messageRow{
		unread: newTipIcon(), attach: newTipIcon(), doc: newTipIcon(), acked: newTipIcon(),
		sender: widget.NewLabel(""), subject: widget.NewLabel(""), date: widget.NewLabel(""), last: widget.NewLabel(""),
	}
	for _, l := range []*widget.Label{r.sender, r.subject, r.date, r.last} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	marks := container.NewGridWithColumns(4, r.unread, r.attach, r.doc, r.acked)
	r.box = container.New(columns{}, marks, r.sender, r.subject, r.date, r.last)
	return r, container.New(compact{}, r.box)
}

// set fills the row with m in a list of the given mode; mark is its
// acknowledgement mark when known.
func (r *messageRow) set(m model.MessageSummary, mark AckMark, known bool, mode listMode, place string) {
	r.box.Layout = columns{mode}
	r.unread.set(pick(!m.Seen, theme.RadioButtonCheckedIcon()), lang.L("tip.unread"))
	r.attach.set(pick(m.HasAttachments, signatureBadge(m.ID, theme.MailAttachmentIcon())), signatureTip(m.ID))
	switch {
	case isSecret(m):
		r.doc.set(theme.VisibilityOffIcon(), lang.L("tip.secret"))
	case m.Document:
		r.doc.set(theme.DocumentIcon(), lang.L("tip.document"))
	default:
		r.doc.set(nil, "")
	}
	if !known {
		mark = AckMark{State: AckNotDocument}
		if m.Document {
			mark.State = AckWaiting
			if m.Acked {
				mark.State = AckDone
			}
		}
	}
	icon, tip := ackIcon(mark)
	r.acked.set(icon, tip)
	who := m.From.Name
	if who == "" {
		who = m.From.Address
	}
	last := formatSize(m.Size)
	r.last.Alignment = fyne.TextAlignTrailing
	switch mode {
	case modeSent:
		who = recipientNames(m.To)
		last = ""
		if mark.State == AckSentDoc {
			last = lang.L("list.acked_of", map[string]any{"Acked": mark.Acked, "Total": mark.Total})
		}
	case modeSearch:
		last = place
		r.last.Alignment = fyne.TextAlignLeading
	}
	bold := fyne.TextStyle{Bold: !m.Seen}
	for _, x := range []struct {
		l *widget.Label
		t string
	}{{r.sender, who}, {r.subject, m.Subject}, {r.date, m.Date.Format("02/01/2006 15:04")}, {r.last, last}} {
		x.l.Text = x.t
		x.l.TextStyle = bold
		x.l.Refresh()
	}
	r.box.Refresh()
}

// isSecret: the mail is marked secret ("[MẬT]", R7), which never travels by public mail.
func isSecret(m model.MessageSummary) bool {
	return m.Secret != "" || strings.Contains(strings.ToUpper(m.Subject), "[MẬT]")
}

// ackIcon is the icon and tooltip of an acknowledgement mark (R2).
func ackIcon(m AckMark) (fyne.Resource, string) {
	switch m.State {
	case AckDone:
		if m.At.IsZero() {
			return theme.ConfirmIcon(), lang.L("tip.acked")
		}
		return theme.ConfirmIcon(), lang.L("tip.acked_at", map[string]any{"Time": m.At.Format("15:04 02/01")})
	case AckWaiting:
		return theme.HistoryIcon(), lang.L("tip.ack_waiting")
	case AckManual:
		return theme.WarningIcon(), lang.L("tip.ack_manual")
	case AckNotRequired:
		return theme.ContentRemoveIcon(), lang.L("tip.ack_not_required")
	case AckSentDoc:
		tip := lang.L("list.acked_of", map[string]any{"Acked": m.Acked, "Total": m.Total})
		if m.Acked >= m.Total {
			return theme.ConfirmIcon(), tip
		}
		return theme.HistoryIcon(), tip
	}
	return nil, lang.L("tip.not_document")
}

// recipientNames is a short list of recipients for the Sent folder.
func recipientNames(as []model.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
		if out[i] == "" {
			out[i] = a.Address
		}
	}
	return strings.Join(out, ", ")
}

func pick(on bool, res fyne.Resource) fyne.Resource {
	if on {
		return res
	}
	return nil
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
	if u.model == nil {
		u.reloadList()
	}
	rows := map[fyne.CanvasObject]*messageRow{}
	ml := &messageList{u: u}
	ml.Length = func() int { return u.model.Len() }
	ml.CreateItem = func() fyne.CanvasObject {
		r, o := newMessageRow()
		rows[o] = r
		return o
	}
	ml.ExtendBaseWidget(ml)
	u.list = &ml.List
	u.list.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		m, ok := u.model.Row(id)
		if !ok {
			m = model.MessageSummary{Seen: true}
		}
		mark, known := u.model.Mark(m.ID)
		mode := u.listMode()
		place := ""
		if mode == modeSearch {
			place = u.placeOf(m)
		}
		rows[o].set(m, mark, known, mode, place)
	}
	u.list.OnSelected = func(id widget.ListItemID) {
		if m, ok := u.model.Row(id); ok {
			u.openMessage(m.ID)
			if u.inDrafts(m) {
				u.ResumeDraft(m.ID) // a draft opens where it can be finished
			}
		}
	}
	return ml
}

// placeOf names a search result's mailbox and folder.
func (u *UI) placeOf(m model.MessageSummary) string {
	acct := m.Account
	for _, a := range u.svc.Accounts() {
		if a.Name == m.Account {
			acct = accountShort(a)
		}
	}
	folder := m.Folder
	for _, f := range u.folderData[m.Account] {
		if f.Name == m.Folder {
			folder = folderLabel(f)
		}
	}
	return acct + " · " + folder
}

// inDrafts: m lies in its account's Drafts folder.
func (u *UI) inDrafts(m model.MessageSummary) bool {
	for _, f := range u.folderData[m.Account] {
		if f.Name == m.Folder {
			return f.Role == model.RoleDrafts
		}
	}
	return false
}

// messageList is the message list; Delete moves the selected message to
// Trash (Outlook's habit) also while the list has the keyboard.
type messageList struct {
	widget.List
	u *UI
}

// TypedKey implements fyne.Focusable.
func (l *messageList) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyDelete {
		l.u.DeleteSelected()
		return
	}
	l.List.TypedKey(k)
}
