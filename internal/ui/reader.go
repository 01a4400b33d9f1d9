package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/browserpage"
	"thucongvu/internal/model"
	"thucongvu/internal/motw"
)

// readerPane shows one message: header, acknowledgement status, the body
// as safe rich text, and the attachments.
type readerPane struct {
	u           *UI
	root        *fyne.Container
	empty       *widget.Label
	subject     *widget.Label
	meta        *fyne.Container
	ack         *widget.Label
	ackIcon     *widget.Icon
	problem     *widget.Label
	images      *widget.Button
	browser     *widget.Button
	receipt     *widget.Button
	resend      *widget.Button
	ackNow      *widget.Button
	resent      *widget.Label
	body        *widget.RichText
	attachments *fyne.Container
	content     *fyne.Container
	scroll      *container.Scroll
	msg         *ReaderMessage
	// resendPrompt is the last re-send confirmation shown (tests answer it).
	resendPrompt *dialog.ConfirmDialog
	// allowed holds the messages whose remote images the user allowed.
	allowed map[int64]bool
}

func newReaderPane(u *UI) *readerPane {
	r := &readerPane{u: u, allowed: map[int64]bool{}}
	r.empty = widget.NewLabel(lang.L("reader.empty"))
	r.empty.Alignment = fyne.TextAlignCenter
	r.subject = widget.NewLabel("")
	r.subject.TextStyle.Bold = true
	r.subject.SizeName = theme.SizeNameSubHeadingText
	r.subject.Truncation = fyne.TextTruncateEllipsis
	r.meta = container.NewVBox()
	r.ack = widget.NewLabel("")
	r.ack.Truncation = fyne.TextTruncateEllipsis
	r.ackIcon = widget.NewIcon(nil)
	r.problem = widget.NewLabel("")
	r.problem.Wrapping = fyne.TextWrapWord
	r.problem.Importance = widget.DangerImportance
	r.problem.Hide()
	r.images = widget.NewButtonWithIcon(lang.L("reader.show_images"), theme.MediaPhotoIcon(), func() {
		if r.msg != nil {
			r.allowed[r.msg.Summary.ID] = true
			r.show(r.msg)
		}
	})
	r.browser = widget.NewButtonWithIcon(lang.L("reader.open_browser"), theme.ComputerIcon(), func() {
		if r.msg != nil {
			r.openInBrowser(r.msg)
		}
	})
	r.receipt = widget.NewButtonWithIcon(lang.L("reader.send_receipt"), theme.MailSendIcon(), func() {
		if r.msg == nil {
			return
		}
		m := r.msg
		r.receipt.Disable()
		r.u.goBG(func() {
			err := r.u.svc.SendReadReceipt(m.Summary.ID)
			doMain(func() {
				r.receipt.Enable()
				if err != nil {
					r.u.ShowError(err)
					return
				}
				m.ReceiptRequested = false
				if r.msg == m {
					r.receipt.Hide()
				}
				r.u.setStatus(lang.L("status.receipt_sent"))
			})
		})
	})
	r.receipt.Hide()
	r.resend = widget.NewButtonWithIcon(lang.L("reader.resend"), theme.MailForwardIcon(), r.confirmResend)
	r.resend.Hide()
	r.ackNow = widget.NewButtonWithIcon(lang.L("reader.ack_now"), theme.ConfirmIcon(), r.acknowledge)
	r.ackNow.Importance = widget.HighImportance
	r.ackNow.Hide()
	r.resent = widget.NewLabel("")
	r.resent.Wrapping = fyne.TextWrapWord
	r.resent.Hide()
	r.ack.Wrapping = fyne.TextWrapWord
	r.ack.Truncation = fyne.TextTruncateOff
	r.body = widget.NewRichText()
	r.body.Wrapping = fyne.TextWrapWord
	r.attachments = container.NewVBox()
	head := container.NewVBox(r.subject, r.meta, r.problem,
		container.NewBorder(nil, nil, r.ackIcon, container.NewHBox(r.ackNow, r.resend), r.ack), r.resent,
		container.NewHBox(r.receipt, r.images, r.browser), r.attachments, widget.NewSeparator())
	// One scroll for the header and the body: on a small screen the
	// reader's pane may be shorter than the header alone.
	r.scroll = container.NewVScroll(container.NewVBox(head, r.body))
	r.content = container.NewStack(r.scroll)
	r.content.Hide()
	r.root = container.NewStack(container.NewCenter(r.empty), r.content)
	return r
}

