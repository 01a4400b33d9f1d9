package ui

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// composeView is one compose window: recipients with completion, subject,
// body, attachments, the signature as it will be sent, and the live
// preflight checklist with one-click fixes.
type composeView struct {
	u           *UI
	win         fyne.Window
	replyTo     int64
	from        *widget.Select
	accounts    []model.Account
	to, cc, bcc *fwdEntry
	subject     *fwdEntry
	body        *fwdEntry
	suggest     *fyne.Container
	form        *fyne.Container
	attachments []string
	attachBox   *fyne.Container
	signature   *widget.Label
	findings    *fyne.Container
	send        *widget.Button
	progress    *widget.ProgressBarInfinite
	found       []Finding
	// draftID names the saved draft; saved is the content last saved, so
	// autosave and closing know whether there is anything new to keep.
	draftID  string
	saved    Draft
	savedAt  *widget.Label
	autosave *time.Ticker
	stop     chan struct{}
	closed   bool
	prompt   *dialog.CustomDialog
	// opened is the draft the window was opened from (ID empty for a new mail).
	opened Draft
}

// autosaveEvery is how often compose keeps its draft: a crash loses at
// most this much typing.
var autosaveEvery = 5 * time.Second

// NewCompose opens a compose window filled from d.
func (u *UI) NewCompose(d Draft) {
	w := u.app.NewWindow(lang.L("compose.title"))
	c := u.newComposeView(w, d)
	w.SetContent(c.object())
	u.rememberSize(w, "compose", fyne.NewSize(960, 600)) // fits WindowSize
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		for _, uri := range uris {
			if uri.Scheme() == "file" {
				c.addAttachment(uri.Path())
			}
		}
	})
	ctrl := func(k fyne.KeyName, fn func()) {
		addWindowShortcut(w, &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}, fn)
	}
	ctrl(fyne.KeyReturn, c.Send)
	ctrl(fyne.KeyEnter, c.Send)
	ctrl(fyne.KeyW, c.Close)
	addWindowShortcut(w, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, func() { c.saveDraft(true) })
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if dialogKey(w, e) {
			return
		}
		if e.Name == fyne.KeyEscape {
			c.Close()
		}
	})
	w.SetCloseIntercept(c.Close)
	w.SetOnClosed(func() {
		c.stopAutosave()
		u.storeSize(w, "compose")
		forgetWindowShortcuts(w)
	})
	u.compose, u.composeWn = c, w
	c.startAutosave()
	w.Show()
	if len(d.To) == 0 {
		w.Canvas().Focus(c.to)
	} else {
		w.Canvas().Focus(c.body)
	}
}

func (u *UI) newComposeView(w fyne.Window, d Draft) *composeView {
	c := &composeView{u: u, win: w, replyTo: d.ReplyTo, accounts: u.svc.Accounts(), draftID: d.ID, saved: d, opened: d}
	var opts []string
	sel := ""
	for _, a := range c.accounts {
		opts = append(opts, accountLabel(a))
		if a.Name == d.Account || (d.Account == "" && a.Name == u.account) {
			sel = accountLabel(a)
		}
	}
	c.from = widget.NewSelect(opts, func(string) { c.updateSignature(); c.check() })
	if sel == "" && len(opts) > 0 {
		sel = opts[0]
	}
	c.from.Selected = sel
	c.suggest = container.NewHBox()
	mkAddr := func(v []string) *fwdEntry {
		e := newFwdEntry(w)
		e.SetText(strings.Join(v, ", "))
		e.OnChanged = func(s string) { c.complete(e, s); c.check() }
		return e
	}
	c.to, c.cc, c.bcc = mkAddr(d.To), mkAddr(d.Cc), mkAddr(d.Bcc)
	c.subject = newFwdEntry(w)
	c.subject.SetText(d.Subject)
	c.subject.OnChanged = func(string) { c.check() }
	c.body = newFwdMultiLine(w)
	c.body.SetText(d.Body)
	c.body.OnChanged = func(string) { c.check() }
	c.signature = widget.NewLabel("")
	c.signature.Wrapping = fyne.TextWrapWord
	c.attachBox = container.NewVBox()
	for _, p := range d.Attachments {
		c.addAttachment(p)
	}
	c.findings = container.NewVBox()
	c.send = widget.NewButtonWithIcon(lang.L("compose.send"), theme.MailSendIcon(), c.Send)
	c.send.Importance = widget.HighImportance
	c.progress = widget.NewProgressBarInfinite()
	c.progress.Stop()
	c.progress.Hide()
	c.savedAt = widget.NewLabel("")
	c.savedAt.Importance = widget.LowImportance
	c.updateSignature()
	c.check()
	c.saved = c.draft() // what the window opened with is not new
	return c
}

