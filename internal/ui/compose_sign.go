package ui

import (
	"errors"
	"fmt"

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
	SignPDF(path, as, pin string) (string, error)
}

// attachmentActions is the remove button, with "Ký số" before it for a PDF
// when the Services can sign.
func (c *composeView) attachmentActions(i int, path string, remove fyne.CanvasObject) fyne.CanvasObject {
	signer, ok := c.u.svc.(PDFSigner)
	if !ok || !isPDFName(path) {
		return remove
	}
	sign := widget.NewButtonWithIcon(lang.L("compose.sign"), theme.ConfirmIcon(), func() { c.signAttachment(signer, i, path) })
	return container.NewHBox(sign, remove)
}

// signAttachment asks the role and the PIN (each time; never stored) and
// replaces the attachment by its signed copy.
func (c *composeView) signAttachment(signer PDFSigner, i int, path string) {
	roles := []string{lang.L("compose.sign_as_signer"), lang.L("compose.sign_as_organization")}
	role := widget.NewRadioGroup(roles, nil)
	role.SetSelected(roles[0])
	pin := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("compose.sign_as"), role),
		widget.NewFormItem(lang.L("compose.sign_pin"), pin),
	}
	dialog.ShowForm(lang.L("compose.sign"), lang.L("compose.sign"), lang.L("Cancel"), items, func(ok bool) {
		secret := pin.Text
		pin.SetText("")
		if !ok {
			return
		}
		as := docsign.AsSigner
		if role.Selected == roles[1] {
			as = docsign.AsOrganization
		}
		c.progress.Show()
		c.progress.Start()
		c.u.goBG(func() {
			out, err := signer.SignPDF(path, as, secret)
			doMain(func() {
				c.progress.Stop()
				c.progress.Hide()
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
