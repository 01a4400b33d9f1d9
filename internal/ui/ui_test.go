package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// newTestUI builds the client on demo data in a test window.
func newTestUI(t *testing.T, svc Services) (*UI, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	// The tests run autosave themselves: a ticker left running after a
	// test would draw from another goroutine during the next.
	every := autosaveEvery
	autosaveEvery = time.Hour
	t.Cleanup(func() { autosaveEvery = every })
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w, svc)
	t.Cleanup(u.bg.Wait)
	return u, w
}

func rowIndex(t *testing.T, u *UI, subjectPrefix string) int {
	t.Helper()
	for i := 0; i < u.model.Len(); i++ {
		if m, ok := u.model.Row(i); ok && strings.HasPrefix(m.Subject, subjectPrefix) {
			return i
		}
	}
	t.Fatalf("no row starting %q", subjectPrefix)
	return -1
}

func TestSearchFiltersList(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	all, _ := svc.CountMessages("ca-nhan", "INBOX")
	if u.model.Len() != all || all < 5 {
		t.Fatalf("inbox shows %d rows, folder has %d", u.model.Len(), all)
	}
	tests := []struct {
		query string
		want  string // every row's folded subject+sender+body must contain these words
	}{
		{"lich cong tac", "lich cong tac"},             // no diacritics typed
		{"CÔNG VĂN", "cong van"},                       // upper case with diacritics
		{"dự thảo", "du thao"},                         // diacritics typed
		{"khongcothunaonhuvay", "khongcothunaonhuvay"}, // no match
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			u.search.SetText("")
			test.Type(u.search, tc.query)
			if !u.searching {
				t.Fatal("typing in the search box did not switch to search results")
			}
			want, _ := svc.Search(tc.query, 500)
			if u.model.Len() != len(want) {
				t.Fatalf("list shows %d rows, search finds %d", u.model.Len(), len(want))
			}
			if u.model.Len() >= all+4 {
				t.Fatalf("search did not filter: %d rows", u.model.Len())
			}
			for i := 0; i < u.model.Len(); i++ {
				m, _ := u.model.Row(i)
				opened, err := svc.Open(m.ID)
				if err != nil {
					t.Fatal(err)
				}
				hay := vntext.Fold(m.Subject + " " + m.From.Name + " " + opened.Text + " " + opened.HTML)
				for _, w := range strings.Fields(tc.want) {
					if !strings.Contains(hay, w) {
						t.Errorf("row %q does not match %q", m.Subject, tc.query)
					}
				}
			}
		})
	}
	u.search.SetText("")
	if u.searching || u.model.Len() != all {
		t.Fatalf("clearing the search shows %d rows, want the folder's %d", u.model.Len(), all)
	}
}

func TestSelectMessageShowsReader(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	before := unreadInbox(t, svc, "ca-nhan")
	i := rowIndex(t, u, "Lịch công tác tuần")
	u.list.Select(i)
	u.bg.Wait() // opened and marked seen in the background
	if got := u.reader.subject.Text; !strings.HasPrefix(got, "Lịch công tác tuần") {
		t.Fatalf("reader shows %q", got)
	}
	if !u.reader.content.Visible() || u.reader.empty.Visible() {
		t.Fatal("reader pane still shows the empty state")
	}
	if after := unreadInbox(t, svc, "ca-nhan"); after != before-1 {
		t.Fatalf("unread %d → %d, want one less after reading", before, after)
	}
	// remote image blocked until allowed, for this message only
	if !u.reader.images.Visible() {
		t.Fatal("no show-images button for a mail with a remote image")
	}
	if hasImage(u.reader.body.Segments) {
		t.Fatal("remote image shown before the user allowed it")
	}
	test.Tap(u.reader.images)
	if !hasImage(u.reader.body.Segments) || u.reader.images.Visible() {
		t.Fatal("show images did not show the image")
	}
	u.list.Select(rowIndex(t, u, "Giấy mời họp"))
	u.bg.Wait()
	if hasImage(u.reader.body.Segments) {
		t.Fatal("allowing images for one message allowed them for another")
	}
}

func unreadInbox(t *testing.T, svc Services, acct string) int {
	fs, err := svc.Folders(acct)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Role == model.RoleInbox {
			return f.Unread
		}
	}
	return -1
}