func (r *readerPane) object() fyne.CanvasObject { return r.root }

func names(as []model.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
		if out[i] == "" {
			out[i] = a.Address
		} else if a.Address != "" {
			out[i] += " <" + a.Address + ">"
		}
	}
	return strings.Join(out, ", ")
}

// show displays m; remote images stay blocked unless allowed for m.
func (r *readerPane) show(m *ReaderMessage) {
	r.msg = m
	s := m.Summary
	r.subject.SetText(s.Subject)
	r.meta.Objects = nil
	line := func(key, text string) {
		l := widget.NewLabel(lang.L(key) + " " + text)
		l.Truncation = fyne.TextTruncateEllipsis
		r.meta.Add(l)
	}
	line("reader.from", names([]model.Address{s.From})+"   ·   "+lang.L("reader.date")+" "+s.Date.Format("15:04, 02/01/2006"))
	line("reader.to", names(s.To))
	if len(m.Cc) > 0 {
		line("reader.cc", names(m.Cc))
	}
	r.meta.Refresh()
	r.setAck(m)
	if m.Problem != "" {
		r.problem.SetText(lang.L("reader.problem") + "\n" + lang.L("reader.problem_reason", map[string]any{"Reason": m.Problem}))
		r.problem.Show()
	} else {
		r.problem.Hide()
	}

	var rb richBody
	if m.HTML != "" {
		src, cut := truncateHTML(m.HTML, maxRenderedHTML)
		rb = htmlToRich(src, r.allowed[s.ID])
		if cut {
			rb.Segments = append(rb.Segments, &widget.TextSegment{Text: lang.L("reader.truncated"),
				Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Italic: true}, ColorName: theme.ColorNamePlaceHolder}})
		}
		r.browser.Show()
	} else {
		text := m.Text
		if len(text) > maxRenderedText {
			text = strings.ToValidUTF8(text[:maxRenderedText], "") + "\n…"
		}
		rb = textToRich(text)
		if text == "" && m.Loading {
			rb.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: lang.L("reader.loading"),
				Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Italic: true}, ColorName: theme.ColorNamePlaceHolder}}}
		}
		r.browser.Hide()
	}
	r.body.Segments = rb.Segments
	r.body.Refresh()
	if rb.RemoteImages > 0 {
		r.images.SetText(lang.L("reader.show_images", map[string]any{"Count": rb.RemoteImages}))
		r.images.Show()
	} else {
		r.images.Hide()
	}
	r.attachments.Objects = nil
	for i, a := range m.Attachments {
		r.attachments.Add(r.attachmentRow(s.ID, i, a))
	}
	r.attachments.Refresh()
	r.content.Show()
	r.empty.Hide()
	r.scroll.ScrollToTop()
	r.content.Refresh() // the header's height changed: lay it out again
}

