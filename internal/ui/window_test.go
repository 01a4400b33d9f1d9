package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// findButton finds a shown button by its label in o.
func findButton(t *testing.T, o fyne.CanvasObject, label string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == label && b.Visible() {
			return b
		}
	}
	t.Fatalf("no button %q", label)
	return nil
}

func topOverlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	return top
}

// A mail with no recipient is a blocking finding: Send stays disabled
// until an address is typed, and the finding speaks Vietnamese.
func TestComposeNoRecipientFinding(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{Subject: "Báo cáo tuần 23", Body: "Kính gửi anh."})
	c := u.compose
	if !hasCode(c, "no_recipient") {
		t.Fatalf("findings %v: no no_recipient", findingCodes(c))
	}
	if !c.send.Disabled() {
		t.Fatal("Send enabled without a recipient")
	}
	shown := false
	for _, o := range test.LaidOutObjects(c.findings) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "chưa có người nhận") {
			shown = true
		}
	}
	if !shown {
		t.Fatal("the no-recipient finding is not shown in words")
	}
	c.Send()
	u.Wait()
	if len(svc.Sent) != 0 {
		t.Fatal("a mail without a recipient was sent")
	}
	test.Type(c.to, "ttbngoc.stttt@longan.gov.vn")
	if hasCode(c, "no_recipient") || c.send.Disabled() {
		t.Fatalf("with a recipient: findings %v, send disabled %v", findingCodes(c), c.send.Disabled())
	}
}

// Drafts: autosave keeps what was typed without closing (a crash loses at
// most one autosave interval); closing asks Lưu nháp / Bỏ / Hủy.
func TestDraftAutosaveAndClosePrompt(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{})
	c, w := u.compose, u.composeWn
	test.Type(c.to, "ttbngoc.stttt@longan.gov.vn")
	test.Type(c.body, "Nội dung đang soạn dở")
	c.saveDraft(false) // what the autosave tick does
	u.Wait()
	// the window is never closed (the program crashed): the draft is kept
	ds := svc.Drafts()
	if len(ds) != 1 || ds[0].Body != "Nội dung đang soạn dở" || ds[0].To[0] != "ttbngoc.stttt@longan.gov.vn" {
		t.Fatalf("drafts after autosave: %+v", ds)
	}
	c.saveDraft(false) // nothing new: no second save
	u.Wait()
	if len(svc.Drafts()) != 1 {
		t.Fatal("autosave made a second draft")
	}

	// closing with unsaved text asks; Hủy keeps the window
	test.Type(c.body, " và thêm")
	test.Type(c.subject, "Báo cáo")
	c.Close()
	if c.prompt == nil || c.closed {
		t.Fatal("closing with unsaved text did not ask")
	}
	test.Tap(findButton(t, topOverlay(t, w), "Hủy"))
	if c.closed || c.prompt != nil {
		t.Fatal("Hủy closed the window")
	}
	c.Close()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Escape answers Hủy
	if c.closed || c.prompt != nil {
		t.Fatal("Escape in the question closed the window")
	}
	// Esc asks too; Lưu nháp saves and closes
	w.Canvas().Focus(c.body)
	c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.prompt == nil {
		t.Fatal("Esc did not ask before closing")
	}
	test.Tap(findButton(t, topOverlay(t, w), "Lưu nháp"))
	u.Wait()
	if !c.closed {
		t.Fatal("Lưu nháp did not close the window")
	}
	ds = svc.Drafts()
	if len(ds) != 1 || ds[0].Subject != "Báo cáo" || !strings.HasSuffix(ds[0].Body, " và thêm") {
		t.Fatalf("drafts after Lưu nháp: %+v", ds)
	}

	// reopened, changed and thrown away with Bỏ: the draft stays as it was
	u.NewCompose(ds[0])
	c, w = u.compose, u.composeWn
	test.Type(c.body, " — bỏ đi")
	windowShortcuts(w, false).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault})
	if c.prompt == nil {
		t.Fatal("Ctrl+W did not ask before closing")
	}
	test.Tap(findButton(t, topOverlay(t, w), "Bỏ"))
	u.Wait()
	if ds := svc.Drafts(); !c.closed || len(ds) != 1 || strings.Contains(ds[0].Body, "bỏ đi") {
		t.Fatalf("after Bỏ: closed %v, drafts %+v", c.closed, ds)
	}

	// a new mail thrown away leaves no draft behind
	u.NewCompose(Draft{})
	c = u.compose
	test.Type(c.body, "Thư thử")
	c.saveDraft(false)
	u.Wait()
	if len(svc.Drafts()) != 2 {
		t.Fatalf("drafts: %+v", svc.Drafts())
	}
	test.Type(c.body, " nữa")
	c.Close()
	test.Tap(findButton(t, topOverlay(t, u.composeWn), "Bỏ"))
	u.Wait()
	if len(svc.Drafts()) != 1 {
		t.Fatalf("a discarded new mail left a draft: %+v", svc.Drafts())
	}

	// an empty window closes at once
	u.NewCompose(Draft{})
	c = u.compose
	c.Close()
	if !c.closed || c.prompt != nil {
		t.Fatal("an empty compose window asked before closing")
	}
}