func TestShortcuts(t *testing.T) {
	svc := NewMemServices()
	u, w := newTestUI(t, svc)
	ctrl := fyne.KeyModifierShortcutDefault
	sc := windowShortcuts(w, false)

	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: ctrl})
	if u.compose == nil {
		t.Fatal("Ctrl+N did not open compose")
	}
	u.compose.win.Close()
	u.compose = nil

	// from the focused search box: the entry must pass the shortcut on
	w.Canvas().Focus(u.search)
	u.search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: ctrl})
	if u.compose == nil {
		t.Fatal("Ctrl+N in the search box did not open compose")
	}
	u.compose = nil

	u.list.Select(rowIndex(t, u, "Công văn 2101/STC"))
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: ctrl | fyne.KeyModifierShift})
	if u.compose == nil {
		t.Fatal("Ctrl+Shift+R did not open a reply")
	}
	d := u.compose.draft()
	if d.Subject != "Re: Công văn 2101/STC-QLNS về dự toán kinh phí chuyển đổi số" || len(d.To) != 1 || d.To[0] != "stc@longan.gov.vn" {
		t.Fatalf("reply all draft = %+v", d)
	}
	if len(d.Cc) != 1 || d.Cc[0] != "stttt@longan.gov.vn" {
		t.Fatalf("reply all Cc = %v, want the agency mailbox and not oneself", d.Cc)
	}
	if strings.Contains(d.Body, "Nguyễn Văn An\nChuyên viên") {
		t.Fatal("reply body carries a signature; it is added once on sending")
	}

	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl})
	if w.Canvas().Focused() != u.search {
		t.Fatal("Ctrl+F did not focus the search box")
	}
}

func findingCodes(c *composeView) []string {
	var out []string
	for _, f := range c.found {
		out = append(out, f.Rule+":"+f.Code)
	}
	return out
}

func hasCode(c *composeView, code string) bool {
	for _, f := range c.found {
		if f.Code == code {
			return true
		}
	}
	return false
}

func TestComposePreflightLive(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{Account: "ca-nhan", To: []string{"ttbngoc.stttt@longan.gov.vn"}})
	c := u.compose
	if !hasCode(c, "no_subject") || !c.send.Disabled() {
		t.Fatalf("empty subject: findings %v, send disabled %v", findingCodes(c), c.send.Disabled())
	}
	test.Type(c.subject, "[MẬT] Kế hoạch bảo vệ")
	if !hasCode(c, "secret") || !c.send.Disabled() {
		t.Fatalf("secret subject: findings %v", findingCodes(c))
	}
	c.subject.SetText("")
	test.Type(c.subject, "Kế hoạch tuyên truyền chuyển đổi số")
	if len(c.found) != 0 || c.send.Disabled() {
		t.Fatalf("clean draft: findings %v", findingCodes(c))
	}

	// foreign webmail, fixed with one click
	c.to.SetText(c.to.Text + ", ai.do@gmail.com")
	if !hasCode(c, "foreign_webmail") {
		t.Fatalf("gmail recipient: findings %v", findingCodes(c))
	}
	for _, f := range c.found {
		if f.Fix == FixRemoveRecipient {
			c.applyFix(f)
		}
	}
	if strings.Contains(c.to.Text, "gmail") || hasCode(c, "foreign_webmail") {
		t.Fatalf("remove-recipient fix left %q", c.to.Text)
	}

	// a .docx attachment, fixed by converting to PDF
	c.addAttachment("/tmp/BaoCao.docx")
	if !hasCode(c, "not_pdf") {
		t.Fatalf("docx: findings %v", findingCodes(c))
	}
	for _, f := range c.found {
		if f.Fix == FixConvertPDF {
			c.applyFix(f)
		}
	}
	u.bg.Wait()
	if hasCode(c, "not_pdf") || c.attachments[0] != "/tmp/BaoCao.pdf" {
		t.Fatalf("convert fix: attachments %v findings %v", c.attachments, findingCodes(c))
	}

	c.Send()
	u.bg.Wait()
	if len(svc.Sent) != 1 || svc.Sent[0].Subject != "Kế hoạch tuyên truyền chuyển đổi số" {
		t.Fatalf("sent %+v", svc.Sent)
	}
}

func TestComposeCompletesAddresses(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{Account: "ca-nhan"})
	c := u.compose
	test.Type(c.to, "ngoc") // folded: matches "Trần Thị Bích Ngọc"
	if len(c.suggest.Objects) == 0 {
		t.Fatal("no completion for a known name typed without diacritics")
	}
	test.Tap(c.suggest.Objects[0].(fyne.Tappable))
	if got := splitAddrs(c.to.Text); len(got) != 1 || got[0] != "ttbngoc.stttt@longan.gov.vn" {
		t.Fatalf("completion gave %q", c.to.Text)
	}
}

// countingServices counts the rows the list asks for.
type countingServices struct {
	*MemServices
	calls, rows int
}

func (c *countingServices) Messages(account, folder string, key SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error) {
	out, err := c.MemServices.Messages(account, folder, key, desc, offset, limit)
	c.calls++
	c.rows += len(out)
	return out, err
}

