package ui

import (
	"fmt"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// textScales are the text sizes offered, as percentages.
var textScales = []int{90, 100, 115, 130, 150}

// settingsView edits Settings, signatures and accounts.
type settingsView struct {
	u           *UI
	win         fyne.Window
	language    *widget.RadioGroup
	textSize    *widget.Select
	checkTimes  *widget.Entry
	converter   *widget.RadioGroup
	autoAck     *widget.Check
	ackTemplate *widget.Entry
	receipts    *widget.RadioGroup
	tabs        *container.AppTabs
	// saved confirms "Lưu" next to the button.
	saved   *widget.Label
	preview *widget.Label
}

// ShowSettings opens the settings window.
func (u *UI) ShowSettings() {
	w := u.app.NewWindow(lang.L("settings.title"))
	v := u.newSettingsView(w)
	w.SetContent(v.object())
	u.rememberSize(w, "settings", fyne.NewSize(820, 600))
	w.SetOnClosed(func() { u.storeSize(w, "settings"); forgetWindowShortcuts(w) })
	addWindowShortcut(w, &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}, w.Close)
	w.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if !dialogKey(w, e) && e.Name == fyne.KeyEscape {
			w.Close()
		}
	})
	u.settings = v
	w.Show()
}

func (u *UI) newSettingsView(w fyne.Window) *settingsView {
	s := u.svc.Settings()
	v := &settingsView{u: u, win: w}
	langs := []string{"Tiếng Việt", "English"}
	v.language = widget.NewRadioGroup(langs, nil)
	v.language.Horizontal = true
	v.language.Required = true
	v.language.Selected = langs[0]
	if s.Language == "en" {
		v.language.Selected = langs[1]
	}
	var sizes []string
	cur := ""
	for _, p := range textScales {
		sizes = append(sizes, fmt.Sprintf("%d%%", p))
		if int(s.TextScale*100+0.5) == p {
			cur = sizes[len(sizes)-1]
		}
	}
	v.textSize = widget.NewSelect(sizes, nil)
	v.textSize.Selected = cur
	if cur == "" {
		v.textSize.Selected = "100%"
	}
	v.checkTimes = widget.NewEntry()
	v.checkTimes.SetText(strings.Join(s.CheckTimes, ", "))
	v.checkTimes.Validator = validateTimes
	convs := []string{lang.L("settings.converter_auto"), "LibreOffice", "Microsoft Office"}
	v.converter = widget.NewRadioGroup(convs, nil)
	v.converter.Required = true
	v.converter.Selected = map[string]string{"libreoffice": convs[1], "msoffice": convs[2]}[s.Converter]
	if v.converter.Selected == "" {
		v.converter.Selected = convs[0]
	}
	v.autoAck = widget.NewCheck(lang.L("settings.auto_ack"), nil)
	v.autoAck.Checked = s.AutoAck
	v.ackTemplate = widget.NewMultiLineEntry()
	v.ackTemplate.Wrapping = fyne.TextWrapWord
	v.ackTemplate.SetText(friendlyTemplate(s.AckTemplate))
	v.ackTemplate.SetMinRowsVisible(6)
	v.saved = widget.NewLabel("")
	v.preview = widget.NewLabel("")
	v.preview.Wrapping = fyne.TextWrapWord
	v.ackTemplate.OnChanged = func(string) { v.updatePreview() }
	v.updatePreview()
	// Machine policy set by agency IT wins and shows read-only.
	for setting, w := range map[string]fyne.Disableable{"check_times": v.checkTimes, "converter": v.converter,
		"ack.auto": v.autoAck, "ack.template": v.ackTemplate} {
		if s.IsLocked(setting) {
			w.Disable()
		}
	}
	// RFC 8098: read receipts only with the user's consent.
	receiptModes := []string{lang.L("settings.receipts_always"), lang.L("settings.receipts_ask"), lang.L("settings.receipts_never")}
	v.receipts = widget.NewRadioGroup(receiptModes, nil)
	v.receipts.Horizontal = true
	v.receipts.Required = true
	v.receipts.Selected = receiptModes[1]
	switch s.ReadReceipts {
	case "always":
		v.receipts.Selected = receiptModes[0]
	case "never":
		v.receipts.Selected = receiptModes[2]
	}
	return v
}

var timeRe = regexp.MustCompile(`^([01]?\d|2[0-3]):[0-5]\d$`)

// validateTimes accepts a comma-separated list of HH:MM (R1).
func validateTimes(s string) error {
	for _, t := range strings.Split(s, ",") {
		if !timeRe.MatchString(strings.TrimSpace(t)) {
			return plainError(lang.L("settings.bad_time", map[string]any{"Time": strings.TrimSpace(t)}))
		}
	}
	return nil
}