// setAck shows the acknowledgement status (R2, LA 6.2): for a received
// document whether "đã nhận được văn bản" went back; for a sent one, who
// has acknowledged and who has not (so the document can be re-sent).
func (r *readerPane) setAck(m *ReaderMessage) {
	if m.ReceiptRequested {
		r.receipt.Show()
	} else {
		r.receipt.Hide()
	}
	if len(m.Receipts) == 0 {
		r.resend.Hide()
	}
	r.ackNow.Hide()
	r.showResends(m)
	switch {
	case len(m.Receipts) > 0:
		var missing []string
		acked := 0
		for _, rc := range m.Receipts {
			if rc.Acked {
				acked++
			} else {
				missing = append(missing, names([]model.Address{rc.Recipient}))
			}
		}
		text := lang.L("ack.receipts", map[string]any{"Acked": acked, "Total": len(m.Receipts)})
		r.resend.Hide()
		if len(missing) > 0 {
			r.resend.Show()
			text += "\n" + lang.L("ack.missing") + " " + strings.Join(missing, "; ")
			r.ackIcon.SetResource(theme.WarningIcon())
		} else {
			r.ackIcon.SetResource(theme.ConfirmIcon())
		}
		r.ack.SetText(text)
	case m.Ack.Required && m.Ack.Sent:
		r.resend.Hide()
		r.ack.SetText(lang.L("ack.sent", map[string]any{"Time": m.Ack.At.Format("15:04, 02/01/2006")}))
		r.ackIcon.SetResource(theme.ConfirmIcon())
	case m.Ack.Required && m.Ack.Manual:
		r.ack.SetText(lang.L("ack.manual", map[string]any{"Reason": m.Ack.Reason}))
		r.ackIcon.SetResource(theme.WarningIcon())
		r.showAckNow()
	case m.Ack.Required:
		r.ack.SetText(lang.L("ack.pending"))
		r.ackIcon.SetResource(theme.WarningIcon())
		r.showAckNow()
	case m.Ack.Reason == AckReasonBefore:
		r.ack.SetText(lang.L("ack.before"))
		r.ackIcon.SetResource(theme.InfoIcon())
	default:
		r.ack.SetText(lang.L("ack.none"))
		r.ackIcon.SetResource(theme.InfoIcon())
	}
}

func (r *readerPane) attachmentRow(id int64, index int, a Attachment) fyne.CanvasObject {
	label := widget.NewLabel(a.Filename + "  (" + formatSize(a.Size) + ")")
	label.Truncation = fyne.TextTruncateEllipsis
	open := widget.NewButtonWithIcon(lang.L("attachment.open"), theme.FileIcon(), func() { r.openAttachment(id, index, a) })
	save := widget.NewButtonWithIcon(lang.L("attachment.save"), theme.DocumentSaveIcon(), func() { r.saveAttachment(id, index, a) })
	buttons := container.NewHBox(open, save)
	icon := widget.NewIcon(theme.MailAttachmentIcon())
	if a.Dangerous {
		// R7 (HN 12.8): an executable or disguised file is never opened
		// from the reader; it can still be saved for the IT staff.
		label.SetText(a.Filename + "  — " + lang.L("attachment.dangerous"))
		label.Importance = widget.DangerImportance
		icon.SetResource(theme.ErrorIcon())
		open.Disable()
	} else if !strings.EqualFold(filepath.Ext(a.Filename), ".pdf") {
		buttons.Add(widget.NewButtonWithIcon(lang.L("attachment.convert"), theme.DocumentIcon(), func() { r.convertAttachment(id, index, a) }))
	} else {
		// R4: who signed the PDF, and whether it is intact.
		return container.NewVBox(container.NewBorder(nil, nil, icon, buttons, label), r.signatureLines(id, index, a))
	}
	return container.NewBorder(nil, nil, icon, buttons, label)
}

// tempCopy writes an attachment to a private temporary folder.
func (r *readerPane) tempCopy(id int64, index int, a Attachment) (string, error) {
	data, err := r.u.svc.Attachment(id, index)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "thucongvu-")
	if err != nil {
		return "", fmt.Errorf("open attachment: %w", err)
	}
	r.u.trackTemp(dir)
	path := filepath.Join(dir, filepath.Base(a.Filename))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("open attachment: %w", err)
	}
	// R7: Mark-of-the-Web, so Office opens it in Protected View.
	if err := motw.Mark(path); err != nil {
		return "", fmt.Errorf("open attachment: %w", err)
	}
	return path, nil
}

// openAttachment downloads the attachment in the background (the body
// may not be stored yet) and opens it with the system's viewer.
func (r *readerPane) openAttachment(id int64, index int, a Attachment) {
	r.u.goBG(func() {
		path, err := r.tempCopy(id, index, a)
		doMain(func() {
			if err != nil {
				r.u.ShowError(err)
				return
			}
			r.openFile(path)
		})
	})
}

