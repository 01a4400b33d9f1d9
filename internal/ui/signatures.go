package ui

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/docsign"
	"thucongvu/internal/motw"
)

// PDFVerifier is offered by Services that check PDF signatures against
// the agency's roots (R4; Decree 30/2020 art. 21.2); the reader shows the
// signatures of PDFs when the Services offer it.
type PDFVerifier interface {
	VerifyPDF(data []byte) docsign.Report
}

// signedMessages remembers the verdict on each message's PDFs, for the
// list's badge: a message's badge is its worst PDF state.
var signedMessages = struct {
	sync.Mutex
	state map[int64]docsign.State
}{state: map[int64]docsign.State{}}

func noteSignatures(id int64, st docsign.State) {
	if st == "" || st == docsign.Unsigned {
		return
	}
	signedMessages.Lock()
	defer signedMessages.Unlock()
	if old, ok := signedMessages.state[id]; ok && old != docsign.Valid && st == docsign.Valid {
		return
	}
	signedMessages.state[id] = st
}

// signatureBadge is the list's attachment icon: a signed document badge
// when the message's PDFs were verified (valid, or a warning), else icon.
func signatureBadge(id int64, icon fyne.Resource) fyne.Resource {
	signedMessages.Lock()
	st, ok := signedMessages.state[id]
	signedMessages.Unlock()
	switch {
	case !ok:
		return icon
	case st == docsign.Valid:
		return signedIcon
	default:
		return theme.WarningIcon()
	}
}

// signatureTip explains the list's attachment mark: a plain attachment, a
// validly signed PDF, or a signature that did not verify.
func signatureTip(id int64) string {
	signedMessages.Lock()
	st, ok := signedMessages.state[id]
	signedMessages.Unlock()
	switch {
	case !ok:
		return lang.L("tip.attachment")
	case st == docsign.Valid:
		return lang.L("tip.signed_valid")
	default:
		return lang.L("tip.signed_problem")
	}
}

// signedIcon is a seal with a tick: the message carries a validly signed PDF.
var signedIcon = theme.NewThemedResource(fyne.NewStaticResource("signed.svg", []byte(
	`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2l2.4 1.8 3-.2.9 2.9 2.5 1.7-1 2.8 1 2.8-2.5 1.7-.9 2.9-3-.2L12 22l-2.4-1.8-3 .2-.9-2.9-2.5-1.7 1-2.8-1-2.8 2.5-1.7.9-2.9 3 .2z" fill="#000"/><path d="M8 12.5l2.6 2.6L16.5 9" stroke="#fff" stroke-width="2" fill="none"/></svg>`)))

func isPDFName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".pdf") }

// signatureLines shows, under a PDF attachment, one line per signature
// ("Ký bởi … · … · 09:30:00 01/12/2026 +07:00 · hợp lệ"), filled in the
// background; "Mở bản đã ký" opens the bytes a signature covers when the
// file changed after signing. A PDF that cannot be read shows its state
// and never stops the reader.
func (r *readerPane) signatureLines(id int64, index int, a Attachment) fyne.CanvasObject {
	box := container.NewVBox()
	v, ok := r.u.svc.(PDFVerifier)
	if !ok {
		return box
	}
	r.u.goBG(func() {
		data, err := r.u.svc.Attachment(id, index)
		if err != nil {
			return
		}
		rep := v.VerifyPDF(data)
		noteSignatures(id, rep.State)
		doMain(func() {
			fillSignatureLines(r, box, a, data, rep)
			if r.u.list != nil {
				r.u.list.Refresh()
			}
		})
	})
	return box
}

func fillSignatureLines(r *readerPane, box *fyne.Container, a Attachment, data []byte, rep docsign.Report) {
	box.Objects = nil
	if len(rep.Signatures) == 0 {
		l := widget.NewLabel(lang.L("docsign.state.unsigned"))
		l.Importance = widget.LowImportance
		box.Add(l)
	}
	for _, s := range rep.Signatures {
		l := widget.NewLabel(signatureText(s))
		l.Wrapping = fyne.TextWrapWord
		icon := widget.NewIcon(signedIcon)
		if s.State == docsign.Valid {
			l.Importance = widget.SuccessImportance
		} else {
			l.Importance = widget.DangerImportance
			icon.SetResource(theme.WarningIcon())
		}
		var right fyne.CanvasObject
		if s.State == docsign.ModifiedAfterSigning {
			sig := s
			right = widget.NewButtonWithIcon(lang.L("docsign.open_signed"), theme.FileIcon(), func() {
				r.openSignedVersion(a, docsign.SignedVersion(data, sig))
			})
		}
		box.Add(container.NewBorder(nil, nil, icon, right, l))
	}
	box.Refresh()
	if r.content != nil {
		r.content.Refresh() // the header grew: lay the reader out again
	}
}

// signatureText is the reader's line for one signature.
func signatureText(s docsign.Signature) string {
	key := "docsign.signed_by"
	if s.Kind == "document_timestamp" {
		key = "docsign.stamped_by"
	}
	state := lang.L("docsign.state." + string(s.State))
	if s.Signer == "" { // not even the signer could be read
		return fmt.Sprintf(lang.L("docsign.unreadable_signature"), state)
	}
	return fmt.Sprintf(lang.L(key), docsign.Describe(s, state, lang.L("docsign.signer_clock")))
}

// openSignedVersion opens the document as it was signed.
func (r *readerPane) openSignedVersion(a Attachment, signed []byte) {
	if signed == nil {
		return
	}
	r.u.goBG(func() {
		path, err := writeSignedVersion(a.Filename, signed)
		doMain(func() {
			if err == nil {
				var link *url.URL
				if link, err = url.Parse(storage.NewFileURI(path).String()); err == nil {
					err = r.u.app.OpenURL(link)
				}
			}
			if err != nil {
				r.u.ShowError(err)
			}
		})
	})
}

func writeSignedVersion(name string, signed []byte) (string, error) {
	dir, err := os.MkdirTemp("", "thucongvu-")
	if err != nil {
		return "", err
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	path := filepath.Join(dir, base+" ("+lang.L("docsign.signed_version")+").pdf")
	if err := os.WriteFile(path, signed, 0o600); err != nil {
		return "", err
	}
	// R7: Mark-of-the-Web, as for any attachment opened.
	return path, motw.Mark(path)
}