// R2: the list shows each document's acknowledgement with a tooltip:
// acknowledged, waiting, to acknowledge by hand, not a document; Sent
// shows the recipients and "n/m đã nhận".
func TestAckColumnStates(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	manual := rowIndex(t, u, "Lịch công tác tuần")
	mm, _ := u.model.Row(manual)
	svc.SetManual(mm.ID)
	u.reloadList()
	tipOf := func(subject string) (fyne.Resource, string) {
		i := rowIndex(t, u, subject)
		m, _ := u.model.Row(i)
		u.Wait() // the marks are read in the background after the page
		mark, known := u.model.Mark(m.ID)
		if !known {
			t.Fatalf("%q: no acknowledgement mark read for the page", subject)
		}
		r, _ := newMessageRow()
		r.set(m, mark, known, u.listMode(), "")
		return r.acked.Resource, r.acked.Tip
	}
	for _, tc := range []struct {
		subject string
		icon    fyne.Resource
		tip     string
	}{
		{"Công văn số 1234", theme.ConfirmIcon(), "Đã báo nhận"},
		{"Giấy mời họp giao ban", theme.HistoryIcon(), "Đang chờ báo nhận"},
		{"Lịch công tác tuần", theme.WarningIcon(), "Cần báo nhận thủ công"},
		{"Bản tin Chuyển đổi số", nil, "Không phải văn bản"},
	} {
		icon, tip := tipOf(tc.subject)
		if icon != tc.icon || !strings.HasPrefix(tip, tc.tip) {
			t.Errorf("%q: icon %v tip %q, want %v %q", tc.subject, icon, tip, tc.icon, tc.tip)
		}
	}

	// "Báo nhận ngay" in the reader acknowledges a waiting document
	u.list.Select(rowIndex(t, u, "Giấy mời họp giao ban"))
	u.Wait()
	if !u.reader.ackNow.Visible() {
		t.Fatal("no Báo nhận ngay for a waiting document")
	}
	if u.reader.receipt.Visible() && u.reader.receipt.Text == u.reader.ackNow.Text {
		t.Fatal("the read receipt and the acknowledgement share a name")
	}
	test.Tap(u.reader.ackNow)
	u.Wait()
	if icon, tip := tipOf("Giấy mời họp giao ban"); icon != theme.ConfirmIcon() || !strings.HasPrefix(tip, "Đã báo nhận") {
		t.Fatalf("after Báo nhận ngay: %v %q", icon, tip)
	}
	// a document to acknowledge by hand opens a ready acknowledgement
	u.list.Select(rowIndex(t, u, "Lịch công tác tuần"))
	u.Wait()
	u.compose = nil
	test.Tap(u.reader.ackNow)
	u.Wait()
	if u.compose == nil || !strings.HasPrefix(u.compose.subject.Text, "Đã nhận được văn bản") {
		t.Fatal("manual acknowledgement did not open ready to send")
	}

	// Sent: recipients and n/m
	u.OpenFolder("ca-nhan", "Đã gửi")
	if got := u.headers[SortSender].Text; got != "Người nhận" {
		t.Fatalf("Sent's second column is %q", got)
	}
	m, _ := u.model.Row(0)
	u.Wait()
	mark, known := u.model.Mark(m.ID)
	r, _ := newMessageRow()
	r.set(m, mark, known, u.listMode(), "")
	if r.last.Text != "2/3 đã nhận" || !strings.Contains(r.sender.Text, "Văn phòng UBND tỉnh") {
		t.Fatalf("Sent row: %q / %q", r.sender.Text, r.last.Text)
	}
}