func (r *readerPane) saveAttachment(id int64, index int, a Attachment) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			if err != nil {
				r.u.ShowError(err)
			}
			return
		}
		r.u.goBG(func() {
			defer w.Close()
			data, err := r.u.svc.Attachment(id, index)
			if err == nil {
				_, err = w.Write(data)
			}
			if err != nil {
				doMain(func() { r.u.ShowError(err) })
			}
		})
	}, r.u.win)
	d.SetFileName(a.Filename)
	d.Show()
}

// convertAttachment makes a PDF of an attachment, showing progress (R4).
func (r *readerPane) convertAttachment(id int64, index int, a Attachment) {
	bar := widget.NewProgressBar()
	d := dialog.NewCustomWithoutButtons(lang.L("convert.title"), container.NewVBox(widget.NewLabel(a.Filename), bar), r.u.win)
	d.Show()
	r.u.goBG(func() {
		path, err := r.tempCopy(id, index, a)
		if err != nil {
			doMain(func() {
				d.Hide()
				r.u.ShowError(err)
			})
			return
		}
		out, err := r.u.svc.ConvertToPDF(context.Background(), path, func(done, total int) {
			doMain(func() { bar.SetValue(float64(done) / float64(max(total, 1))) })
		})
		doMain(func() {
			d.Hide()
			if err != nil {
				r.u.ShowError(err)
				return
			}
			r.offerConverted(id, out)
		})
	})
}

// A reader shows the head of a very long mail: rich text of many
// megabytes takes seconds to lay out and paint. The whole mail opens in
// the browser.
const (
	maxRenderedHTML = 16 << 10
	maxRenderedText = 512 << 10
)

// truncateHTML cuts src before the tag that crosses max bytes.
func truncateHTML(src string, max int) (string, bool) {
	if len(src) <= max {
		return src, false
	}
	cut := strings.LastIndex(src[:max], "<")
	if cut <= 0 {
		cut = max
	}
	return src[:cut], true
}

// openInBrowser shows the whole HTML mail in the system browser as a
// sealed page (browserpage): remote images only if the user allowed this
// message's; the file is deleted when the client exits.
func (r *readerPane) openInBrowser(m *ReaderMessage) {
	path, err := browserpage.Write(browserpage.Page(m.Summary.Subject, m.HTML, r.allowed[m.Summary.ID]))
	if err != nil {
		r.u.ShowError(err)
		return
	}
	u, err := url.Parse("file://" + filepath.ToSlash(path))
	if err == nil {
		err = r.u.app.OpenURL(u)
	}
	if err != nil {
		r.u.ShowError(err)
	}
}

// showAckNow offers "Báo nhận ngay" when the services can acknowledge.
func (r *readerPane) showAckNow() {
	if r.u.ws() != nil {
		r.ackNow.Enable()
		r.ackNow.Show()
	}
}

// acknowledge sends the acknowledgement of the shown document now (R2);
// one the client may not send by itself opens ready in a compose window.
func (r *readerPane) acknowledge() {
	w := r.u.ws()
	if r.msg == nil || w == nil {
		return
	}
	id := r.msg.Summary.ID
	r.ackNow.Disable()
	r.u.goBG(func() {
		d, err := w.Acknowledge(id)
		doMain(func() {
			if err != nil {
				r.ackNow.Enable()
				r.u.ShowError(err)
				return
			}
			if d != nil {
				r.ackNow.Enable()
				r.u.NewCompose(*d)
				return
			}
			if r.msg != nil && r.msg.Summary.ID == id {
				r.u.openMessage(id)
			}
			r.u.refresh()
		})
	})
}

// confirmResend asks before re-sending a document to the recipients who
// have not acknowledged it (R2), then records and shows it.
func (r *readerPane) confirmResend() {
	if r.msg == nil {
		return
	}
	m := r.msg
	var missing []string
	for _, rc := range m.Receipts {
		if !rc.Acked {
			missing = append(missing, names([]model.Address{rc.Recipient}))
		}
	}
	if len(missing) == 0 {
		return
	}
	text := widget.NewLabel(lang.L("reader.resend_confirm", map[string]any{"Count": len(missing), "Names": strings.Join(missing, "\n")}))
	text.Wrapping = fyne.TextWrapWord
	var d *dialog.ConfirmDialog
	answered := false
	d = dialog.NewCustomConfirm(lang.L("reader.resend_title"), lang.L("reader.resend_yes"), lang.L("compose.close_cancel"),
		container.NewVScroll(text), func(ok bool) {
			answered = true
			if ok {
				r.resendNow(m.Summary.ID)
			}
		}, r.u.win)
	d.Resize(fyne.NewSize(min(560, r.u.win.Canvas().Size().Width), 320))
	r.resendPrompt = d
	showKeyed(r.u.win, d, func() {
		if !answered {
			answered = true
			d.Hide()
			r.resendNow(m.Summary.ID)
		}
	}, nil, nil)
}