func (c *composeView) object() fyne.CanvasObject {
	label := func(key string) *widget.Label { return widget.NewLabel(lang.L(key)) }
	c.form = container.New(&formLayout{},
		label("compose.from"), c.from,
		label("compose.to"), c.to,
		widget.NewLabel(""), c.suggest,
		label("compose.cc"), c.cc,
		label("compose.bcc"), c.bcc,
		label("compose.subject"), c.subject,
	)
	attach := widget.NewButtonWithIcon(lang.L("compose.attach"), theme.MailAttachmentIcon(), c.pickAttachment)
	editSig := widget.NewButtonWithIcon(lang.L("compose.edit_signature"), theme.DocumentCreateIcon(), c.editSignature)
	sigBox := container.NewBorder(nil, nil, nil, container.NewVBox(editSig), container.NewVBox(
		widget.NewLabelWithStyle(lang.L("compose.signature"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), c.signature))
	// The signature scrolls under the body: on a 1366×768 screen at 125 %
	// it would otherwise leave the body three lines.
	sigSplit := container.NewVSplit(c.body, container.NewVScroll(sigBox))
	sigSplit.Offset = 0.62
	left := container.NewBorder(container.NewVBox(c.form, c.attachBox), nil, nil, nil, sigSplit)
	checkTitle := widget.NewLabelWithStyle(lang.L("compose.preflight"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewBorder(checkTitle, nil, nil, nil, container.NewVScroll(c.findings))
	split := container.NewHSplit(left, right)
	split.Offset = 0.62
	save := widget.NewButtonWithIcon(lang.L("compose.save_draft"), theme.DocumentSaveIcon(), func() { c.saveDraft(true) })
	bar := container.NewBorder(nil, nil, container.NewHBox(attach, save), container.NewHBox(c.progress, c.send), c.savedAt)
	return container.NewBorder(nil, bar, nil, nil, split)
}

// draft is the window's content as a Draft.
func (c *composeView) draft() Draft {
	d := Draft{To: splitAddrs(c.to.Text), Cc: splitAddrs(c.cc.Text), Bcc: splitAddrs(c.bcc.Text),
		Subject: c.subject.Text, Body: c.body.Text, Attachments: append([]string(nil), c.attachments...), ReplyTo: c.replyTo,
		ID: c.draftID}
	if a := c.account(); a != nil {
		d.Account = a.Name
	}
	return d
}

func (c *composeView) account() *model.Account {
	for i := range c.accounts {
		if accountLabel(c.accounts[i]) == c.from.Selected {
			return &c.accounts[i]
		}
	}
	return nil
}

// splitAddrs splits a recipients field on commas and semicolons.
func splitAddrs(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// complete offers addresses the user has mailed for the token being typed.
func (c *composeView) complete(e *fwdEntry, text string) {
	c.suggest.Objects = nil
	parts := strings.Split(text, ",")
	last := strings.TrimSpace(parts[len(parts)-1])
	if len([]rune(last)) >= 2 && !strings.Contains(last, "@") {
		for _, a := range c.u.svc.Recipients(last, 4) {
			a := a
			b := widget.NewButton(names([]model.Address{a}), func() {
				parts[len(parts)-1] = " " + a.Address
				e.SetText(strings.TrimSpace(strings.Join(parts, ",")) + ", ")
				c.suggest.Objects = nil
				c.suggest.Refresh()
				c.win.Canvas().Focus(e)
			})
			b.Importance = widget.LowImportance
			c.suggest.Add(b)
		}
	}
	c.suggest.Refresh()
	if c.form != nil {
		c.form.Refresh()
	}
}

func (c *composeView) updateSignature() {
	a := c.account()
	if a == nil {
		c.signature.SetText("")
		return
	}
	c.signature.SetText(formatSignature(a.Signature))
}

// formatSignature lays out the signature fields as they are sent (R3, LA 14.7, LA 8.4).
func formatSignature(s model.Signature) string {
	var lines []string
	add := func(key, v string) {
		if v != "" {
			if key != "" {
				v = lang.L(key) + ": " + v
			}
			lines = append(lines, v)
		}
	}
	add("", s.Name)
	add("", s.Title)
	add("", s.Agency)
	add("sig.address", s.Address)
	phones := s.Phone
	if s.Mobile != "" {
		phones = strings.TrimPrefix(phones+" · "+lang.L("sig.mobile")+": "+s.Mobile, " · ")
	}
	add("sig.phone", phones)
	add("sig.email", s.Email)
	add("sig.fax", s.Fax)
	add("sig.website", s.Website)
	if len(lines) == 0 {
		return lang.L("compose.no_signature")
	}
	return strings.Join(lines, "\n")
}

// check runs the preflight and redraws the checklist; it runs on every edit.
func (c *composeView) check() {
	c.found = c.u.svc.Preflight(c.draft())
	c.findings.Objects = nil
	blocked := false
	for _, f := range c.found {
		c.findings.Add(c.findingRow(f))
		blocked = blocked || f.Severity == SeverityBlock
	}
	if len(c.found) == 0 {
		ok := widget.NewLabel(lang.L("preflight.ok"))
		ok.Wrapping = fyne.TextWrapWord
		c.findings.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, ok))
	}
	c.findings.Refresh()
	if blocked {
		c.send.Disable()
	} else {
		c.send.Enable()
	}
}

// findingText is a finding in the user's language.
func findingText(f Finding) string {
	key := "finding." + f.Code
	text := lang.L(key, map[string]any{"Target": filepath.Base(f.Target)})
	if text == key || f.Code == "" {
		text = f.Message
	}
	return text
}

func (c *composeView) findingRow(f Finding) fyne.CanvasObject {
	icon := theme.WarningIcon()
	if f.Severity == SeverityBlock {
		icon = theme.ErrorIcon()
	}
	// Plain words first; the article it comes from in small text (R-number
	// and source) for who wants to look it up.
	msg := widget.NewLabel(findingText(f))
	msg.Wrapping = fyne.TextWrapWord
	row := container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, msg))
	if ref := ruleReference(f); ref != "" {
		rule := widget.NewLabel(ref)
		rule.SizeName = theme.SizeNameCaptionText
		rule.Wrapping = fyne.TextWrapWord
		row.Add(rule)
	}
	fixKey := map[FixKind]string{FixConvertPDF: "fix.convert_pdf", FixCompleteSignature: "fix.complete_signature",
		FixRemoveRecipient: "fix.remove_recipient", FixAddSubject: "fix.add_subject"}[f.Fix]
	if fixKey != "" {
		b := widget.NewButton(lang.L(fixKey), func() { c.applyFix(f) })
		row.Add(container.NewHBox(b))
	}
	row.Add(widget.NewSeparator())
	return row
}