func TestListWindowing100k(t *testing.T) {
	const n = 100_000
	mem := NewMemServices()
	mem.Generate("ca-nhan", "Lưu trữ 2024", n)
	svc := &countingServices{MemServices: mem}
	u, _ := newTestUI(t, svc)
	svc.calls, svc.rows = 0, 0
	u.OpenFolder("ca-nhan", "Lưu trữ 2024")
	if u.list.Length() != n {
		t.Fatalf("list length %d, want %d", u.list.Length(), n)
	}
	u.list.Refresh()
	if svc.rows == 0 || svc.rows > 2*listPageSize {
		t.Fatalf("opening the folder fetched %d rows in %d calls; want only the visible window", svc.rows, svc.calls)
	}
	for _, at := range []int{n / 2, n - 1, 1234, 0} {
		u.list.ScrollTo(at)
		m, ok := u.model.Row(at)
		if !ok || m.Subject == "" {
			t.Fatalf("row %d not available", at)
		}
	}
	if svc.rows > 12*listPageSize {
		t.Fatalf("scrolling to 4 places fetched %d rows", svc.rows)
	}
	if got := u.model.cachedRows(); got > listMaxPages*listPageSize {
		t.Fatalf("model holds %d rows, more than its window of %d", got, listMaxPages*listPageSize)
	}
	// sorting re-pages instead of loading the folder
	svc.rows = 0
	u.SortBy(SortSubject)
	u.list.Refresh()
	if svc.rows > 2*listPageSize {
		t.Fatalf("sorting fetched %d rows", svc.rows)
	}
	first, _ := u.model.Row(0)
	second, _ := u.model.Row(1)
	if vntext.Fold(first.Subject) > vntext.Fold(second.Subject) {
		t.Fatalf("not sorted by subject: %q before %q", first.Subject, second.Subject)
	}
}

func TestWindowModelEviction(t *testing.T) {
	src := make(slicePager, 10_000)
	for i := range src {
		src[i].ID = int64(i)
	}
	w := newWindowModel(src, 50, 3)
	for _, i := range []int{0, 10, 60, 120, 9999, 5000, 30} {
		m, ok := w.Row(i)
		if !ok || m.ID != int64(i) {
			t.Fatalf("row %d = %d, %v", i, m.ID, ok)
		}
	}
	if w.fetches != 6 { // pages 0,1,2,199,100, then 0 again after eviction
		t.Fatalf("fetches = %d, want 6", w.fetches)
	}
	if w.cachedRows() > 150 {
		t.Fatalf("cached %d rows, window is 150", w.cachedRows())
	}
	if _, ok := w.Row(10_000); ok {
		t.Fatal("row past the end exists")
	}
}

func TestNotificationOpensMail(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	var sum model.MessageSummary
	test.AssertNotificationSent(t, fyne.NewNotification("Thư mới từ Sở Nội vụ tỉnh Long An", "Thông báo lịch trực Tết"), func() {
		sum = svc.Deliver("ca-nhan", model.Address{Name: "Sở Nội vụ tỉnh Long An", Address: "snv@longan.gov.vn"},
			"Thông báo lịch trực Tết", "Sở Nội vụ thông báo lịch trực.")
	})
	u.OpenPending()
	if u.reader.msg == nil || u.reader.msg.Summary.ID != sum.ID {
		t.Fatal("opening from the notification did not show the new mail")
	}
}

func TestSetupWizard(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	w := test.NewWindow(nil) // finishing closes it
	s := u.newSetupWizard(w, false)
	w.SetContent(s.object())
	test.Type(s.email, "vanthu@hanam.gov.vn")
	s.shared.SetChecked(true)
	s.advance()
	u.bg.Wait() // servers discovered in the background
	if s.step != stepServers || s.imapHost.Text != "mail.hanam.gov.vn" || s.profile.Selected == "" {
		t.Fatalf("servers step: step %d host %q profile %q", s.step, s.imapHost.Text, s.profile.Selected)
	}
	s.advance()
	s.advance() // empty password
	u.bg.Wait()
	if s.tested || !s.next.Disabled() || !strings.Contains(s.verdict.Text, "(") {
		t.Fatalf("an empty password passed the connection test: %q", s.verdict.Text)
	}
	s.goTo(stepPassword)
	test.Type(s.password, "Mk@2025abc")
	s.advance()
	u.bg.Wait()
	if !s.tested || s.next.Disabled() {
		t.Fatalf("connection test verdict: %q", s.verdict.Text)
	}
	s.advance()
	s.advance()
	test.Type(s.sig["name"], "Trần Văn Thư")
	s.advance()
	u.bg.Wait() // the account is saved off the UI goroutine
	var got *model.Account
	for _, a := range svc.Accounts() {
		if a.Email == "vanthu@hanam.gov.vn" {
			got = &a
		}
	}
	if got == nil || !got.Shared || got.Profile != "hn" || got.Signature.Name != "Trần Văn Thư" {
		t.Fatalf("account saved as %+v", got)
	}
	if s.password.Text != "" {
		t.Fatal("the password stays in the wizard after finishing")
	}
}