// resendNow re-sends and shows what was recorded.
func (r *readerPane) resendNow(id int64) {
	r.resend.Disable()
	r.u.goBG(func() {
		n, err := r.u.svc.Resend(id)
		doMain(func() {
			if err != nil {
				r.resend.Enable()
				r.u.ShowError(err)
				return
			}
			if r.msg != nil && r.msg.Summary.ID == id {
				r.showResends(r.msg)
			}
			r.u.setStatus(lang.L("reader.resent", map[string]any{"Count": n}))
			r.u.refresh()
		})
	})
}

// showResends lists when the document was re-sent and to whom; the button
// rests until a new day, so one click does not turn into duplicates.
func (r *readerPane) showResends(m *ReaderMessage) {
	w := r.u.ws()
	r.resent.Hide()
	r.resend.Enable()
	if w == nil || len(m.Receipts) == 0 {
		return
	}
	rs := w.Resends(m.Summary.ID)
	if len(rs) == 0 {
		return
	}
	var lines []string
	for _, x := range rs {
		lines = append(lines, lang.L("reader.resent_at", map[string]any{"Time": x.At.Format("15:04 02/01/2006"),
			"Names": shortList(x.Recipients, 3)}))
	}
	r.resent.SetText(strings.Join(lines, "\n"))
	r.resent.Show()
	last := rs[len(rs)-1].At
	if now := r.u.now(); last.Year() == now.Year() && last.YearDay() == now.YearDay() {
		r.resend.Disable()
	}
}

// openFile opens path with the system's viewer; when none answers, the
// window says so and what to do.
func (r *readerPane) openFile(path string) {
	link, err := url.Parse(storage.NewFileURI(path).String())
	if err == nil {
		err = r.u.app.OpenURL(link)
	}
	if err != nil {
		fyne.LogError("open "+path, err)
		dialog.ShowError(plainError(lang.L("attachment.no_viewer", map[string]any{"Name": filepath.Base(path)})), r.u.win)
	}
}

// offerConverted offers what to do with a PDF made from an attachment (R4):
// open it, save it, or attach it to a reply.
func (r *readerPane) offerConverted(id int64, out string) {
	var d dialog.Dialog
	open := widget.NewButtonWithIcon(lang.L("convert.open"), theme.FileIcon(), func() { r.openFile(out) })
	save := widget.NewButtonWithIcon(lang.L("convert.save"), theme.DocumentSaveIcon(), func() {
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				if err != nil {
					r.u.ShowError(err)
				}
				return
			}
			defer w.Close()
			data, err := os.ReadFile(out)
			if err == nil {
				_, err = w.Write(data)
			}
			if err != nil {
				r.u.ShowError(err)
			}
		}, r.u.win)
		fd.SetFileName(filepath.Base(out))
		fd.Show()
	})
	attach := widget.NewButtonWithIcon(lang.L("convert.attach"), theme.MailReplyIcon(), func() {
		d.Hide()
		if r.msg != nil && r.msg.Summary.ID == id {
			r.u.Reply(false)
			if r.u.compose != nil {
				r.u.compose.addAttachment(out)
			}
		}
	})
	attach.Importance = widget.HighImportance
	name := widget.NewLabel(filepath.Base(out))
	name.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustom(lang.L("convert.title"), lang.L("settings.close"),
		container.NewVBox(name, container.NewHBox(open, save, attach)), r.u.win)
	d.Show()
}

// clear shows the empty reader again.
func (r *readerPane) clear() {
	r.msg = nil
	r.content.Hide()
	r.empty.Show()
}