// applyFix is the one-click fix of a finding.
func (c *composeView) applyFix(f Finding) {
	switch f.Fix {
	case FixRemoveRecipient:
		for _, e := range []*fwdEntry{c.to, c.cc, c.bcc} {
			var keep []string
			for _, a := range splitAddrs(e.Text) {
				if a != f.Target {
					keep = append(keep, a)
				}
			}
			e.SetText(strings.Join(keep, ", "))
		}
	case FixAddSubject:
		c.win.Canvas().Focus(c.subject)
	case FixCompleteSignature:
		c.editSignature()
	case FixConvertPDF: // the checklist updates when the conversion is done
		c.progress.Show()
		c.progress.Start()
		c.u.goBG(func() {
			out, err := c.u.svc.ConvertToPDF(context.Background(), f.Target, nil)
			doMain(func() {
				c.progress.Stop()
				c.progress.Hide()
				if err != nil {
					c.u.showErrorIn(c.win, err)
					return
				}
				for i, p := range c.attachments {
					if p == f.Target {
						c.attachments[i] = out
					}
				}
				c.redrawAttachments()
				c.check()
			})
		})
		return
	}
	c.check()
}

func (c *composeView) addAttachment(path string) {
	c.attachments = append(c.attachments, path)
	c.redrawAttachments()
	if c.findings != nil {
		c.check()
	}
}

