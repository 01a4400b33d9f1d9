package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sameDraft reports whether two drafts hold the same mail.
func sameDraft(a, b Draft) bool {
	return a.Account == b.Account && slices.Equal(a.To, b.To) && slices.Equal(a.Cc, b.Cc) && slices.Equal(a.Bcc, b.Bcc) &&
		a.Subject == b.Subject && a.Body == b.Body && slices.Equal(a.Attachments, b.Attachments)
}

// emptyDraft: nothing typed that would be worth keeping.
func emptyDraft(d Draft) bool {
	return len(d.To)+len(d.Cc)+len(d.Bcc)+len(d.Attachments) == 0 && strings.TrimSpace(d.Subject) == "" &&
		strings.TrimSpace(d.Body) == ""
}

// dirty: the window holds mail not saved yet.
func (c *composeView) dirty() bool {
	d := c.draft()
	return !sameDraft(d, c.saved) && !(c.draftID == "" && emptyDraft(d))
}

// startAutosave keeps the draft every autosaveEvery while the window is open.
func (c *composeView) startAutosave() {
	if c.u.ws() == nil {
		return
	}
	c.autosave = time.NewTicker(autosaveEvery)
	c.stop = make(chan struct{})
	tick, stop := c.autosave.C, c.stop
	go func() {
		for {
			select {
			case <-tick:
				doMain(func() { c.saveDraft(false) })
			case <-stop:
				return
			}
		}
	}()
}

func (c *composeView) stopAutosave() {
	if c.autosave != nil {
		c.autosave.Stop()
		close(c.stop)
		c.autosave = nil
	}
}

// saveDraft keeps the draft on this computer and in the server's Drafts
// folder when it changed (always when force), in the background.
func (c *composeView) saveDraft(force bool) {
	w := c.u.ws()
	if w == nil || c.closed || (!force && !c.dirty()) {
		return
	}
	d := c.draft()
	c.saved = d
	c.savedAt.SetText(lang.L("compose.saving"))
	c.u.goBG(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := w.SaveDraft(ctx, d)
		doMain(func() {
			if out.ID != "" {
				c.draftID = out.ID
				c.saved.ID = out.ID
			}
			if err != nil && out.ID == "" {
				c.savedAt.SetText(lang.L("compose.save_failed"))
				fyne.LogError("save draft", err)
				return
			}
			key := "compose.saved_at"
			if err != nil {
				key = "compose.saved_local" // the server's copy waits for the next save
				fyne.LogError("save draft on the server", err)
			}
			c.savedAt.SetText(lang.L(key, map[string]any{"Time": c.u.now().Format("15:04")}))
		})
	})
}

// discardDraft forgets the saved draft (the mail was sent or thrown away).
func (c *composeView) discardDraft() {
	w := c.u.ws()
	id := c.draftID
	if w == nil || id == "" {
		return
	}
	c.draftID = ""
	c.u.goBG(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := w.DeleteDraft(ctx, id); err != nil {
			fyne.LogError("delete draft", err)
		}
	})
}

// Close closes the compose window; with unsaved text it asks first:
// "Lưu nháp", "Bỏ" or "Hủy".
func (c *composeView) Close() {
	if c.closed {
		return
	}
	if c.prompt != nil {
		return
	}
	if !c.dirty() {
		c.finish()
		return
	}
	msg := widget.NewLabel(lang.L("compose.close_question"))
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	save := widget.NewButtonWithIcon(lang.L("compose.close_save"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		c.saveDraft(true)
		c.finish()
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButtonWithIcon(lang.L("compose.close_discard"), theme.DeleteIcon(), func() {
		d.Hide()
		c.discardChanges()
		c.finish()
	})
	cancel := widget.NewButtonWithIcon(lang.L("compose.close_cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("compose.close_title"), msg, c.win)
	d.SetButtons([]fyne.CanvasObject{save, discard, cancel})
	c.prompt = d
	showKeyed(c.win, d, save.OnTapped, cancel.OnTapped, func() { c.prompt = nil })
}

// discardChanges drops what was typed: a new mail's autosaved copy goes,
// a draft reopened from Thư nháp goes back to how it was opened.
func (c *composeView) discardChanges() {
	if c.opened.ID == "" {
		c.discardDraft()
		return
	}
	c.saved = Draft{}
	orig := c.opened
	if w := c.u.ws(); w != nil {
		c.u.goBG(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := w.SaveDraft(ctx, orig); err != nil {
				fyne.LogError("restore draft", err)
			}
		})
	}
}

// finish closes the window for good.
func (c *composeView) finish() {
	c.closed = true
	c.stopAutosave()
	c.win.Close()
	c.u.refresh()
}

// ResumeDraft opens a draft of Thư nháp in a compose window.
func (u *UI) ResumeDraft(id int64) {
	w := u.ws()
	if w == nil {
		return
	}
	d, err := w.DraftOf(id)
	if err != nil {
		u.ShowError(err)
		return
	}
	u.NewCompose(d)
}

// ShowLocalDrafts lists the drafts kept on this computer (saved before a
// crash, or while the server could not be reached) to resume one.
func (u *UI) ShowLocalDrafts() {
	w := u.ws()
	if w == nil {
		return
	}
	drafts := w.Drafts()
	box := container.NewVBox()
	var d dialog.Dialog
	for _, dr := range drafts {
		dr := dr
		title := dr.Subject
		if strings.TrimSpace(title) == "" {
			title = lang.L("drafts.no_subject")
		}
		l := widget.NewLabel(title + " · " + dr.Saved.Format("15:04 02/01/2006"))
		l.Truncation = fyne.TextTruncateEllipsis
		open := widget.NewButtonWithIcon(lang.L("drafts.resume"), theme.DocumentCreateIcon(), func() {
			d.Hide()
			u.NewCompose(dr)
		})
		box.Add(container.NewBorder(nil, nil, nil, open, l))
	}
	if len(drafts) == 0 {
		box.Add(widget.NewLabel(lang.L("drafts.none")))
	}
	d = dialog.NewCustom(lang.L("drafts.title"), lang.L("settings.close"), container.NewVScroll(box), u.win)
	d.Resize(fitScreen(fyne.NewSize(640, 420)))
	showKeyed(u.win, d, nil, nil, nil)
}