// R2: re-sending to those who did not acknowledge asks first, then
// records when and to whom, shows it and rests the button.
func TestResendAsksAndRecords(t *testing.T) {
	svc := NewMemServices()
	u, w := newTestUI(t, svc)
	u.OpenFolder("ca-nhan", "Đã gửi")
	u.list.Select(0)
	u.Wait()
	id := u.reader.msg.Summary.ID
	test.Tap(u.reader.resend)
	if u.reader.resendPrompt == nil {
		t.Fatal("re-send did not ask")
	}
	if len(svc.Resends(id)) != 0 {
		t.Fatal("re-sent before the user confirmed")
	}
	test.Tap(findButton(t, topOverlay(t, w), "Hủy"))
	u.Wait()
	if len(svc.Resends(id)) != 0 {
		t.Fatal("re-sent after Hủy")
	}
	// Escape answers "no", Enter "yes"
	test.Tap(u.reader.resend)
	topOverlay(t, w)
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.Wait()
	if w.Canvas().Overlays().Top() != nil || len(svc.Resends(id)) != 0 {
		t.Fatal("Escape did not close the question without re-sending")
	}
	test.Tap(u.reader.resend)
	topOverlay(t, w)
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	u.Wait()
	rs := svc.Resends(id)
	if len(rs) != 1 || len(rs[0].Recipients) != 1 || rs[0].Recipients[0] != "ubndtanan@longan.gov.vn" {
		t.Fatalf("re-sends recorded: %+v", rs)
	}
	if !u.reader.resent.Visible() || !strings.Contains(u.reader.resent.Text, "ubndtanan@longan.gov.vn") {
		t.Fatalf("re-send not shown: %q", u.reader.resent.Text)
	}
	if !u.reader.resend.Disabled() {
		t.Fatal("re-send still active right after re-sending")
	}
}

// Every window fits a 1366×768 screen at 100 % and 125 % scaling and at
// 130 % text: the content's minimum size is within the screen, so the
// action buttons are always visible.
func TestWindowsFit1366x768(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  fyne.Size // logical pixels left for a window
		scale float32   // text size
	}{
		{"100%", fyne.NewSize(1366, 728), 1},
		{"125%", WindowSize, 1},
		{"text130%", fyne.NewSize(1366, 728), 1.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := NewMemServices()
			s := svc.Settings()
			s.TextScale = tc.scale
			svc.SaveSettings(s)
			u, w := newTestUI(t, svc)
			w.Resize(tc.size)
			fits := func(what string, o fyne.CanvasObject) {
				t.Helper()
				if m := o.MinSize(); m.Width > tc.size.Width || m.Height > tc.size.Height {
					t.Errorf("%s needs %v, screen leaves %v", what, m, tc.size)
				}
			}
			fits("main window", w.Content())
			u.list.Select(rowIndex(t, u, "Lịch công tác tuần"))
			u.Wait()
			fits("main window with the reader", w.Content())
			u.NewCompose(Draft{Account: "ca-nhan", To: []string{"ttbngoc.stttt@longan.gov.vn", "canbo.longan@gmail.com"},
				Subject: "[MẬT] Báo cáo tình hình an ninh mạng quý II/2025", Body: strings.Repeat("Nội dung báo cáo. ", 40),
				Attachments: []string{"/tmp/BaoCao_ANM_QuyII.docx", "/tmp/PhuLuc.xlsx"}})
			fits("compose with findings", u.composeWn.Content())
			if s := u.composeWn.Canvas().Size(); s.Width > tc.size.Width || s.Height > tc.size.Height {
				t.Errorf("compose opens at %v", s)
			}
			sw := test.NewWindow(nil)
			defer sw.Close()
			v := u.newSettingsView(sw)
			sw.SetContent(v.object())
			fits("settings", sw.Content())
			for i := range v.tabs.Items {
				v.tabs.SelectIndex(i)
				fits("settings tab "+v.tabs.Items[i].Text, sw.Content())
			}
			ww := test.NewWindow(nil)
			defer ww.Close()
			wiz := u.newSetupWizard(ww, false)
			ww.SetContent(wiz.object())
			for _, step := range []int{stepEmail, stepServers, stepPassword, stepProfile, stepSignature} {
				wiz.goTo(step)
				u.Wait()
				fits("setup wizard", ww.Content())
			}
		})
	}
}