func (c *composeView) redrawAttachments() {
	c.attachBox.Objects = nil
	for i, p := range c.attachments {
		i := i
		rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
			c.attachments = append(c.attachments[:i], c.attachments[i+1:]...)
			c.redrawAttachments()
			c.check()
		})
		rm.Importance = widget.LowImportance
		l := widget.NewLabel(filepath.Base(p))
		l.Truncation = fyne.TextTruncateEllipsis
		c.attachBox.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.MailAttachmentIcon()), c.attachmentActions(i, p, rm), l))
	}
	c.attachBox.Refresh()
}

func (c *composeView) pickAttachment() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(humanErr(err), c.win)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		c.addAttachment(r.URI().Path())
	}, c.win)
}

// editSignature edits the sending account's signature fields (R3).
func (c *composeView) editSignature() {
	a := c.account()
	if a == nil {
		return
	}
	c.u.editSignature(c.win, *a, func(sig model.Signature) {
		c.accounts = c.u.svc.Accounts()
		c.updateSignature()
		c.check()
	})
}

// Send hands the draft to the outbox unless a rule blocks it.
func (c *composeView) Send() {
	c.check()
	if c.send.Disabled() {
		return
	}
	d := c.draft()
	c.send.Disable()
	c.progress.Show()
	c.progress.Start()
	c.u.goBG(func() {
		err := c.u.svc.Send(context.Background(), d)
		doMain(func() {
			c.progress.Stop()
			c.progress.Hide()
			c.send.Enable()
			if err != nil {
				c.u.showErrorIn(c.win, err)
				return
			}
			c.discardDraft()
			c.closed = true
			c.win.Close()
			c.u.refresh()
		})
	})
}

// Reply answers the selected message; all adds the other recipients. The
// signature is not copied into the body: it is added once when sending.
func (u *UI) Reply(all bool) {
	m := u.reader.msg
	if m == nil {
		return
	}
	s := m.Summary
	d := Draft{Account: s.Account, To: []string{s.From.Address}, Subject: prefixed("Re: ", s.Subject),
		Body: "\n\n" + quote(m), ReplyTo: s.ID}
	if all {
		self := ""
		for _, a := range u.svc.Accounts() {
			if a.Name == s.Account {
				self = a.Email
			}
		}
		for _, a := range append(append([]model.Address(nil), s.To...), m.Cc...) {
			if !strings.EqualFold(a.Address, self) && !strings.EqualFold(a.Address, s.From.Address) {
				d.Cc = append(d.Cc, a.Address)
			}
		}
	}
	u.NewCompose(d)
}

