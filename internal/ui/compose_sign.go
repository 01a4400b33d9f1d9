package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/docsign"
)

// PDFSigner is offered by Services that sign PDFs with the user's token
// (R4, LA 8.3): it returns the path of the signed copy.
type PDFSigner interface {
	SignPDF(path string, r SignRequest) (string, error)
	// SignDefaults are the account's pictures and the timestamp authority.
	SignDefaults(account string) SignDefaults
}

// SignRequest is one "Ký số": the role (docsign.AsSigner or
// AsOrganization), the PIN (used once, never stored), the picture (PNG
// path, "" for none) and the timestamp authority URL ("" for none).
type SignRequest struct {
	As, PIN, Image, TSA string
}

// SignDefaults are what the "Ký số" dialog offers: the account's signature
// image and seal (Decree 30/2020 Appendix I) and the timestamp authority,
// which machine policy may fix (TSALocked).
type SignDefaults struct {
	Image, Seal, TSA                   string
	ImageLocked, SealLocked, TSALocked bool
}

// attachmentActions is the remove button, with "Ký số" before it for a PDF
// when the Services can sign.
func (c *composeView) attachmentActions(i int, path string, remove fyne.CanvasObject) fyne.CanvasObject {
	signer, ok := c.u.svc.(PDFSigner)
	if !ok || !isPDFName(path) {
		return remove
	}
	sign := widget.NewButtonWithIcon(lang.L("compose.sign"), theme.ConfirmIcon(), func() { c.signAttachment(signer, i, path, "") })
	return container.NewHBox(sign, remove)
}

// signForm is the "Ký số" dialog's content: the role, the picture the
// role shows (the account's signature image or seal), the timestamp
// authority, the PIN (asked each time, never stored) and, after a wrong
// PIN, why it is asked again.
type signForm struct {
	roles   []string
	role    *widget.RadioGroup
	picture *widget.Check
	tsa     *widget.Entry
	pin     *widget.Entry
	items   []*widget.FormItem
}

func newSignForm(d SignDefaults, problem string) *signForm {
	f := &signForm{roles: []string{lang.L("compose.sign_as_signer"), lang.L("compose.sign_as_organization")}}
	f.picture = widget.NewCheck("", nil)
	showPicture := func(role string) {
		path, none, locked := d.Image, lang.L("compose.sign_no_image"), d.ImageLocked
		if role == f.roles[1] {
			path, none, locked = d.Seal, lang.L("compose.sign_no_seal"), d.SealLocked
		}
		if path == "" {
			f.picture.SetText(none)
			f.picture.SetChecked(false)
			f.picture.Disable()
			return
		}
		f.picture.SetText(filepath.Base(path))
		f.picture.SetChecked(true)
		if locked {
			f.picture.Disable() // machine policy's picture always shows
		} else {
			f.picture.Enable()
		}
	}
	f.role = widget.NewRadioGroup(f.roles, showPicture)
	f.role.Horizontal = true
	f.role.SetSelected(f.roles[0])
	f.tsa = widget.NewEntry()
	f.tsa.SetPlaceHolder(lang.L("compose.sign_tsa_none"))
	f.tsa.SetText(d.TSA)
	if d.TSALocked {
		f.tsa.Disable()
	}
	f.pin = widget.NewPasswordEntry()
	f.items = []*widget.FormItem{
		widget.NewFormItem(lang.L("compose.sign_as"), f.role),
		widget.NewFormItem(lang.L("compose.sign_picture"), f.picture),
		widget.NewFormItem(lang.L("compose.sign_tsa"), f.tsa),
		widget.NewFormItem(lang.L("compose.sign_pin"), f.pin),
	}
	if problem != "" {
		warn := widget.NewLabelWithStyle(problem, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		warn.Importance = widget.DangerImportance
		warn.Wrapping = fyne.TextWrapWord
		f.items = append(f.items, widget.NewFormItem("", warn))
	}
	return f
}

// request is what the form asks for; the PIN leaves the entry.
func (f *signForm) request(d SignDefaults) SignRequest {
	r := SignRequest{As: docsign.AsSigner, PIN: f.pin.Text, TSA: strings.TrimSpace(f.tsa.Text)}
	f.pin.SetText("")
	if f.role.Selected == f.roles[1] {
		r.As = docsign.AsOrganization
	}
	if f.picture.Checked {
		r.Image = d.Image
		if r.As == docsign.AsOrganization {
			r.Image = d.Seal
		}
	}
	return r
}

// signAttachment asks the role, picture, timestamp authority and PIN, and
// replaces the attachment by its signed copy. A wrong PIN asks again,
// saying so; a locked token, or any other problem, is told in its own words.
func (c *composeView) signAttachment(signer PDFSigner, i int, path, problem string) {
	name := ""
	if a := c.account(); a != nil {
		name = a.Name
	}
	d := signer.SignDefaults(name)
	f := newSignForm(d, problem)
	form := dialog.NewForm(lang.L("compose.sign"), lang.L("compose.sign"), lang.L("Cancel"), f.items, func(ok bool) {
		r := f.request(d)
		if !ok {
			return
		}
		c.progress.Show()
		c.progress.Start()
		c.u.goBG(func() {
			out, err := signer.SignPDF(path, r)
			r.PIN = ""
			doMain(func() {
				c.progress.Stop()
				c.progress.Hide()
				if errors.Is(err, docsign.ErrWrongPIN) {
					c.signAttachment(signer, i, path, lang.L("sign.wrong_pin_again"))
					return
				}
				if err != nil {
					dialog.ShowError(signErrorText(err), c.win)
					return
				}
				if i < len(c.attachments) && c.attachments[i] == path {
					c.attachments[i] = out
				}
				c.redrawAttachments()
				c.check()
			})
		})
	}, c.win)
	form.Resize(fyne.NewSize(520, form.MinSize().Height))
	form.Show()
}

// signErrorText tells the token's and the certificate's problems apart.
func signErrorText(err error) error {
	for _, m := range []struct {
		err error
		key string
	}{
		{docsign.ErrWrongPIN, "sign.wrong_pin"}, {docsign.ErrTokenLocked, "sign.locked"},
		{docsign.ErrCertExpired, "sign.expired"}, {docsign.ErrCertUntrusted, "sign.untrusted"},
		{docsign.ErrNoToken, "sign.no_token"}, {docsign.ErrNoKey, "sign.no_key"}, {docsign.ErrNoModule, "sign.no_module"},
	} {
		if errors.Is(err, m.err) {
			return errors.New(lang.L(m.key))
		}
	}
	return fmt.Errorf("%s: %w", lang.L("compose.sign"), err)
}
