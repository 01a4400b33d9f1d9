package ui

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// The acknowledgement text (R2, LA 6.2) is edited as plain text with named
// placeholders such as [Người gửi]; it is stored as the engine's template.
var (
	dateBlock  = regexp.MustCompile(`(?s)\{\{if \.Date\}\}(.*?)\{\{\.Date\}\}(.*?)\{\{end\}\}`)
	filesBlock = regexp.MustCompile(`(?s)\{\{if \.Attachments\}\}.*?\{\{range \.Attachments\}\}.*?\{\{end\}\}(?:\{\{else\}\}.*?)?\{\{end\}\}`)
)

// placeholders pairs each placeholder's translation key with its field.
var placeholders = []struct{ key, field string }{
	{"ph.sender", "{{.Sender}}"}, {"ph.subject", "{{.Subject}}"}, {"ph.date", "{{.Date}}"}, {"ph.agency", "{{.Agency}}"},
}

func phName(key string) string { return "[" + lang.L(key) + "]" }

// friendlyTemplate shows a stored template with named placeholders.
func friendlyTemplate(t string) string {
	t = dateBlock.ReplaceAllString(t, "${1}"+phName("ph.date")+"${2}")
	t = filesBlock.ReplaceAllString(t, phName("ph.files"))
	for _, p := range placeholders {
		t = strings.ReplaceAll(t, p.field, phName(p.key))
	}
	return t
}

// goTemplate turns the edited text back into the engine's template.
func goTemplate(t string) string {
	for _, p := range placeholders {
		t = strings.ReplaceAll(t, phName(p.key), p.field)
	}
	return strings.ReplaceAll(t, phName("ph.files"),
		"{{if .Attachments}}"+lang.L("ph.files_intro")+"\n{{range .Attachments}}  - {{.}}\n{{end}}{{else}}.\n{{end}}")
}

// maxAckText bounds the acknowledgement text the preview renders.
const maxAckText = 16 << 10

// renderPreview fills the template with an example document. Text too long
// or calling other templates is not rendered.
func renderPreview(text string) string {
	src := goTemplate(text)
	if len(src) > maxAckText || strings.Contains(src, "{{template") || strings.Contains(src, "{{block") {
		return lang.L("settings.ack_template_error")
	}
	t, err := template.New("ack").Parse(src)
	if err != nil {
		return lang.L("settings.ack_template_error")
	}
	var b bytes.Buffer
	err = t.Execute(&b, map[string]any{"Sender": lang.L("preview.sender"), "Subject": lang.L("preview.subject"),
		"Date": "02/06/2025", "Attachments": []string{"125-GM-UBND.pdf"}, "Agency": lang.L("preview.agency")})
	if err != nil {
		return lang.L("settings.ack_template_error")
	}
	return b.String()
}

func (v *settingsView) updatePreview() {
	v.preview.SetText(renderPreview(v.ackTemplate.Text))
}

// ackTools inserts placeholders and restores the default text.
func (v *settingsView) ackTools() fyne.CanvasObject {
	box := container.NewHBox()
	for _, key := range []string{"ph.sender", "ph.subject", "ph.date", "ph.agency", "ph.files"} {
		key := key
		b := widget.NewButton(phName(key), func() {
			v.ackTemplate.Append(phName(key))
			v.updatePreview()
		})
		b.Importance = widget.LowImportance
		if v.ackTemplate.Disabled() {
			b.Disable()
		}
		box.Add(b)
	}
	reset := widget.NewButtonWithIcon(lang.L("settings.ack_reset"), theme.ContentUndoIcon(), func() {
		if w := v.u.ws(); w != nil {
			v.ackTemplate.SetText(friendlyTemplate(w.DefaultAckTemplate(v.u.svc.Settings().Language)))
		}
	})
	if v.u.ws() == nil || v.ackTemplate.Disabled() {
		reset.Disable()
	}
	return container.NewVBox(container.NewHScroll(box), container.NewHBox(reset))
}

// profileName is a rule profile by its agency's name.
func (v *settingsView) profileName(id string) string {
	for _, p := range v.u.svc.Profiles() {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

// required rejects an empty field.
func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return plainError(lang.L("form.required"))
	}
	return nil
}

// editAccount edits a mailbox's servers and password.
func (v *settingsView) editAccount(a model.Account) {
	w := v.u.ws()
	if w == nil {
		return
	}
	imapHost, smtpHost := widget.NewEntry(), widget.NewEntry()
	imapHost.SetText(a.IMAP.Host)
	smtpHost.SetText(a.SMTP.Host)
	imapPort, smtpPort := widget.NewEntry(), widget.NewEntry()
	imapPort.SetText(strconv.Itoa(a.IMAP.Port))
	smtpPort.SetText(strconv.Itoa(a.SMTP.Port))
	port := func(s string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 1 || n > 65535 {
			return plainError(lang.L("form.bad_port"))
		}
		return nil
	}
	for _, e := range []*widget.Entry{imapHost, smtpHost} {
		e.Validator = required
	}
	imapPort.Validator, smtpPort.Validator = port, port
	user := widget.NewEntry()
	user.SetText(a.Username)
	user.Validator = required
	pass := widget.NewPasswordEntry()
	var names []string
	sel := ""
	for _, p := range v.u.svc.Profiles() {
		names = append(names, p.Name)
		if p.ID == a.Profile {
			sel = p.Name
		}
	}
	prof := widget.NewSelect(names, nil)
	prof.Selected = sel
	item := func(key string, o fyne.CanvasObject, req bool) *widget.FormItem {
		it := widget.NewFormItem(lang.L(key), o)
		it.Required = req
		return it
	}
	passItem := item("settings.new_password", pass, false)
	passItem.HintText = lang.L("settings.new_password_hint")
	items := []*widget.FormItem{
		item("setup.imap", imapHost, true), item("settings.port", imapPort, true),
		item("setup.smtp", smtpHost, true), item("settings.port", smtpPort, true),
		item("setup.username", user, true), passItem, item("settings.rules", prof, false),
	}
	d := dialog.NewForm(lang.L("settings.edit_title", map[string]any{"Email": a.Email}), lang.L("settings.save"), lang.L("compose.close_cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		na := a
		na.IMAP.Host, na.SMTP.Host = strings.TrimSpace(imapHost.Text), strings.TrimSpace(smtpHost.Text)
		na.IMAP.Port, _ = strconv.Atoi(strings.TrimSpace(imapPort.Text))
		na.SMTP.Port, _ = strconv.Atoi(strings.TrimSpace(smtpPort.Text))
		na.Username = strings.TrimSpace(user.Text)
		for _, p := range v.u.svc.Profiles() {
			if p.Name == prof.Selected {
				na.Profile = p.ID
			}
		}
		password := pass.Text
		v.u.goBG(func() {
			err := w.UpdateAccount(na, password)
			doMain(func() {
				if err != nil {
					dialog.ShowError(humanErr(err), v.win)
					return
				}
				nv := v.u.newSettingsView(v.win)
				v.win.SetContent(nv.object())
				nv.tabs.SelectIndex(3)
				nv.saved.SetText(lang.L("settings.account_saved", map[string]any{"Email": a.Email}))
				v.u.settings = nv
				v.u.accountsChanged()
			})
		})
	}, v.win)
	d.Resize(fitScreen(fyne.NewSize(640, 520)))
	d.Show()
}