func TestSettingsLanguageAndTextSize(t *testing.T) {
	svc := NewMemServices()
	u, w := newTestUI(t, svc)
	sw := test.NewWindow(nil)
	defer sw.Close()
	v := u.newSettingsView(sw)
	sw.SetContent(v.object())
	v.language.SetSelected("English")
	v.textSize.SetSelected("130%")
	v.save()
	s := svc.Settings()
	if s.Language != "en" || s.TextScale != 1.3 {
		t.Fatalf("saved %q %v", s.Language, s.TextScale)
	}
	if got := u.headers[SortSender].Text; got != "From" {
		t.Fatalf("main window header after switching to English: %q", got)
	}
	th := fyne.CurrentApp().Settings().Theme()
	if th.Size("text") < 14*1.29 || th.Size("padding") < 4*1.29 {
		t.Fatalf("text size 130%% gives text %v padding %v", th.Size("text"), th.Size("padding"))
	}
	_ = w
	v.checkTimes.SetText("07:30, 25:00")
	v.save()
	if got := svc.Settings().CheckTimes; len(got) != 2 || got[1] != "13:30" {
		t.Fatalf("an invalid check time was saved: %v", got)
	}
	if err := SetLanguage("vi"); err != nil {
		t.Fatal(err)
	}
}

func hasImage(segs []widget.RichTextSegment) bool {
	for _, s := range segs {
		if _, ok := s.(*widget.ImageSegment); ok {
			return true
		}
	}
	return false
}

// A sent document shows who acknowledged it, and offers to re-send to the
// others (R2); a received mail offers no re-send.
func TestReaderResendToUnacknowledged(t *testing.T) {
	svc := NewMemServices()
	u, _ := newTestUI(t, svc)
	u.list.Select(rowIndex(t, u, "Lịch công tác tuần"))
	u.bg.Wait() // the reader finishes with this mail before the next
	if u.reader.resend.Visible() {
		t.Fatal("re-send offered for a received mail")
	}
	var sentAcct string
	for _, a := range svc.Accounts() {
		fs, _ := svc.Folders(a.Name)
		for _, f := range fs {
			if f.Name == "Đã gửi" && f.Total > 0 {
				sentAcct = a.Name
			}
		}
	}
	u.OpenFolder(sentAcct, "Đã gửi")
	u.list.Select(0)
	u.bg.Wait()
	if u.reader.msg == nil || len(u.reader.msg.Receipts) == 0 {
		t.Fatal("no receipts for a sent document")
	}
	if !u.reader.resend.Visible() || !strings.Contains(u.reader.ack.Text, "/") {
		t.Fatalf("sent document %q in %q: resend visible %v, status %q", u.reader.msg.Summary.Subject, u.reader.msg.Summary.Folder, u.reader.resend.Visible(), u.reader.ack.Text)
	}
	n, err := svc.Resend(u.reader.msg.Summary.ID)
	if err != nil || n != len(u.reader.msg.Receipts)-2 {
		t.Fatalf("resend: %d %v", n, err)
	}
}

// R7: a dangerous attachment is flagged and cannot be opened from the reader.
func TestReaderFlagsDangerousAttachment(t *testing.T) {
	u, _ := newTestUI(t, NewMemServices())
	u.reader.show(&ReaderMessage{Summary: model.MessageSummary{ID: 999, Subject: "Hoá đơn"},
		Text: "Xem tệp.", Attachments: []Attachment{{Filename: "hoadon.pdf.exe", Size: 2048, Dangerous: true}, {Filename: "cv.pdf", Size: 1024}}})
	rows := u.reader.attachments.Objects
	if len(rows) != 2 {
		t.Fatalf("%d attachment rows", len(rows))
	}
	openOf := func(row fyne.CanvasObject) *widget.Button {
		if b := firstButton(row); b != nil {
			return b
		}
		t.Fatal("no buttons in the attachment row")
		return nil
	}
	if !openOf(rows[0]).Disabled() || openOf(rows[1]).Disabled() {
		t.Fatal("open should be disabled for the dangerous file only")
	}
}

// firstButton is the first button in o, depth first.
func firstButton(o fyne.CanvasObject) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := firstButton(c); b != nil {
				return b
			}
		}
	}
	return nil
}