// Forward sends the selected message on, quoted exactly as received (R8, ST 12.4).
func (u *UI) Forward() {
	m := u.reader.msg
	if m == nil {
		return
	}
	u.NewCompose(Draft{Account: m.Summary.Account, Subject: prefixed("Fwd: ", m.Summary.Subject),
		Body: "\n\n" + quote(m), ReplyTo: m.Summary.ID})
}

func prefixed(p, subject string) string {
	if strings.HasPrefix(strings.ToLower(subject), strings.ToLower(p)) {
		return subject
	}
	return p + subject
}

// quote is the original's text with "> " before each line, its own
// signature block ("-- " line onward) left out so signatures do not pile up.
func quote(m *ReaderMessage) string {
	text := m.Text
	if text == "" && m.HTML != "" {
		var b strings.Builder
		for _, s := range htmlToRich(m.HTML, false).Segments {
			b.WriteString(s.Textual())
			if !s.Inline() {
				b.WriteString("\n")
			}
		}
		text = b.String()
	}
	if i := strings.Index(text, "\n-- \n"); i >= 0 {
		text = text[:i]
	}
	head := lang.L("compose.quote_header", map[string]any{"Date": m.Summary.Date.Format("15:04 02/01/2006"),
		"From": names([]model.Address{m.Summary.From})})
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i := range lines {
		lines[i] = "> " + lines[i]
	}
	return head + "\n" + strings.Join(lines, "\n")
}

// humanErr wraps humanError for dialog.ShowError.
func humanErr(err error) error { return plainError(humanError(err)) }

type plainError string

func (e plainError) Error() string { return string(e) }

// formLayout is a two-column form: labels as wide as the widest, fields the rest.
type formLayout struct{}

// Layout implements fyne.Layout.
func (formLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	lw := float32(0)
	for i := 0; i < len(objs); i += 2 {
		lw = max(lw, objs[i].MinSize().Width)
	}
	y := float32(0)
	for i := 0; i+1 < len(objs); i += 2 {
		if !objs[i+1].Visible() || (objs[i+1].MinSize().Height == 0) {
			continue
		}
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(lw, h))
		objs[i+1].Move(fyne.NewPos(lw+pad, y))
		objs[i+1].Resize(fyne.NewSize(size.Width-lw-pad, h))
		y += h + pad
	}
}

// MinSize implements fyne.Layout.
func (formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	lw, fw, h := float32(0), float32(0), float32(0)
	for i := 0; i+1 < len(objs); i += 2 {
		if !objs[i+1].Visible() || objs[i+1].MinSize().Height == 0 {
			continue
		}
		lw = max(lw, objs[i].MinSize().Width)
		fw = max(fw, objs[i+1].MinSize().Width)
		h += max(objs[i].MinSize().Height, objs[i+1].MinSize().Height) + pad
	}
	return fyne.NewSize(lw+pad+fw, max(h-pad, 0))
}

// ruleReference names where a finding's rule comes from, in words.
func ruleReference(f Finding) string {
	if f.Rule == "" && f.Source == "" {
		return ""
	}
	return strings.TrimSpace(lang.L("preflight.reference", map[string]any{"Rule": f.Rule, "Source": sourceName(f.Source)}))
}

// sourceName turns article references ("HN 11.7", "LA 7.4, HN 3.3",
// "mặc định") into words.
func sourceName(src string) string {
	var out []string
	for _, ref := range strings.Split(src, ",") {
		ref = strings.TrimSpace(ref)
		code, article, _ := strings.Cut(ref, " ")
		key := "regulation." + strings.ToLower(code)
		switch name := lang.L(key); {
		case name != key && article != "":
			out = append(out, lang.L("regulation.article", map[string]any{"Article": article, "Name": name}))
		case name != key:
			out = append(out, name)
		case ref == "mặc định" || ref == "default" || ref == "":
			out = append(out, lang.L("regulation.default"))
		default:
			out = append(out, ref)
		}
	}
	return strings.Join(out, "; ")
}