func hint(key string) *widget.Label {
	l := widget.NewLabel(lang.L(key))
	l.Wrapping = fyne.TextWrapWord
	return l // full contrast: help text must be readable
}

func (v *settingsView) object() fyne.CanvasObject {
	general := widget.NewForm(
		widget.NewFormItem(lang.L("settings.language"), v.language),
		widget.NewFormItem(lang.L("settings.text_size"), v.textSize),
		widget.NewFormItem(lang.L("settings.check_times"), v.checkTimes),
		widget.NewFormItem(lang.L("settings.converter"), v.converter),
	)
	general.Items[2].HintText = lang.L("settings.check_times_hint")
	ack := container.NewVScroll(container.NewVBox(v.autoAck, hint("settings.ack_hint"),
		widget.NewLabelWithStyle(lang.L("settings.receipts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.receipts,
		widget.NewLabelWithStyle(lang.L("settings.ack_template"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint("settings.ack_placeholders"), v.ackTemplate, v.ackTools(),
		widget.NewLabelWithStyle(lang.L("settings.ack_preview"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewCard("", "", v.preview)))
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("settings.general"), theme.SettingsIcon(), container.NewPadded(general)),
		container.NewTabItemWithIcon(lang.L("settings.signature"), theme.DocumentCreateIcon(), container.NewPadded(v.signaturePage())),
		container.NewTabItemWithIcon(lang.L("settings.ack"), theme.ConfirmIcon(), container.NewPadded(ack)),
		container.NewTabItemWithIcon(lang.L("settings.accounts"), theme.AccountIcon(), container.NewPadded(v.accountsPage())),
	)
	v.tabs.SetTabLocation(container.TabLocationLeading)
	save := widget.NewButtonWithIcon(lang.L("settings.save"), theme.DocumentSaveIcon(), v.save)
	save.Importance = widget.HighImportance
	closeBtn := widget.NewButtonWithIcon(lang.L("settings.close"), theme.CancelIcon(), v.win.Close)
	return container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(closeBtn, save), v.saved), nil, nil, v.tabs)
}

func (v *settingsView) signaturePage() fyne.CanvasObject {
	box := container.NewVBox(hint("settings.signature_hint"))
	for _, a := range v.u.svc.Accounts() {
		a := a
		l := widget.NewLabel(formatSignature(a.Signature))
		l.Wrapping = fyne.TextWrapWord
		edit := widget.NewButtonWithIcon(lang.L("compose.edit_signature"), theme.DocumentCreateIcon(), func() {
			v.u.editSignature(v.win, a, func(sig model.Signature) { l.SetText(formatSignature(sig)) })
		})
		box.Add(widget.NewCard(accountLabel(a), "", container.NewBorder(nil, nil, nil, container.NewVBox(edit), l)))
	}
	return container.NewVScroll(box)
}

func (v *settingsView) accountsPage() fyne.CanvasObject {
	box := container.NewVBox()
	for _, a := range v.u.svc.Accounts() {
		kind := lang.L("account.personal")
		if a.Shared {
			kind = lang.L("account.agency")
		}
		a := a
		remove := widget.NewButtonWithIcon(lang.L("settings.remove_account"), theme.DeleteIcon(), func() { v.removeAccount(a) })
		edit := widget.NewButtonWithIcon(lang.L("settings.edit_account"), theme.DocumentCreateIcon(), func() { v.editAccount(a) })
		buttons := container.NewHBox(edit, remove)
		if v.u.ws() == nil {
			edit.Hide()
		}
		box.Add(widget.NewCard(a.Email, kind+" · "+a.IMAP.Host+fmt.Sprintf(":%d", a.IMAP.Port)+" · "+v.profileName(a.Profile),
			buttons))
	}
	add := widget.NewButtonWithIcon(lang.L("settings.add_account"), theme.ContentAddIcon(), func() { v.u.ShowSetup(true) })
	return container.NewBorder(nil, container.NewHBox(add), nil, nil, container.NewVScroll(box))
}

// removeAccount forgets a mailbox after the user confirmed; its background
// duties stop at once.
func (v *settingsView) removeAccount(a model.Account) {
	d := dialog.NewConfirm(lang.L("settings.remove_title"), lang.L("settings.remove_confirm", map[string]any{"Email": a.Email}), func(ok bool) {
		if ok {
			v.remove(a)
		}
	}, v.win)
	showKeyed(v.win, d, nil, nil, nil) // Enter closes without removing: removal takes a click
}

// remove forgets the mailbox off the UI goroutine and rebuilds the screens.
func (v *settingsView) remove(a model.Account) {
	v.u.goBG(func() {
		err := v.u.svc.RemoveAccount(a.Name)
		doMain(func() {
			if err != nil {
				dialog.ShowError(humanErr(err), v.win)
				return
			}
			v.win.SetContent(v.u.newSettingsView(v.win).object())
			v.u.accountsChanged()
		})
	})
}

// save stores the settings; a new language or text size rebuilds the screens.
func (v *settingsView) save() {
	s := v.u.svc.Settings()
	if err := validateTimes(v.checkTimes.Text); err != nil {
		dialog.ShowError(err, v.win)
		return
	}
	s.CheckTimes = nil
	for _, t := range strings.Split(v.checkTimes.Text, ",") {
		s.CheckTimes = append(s.CheckTimes, strings.TrimSpace(t))
	}
	s.AutoAck = v.autoAck.Checked
	s.ReadReceipts = []string{"always", "ask", "never"}[indexOf(v.receipts.Options, v.receipts.Selected, 1)]
	s.AckTemplate = goTemplate(v.ackTemplate.Text)
	s.Converter = map[string]string{"LibreOffice": "libreoffice", "Microsoft Office": "msoffice"}[v.converter.Selected]
	if s.Converter == "" {
		s.Converter = "auto"
	}
	newLang := "vi"
	if v.language.Selected == "English" {
		newLang = "en"
	}
	var scale float32 = 1
	fmt.Sscanf(v.textSize.Selected, "%f%%", &scale)
	scale /= 100
	changed := newLang != s.Language || scale != s.TextScale
	s.Language, s.TextScale = newLang, scale
	if err := v.u.svc.SaveSettings(s); err != nil {
		dialog.ShowError(humanErr(err), v.win)
		return
	}
	if changed {
		v.u.applyLook(s)
		nv := v.u.newSettingsView(v.win)
		v.win.SetContent(nv.object())
		v.u.settings = nv
		v = nv
	}
	v.saved.SetText(lang.L("settings.saved", map[string]any{"Time": v.u.now().Format("15:04")}))
	v.saved.Importance = widget.SuccessImportance
	v.saved.Refresh()
}

// applyLook sets language and text size and rebuilds the main window.
func (u *UI) applyLook(s Settings) {
	if err := SetLanguage(s.Language); err != nil {
		u.ShowError(err)
	}
	u.app.Settings().SetTheme(newAppTheme(s.TextScale, nil))
	if u.folders != nil {
		u.showMain()
	}
}

// editSignature edits one account's signature fields in a dialog (R3, LA 14.7, LA 8.4).
func (u *UI) editSignature(parent fyne.Window, a model.Account, done func(model.Signature)) {
	sig := a.Signature
	fields := []struct {
		key string
		val *string
	}{
		{"sig.name", &sig.Name}, {"sig.title", &sig.Title}, {"sig.agency", &sig.Agency},
		{"sig.address", &sig.Address}, {"sig.phone", &sig.Phone}, {"sig.mobile", &sig.Mobile},
		{"sig.email", &sig.Email}, {"sig.fax", &sig.Fax}, {"sig.website", &sig.Website},
	}
	var items []*widget.FormItem
	entries := make([]*widget.Entry, len(fields))
	locked := u.svc.Settings()
	for i, f := range fields {
		entries[i] = widget.NewEntry()
		entries[i].SetText(*f.val)
		item := widget.NewFormItem(lang.L(f.key), entries[i])
		// R3 (LA 14.7, LA 8.4): name, title and agency must be filled.
		item.Required = f.key == "sig.name" || f.key == "sig.title" || f.key == "sig.agency"
		if item.Required {
			entries[i].Validator = required
		}
		if locked.IsLocked("signature." + strings.TrimPrefix(f.key, "sig.")) {
			entries[i].Disable() // set by agency IT (machine policy)
			item.HintText = lang.L("settings.locked")
		}
		items = append(items, item)
	}
	d := dialog.NewForm(lang.L("sig.title_dialog"), lang.L("settings.save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		for i, f := range fields {
			*f.val = strings.TrimSpace(entries[i].Text)
		}
		if err := u.svc.SetSignature(a.Name, sig); err != nil {
			dialog.ShowError(humanErr(err), parent)
			return
		}
		done(sig)
	}, parent)
	d.Resize(fitScreen(fyne.NewSize(760, 560)))
	d.Show()
}

func indexOf(list []string, v string, def int) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return def
}