// The default split shows at least 12 messages at 1366×768 (100 %), also
// when the window opened smaller and was then maximised.
func TestListShowsTwelveRows(t *testing.T) {
	u, w := newTestUI(t, NewMemServices())
	w.Resize(WindowSize)
	u.showMain()
	w.Resize(fyne.NewSize(1366, 728))
	_, row := newMessageRow()
	rowH := row.MinSize().Height + theme.Padding()
	shown := u.list.Size().Height / rowH
	if shown < 12 {
		t.Fatalf("the list shows %.1f rows (list %v, row %v)", shown, u.list.Size(), rowH)
	}
}

// After a crash the drafts kept on this computer can be resumed.
func TestResumeLocalDraft(t *testing.T) {
	svc := NewMemServices()
	saved, _ := svc.SaveDraft(t.Context(), Draft{Account: "ca-nhan", To: []string{"snv@longan.gov.vn"}, Subject: "Góp ý dự thảo", Body: "Đang viết dở"})
	u, w := newTestUI(t, svc)
	u.ShowLocalDrafts()
	test.Tap(findButton(t, topOverlay(t, w), "Soạn tiếp"))
	if u.compose == nil || u.compose.body.Text != "Đang viết dở" || u.compose.draftID != saved.ID {
		t.Fatal("the draft did not reopen where it was left")
	}
	// finishing it replaces that draft, not a new one
	test.Type(u.compose.body, " và xong")
	u.compose.saveDraft(false)
	u.Wait()
	if ds := svc.Drafts(); len(ds) != 1 || !strings.Contains(ds[0].Body, "và xong") || !strings.Contains(ds[0].Body, "Đang viết dở") {
		t.Fatalf("drafts: %+v", ds)
	}
}

// Delete, with the list holding the keyboard, moves the message to Trash.
func TestDeleteMovesToTrash(t *testing.T) {
	svc := NewMemServices()
	u, w := newTestUI(t, svc)
	before := u.model.Len()
	u.list.Select(rowIndex(t, u, "Bản tin Chuyển đổi số"))
	u.Wait()
	var list fyne.Focusable
	for _, o := range test.LaidOutObjects(w.Content()) {
		if ml, ok := o.(*messageList); ok {
			list = ml
		}
	}
	if list == nil {
		t.Fatal("no message list in the window")
	}
	w.Canvas().Focus(list)
	list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	u.Wait()
	if u.model.Len() != before-1 {
		t.Fatalf("inbox has %d rows after Delete, had %d", u.model.Len(), before)
	}
	trash, _ := svc.Messages("ca-nhan", "Thùng rác", SortDate, true, 0, 10)
	if len(trash) != 1 || !strings.HasPrefix(trash[0].Subject, "Bản tin Chuyển đổi số") {
		t.Fatalf("Trash: %+v", trash)
	}
	if u.reader.msg != nil {
		t.Fatal("the reader still shows the deleted message")
	}
}

// Settings: "Lưu" says it saved; an account opens for editing; the wizard
// for another mailbox can be cancelled.
func TestSettingsFeedbackAccountEditAndWizardCancel(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	sw := test.NewWindow(nil)
	defer sw.Close()
	v := u.newSettingsView(sw)
	sw.SetContent(v.object())
	v.save()
	if !strings.HasPrefix(v.saved.Text, "Đã lưu lúc") {
		t.Fatalf("no feedback after Lưu: %q", v.saved.Text)
	}
	v.editAccount(svc.Accounts()[0])
	form := topOverlay(t, sw)
	var port *widget.Entry
	for _, o := range test.LaidOutObjects(form) {
		if e, ok := o.(*widget.Entry); ok && e.Text == "993" && port == nil {
			port = e
		}
	}
	if port == nil {
		t.Fatal("no IMAP port field")
	}
	port.SetText("9993")
	test.Tap(findButton(t, form, "Lưu"))
	u.Wait()
	if got := svc.Accounts()[0].IMAP.Port; got != 9993 {
		t.Fatalf("IMAP port after editing: %d", got)
	}

	ww := test.NewWindow(nil)
	closed := false
	ww.SetOnClosed(func() { closed = true })
	wiz := u.newSetupWizard(ww, false)
	ww.SetContent(wiz.object())
	test.Tap(findButton(t, ww.Content(), "Hủy"))
	if !closed {
		t.Fatal("Hủy did not close the add-mailbox wizard")
	}
}
