// Package ui owns the Fyne face of Thư Công Vụ: the setup wizard, the main
// window (accounts and folders, the virtualised message list, the reader),
// compose with its live preflight, settings, the tray and the shortcuts.
// It talks to the mail engine only through the Services interface and must
// not hold mail logic of its own: rules, sync, storage and sending belong to
// the engine. Every update from another goroutine goes through fyne.Do.
package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// Page size and cached pages of the message list (see windowModel).
const (
	listPageSize = 100
	listMaxPages = 6
)

// UI is the running client: one main window over one Services.
type UI struct {
	app fyne.App
	win fyne.Window
	svc Services
	// outboxWaiting is how many mails wait in the outbox for a retry.
	outboxWaiting int
	// notifier shows desktop notifications; nil uses Fyne's.
	notifier func(title, body string) error

	// main view widgets, kept as fields so tests can drive them
	folders    *widget.Tree
	folderData map[string][]model.Folder
	list       *widget.List
	model      *windowModel
	headers    map[SortKey]*widget.Button
	headerRow  *fyne.Container
	listSplit  *container.Split
	search     *fwdEntry
	reader     *readerPane
	progress   *widget.ProgressBar
	status     *widget.Label

	account, folder string
	sortKey         SortKey
	sortDesc        bool
	searching       bool
	selected        int64
	// pendingOpen is the message the last notification pointed to.
	pendingOpen int64
	// notice is the latest notification, shown in the status bar and tray.
	notice string

	compose  *composeView // the most recent compose window
	settings *settingsView
	setup    *setupWizard
	trayMenu *fyne.Menu
	// trayNotice is the one-time "still running in the tray" notice.
	trayNotice dialog.Dialog
	checking   context.CancelFunc
	composeWn  fyne.Window
	now        func() time.Time
	temps      []string // temporary folders removed on exit
	tempMu     sync.Mutex
	// bg tracks background work (check, send, test, convert) so tests and
	// shutdown can wait for it.
	bg background

	// sigPass verifies the PDFs of downloaded mail for the list's badges.
	sigPass signaturePass
	// statusBar is the status bar's summary, read in the background.
	statusBar statusReader
	// firstPaint is what readFirstPaint read for the main view's first build.
	firstPaint firstPaint
	// paintGate holds background reads until the first paint.
	paintGate paintGate
}

// Wait waits for the background work started so far (tests, benchmarks).
func (u *UI) Wait() { u.bg.Wait() }

// goBG runs fn in the background, tracked by u.bg; fn reports back through doMain.
func (u *UI) goBG(fn func()) { u.bg.run(fn) }

// New builds the client in win over svc: language and text size from the
// settings, the setup wizard when there is no account yet, else the main
// view; shortcuts, tray and engine events are wired. The caller shows the
// window and runs the app.
func New(a fyne.App, win fyne.Window, svc Services) *UI {
	u := &UI{app: a, win: win, svc: svc, sortDesc: true, headers: map[SortKey]*widget.Button{}, now: time.Now}
	s := svc.Settings()
	if err := SetLanguage(s.Language); err != nil {
		fyne.LogError("set language", err)
	}
	a.Settings().SetTheme(newAppTheme(s.TextScale, nil))
	fontsLoaded := loadFonts()
	if accts := svc.Accounts(); len(accts) > 0 {
		u.account, u.folder = accts[0].Name, "INBOX"
		u.readFirstPaint()
		fontsLoaded()
		u.showMain()
	} else {
		fontsLoaded()
		u.ShowSetup(false)
	}
	u.addShortcuts()
	u.setupTray()
	u.rememberSize(win, "main", fyne.Size{}) // the caller sized it first
	a.Lifecycle().SetOnStopped(func() {
		u.storeSize(win, "main")
		u.Cleanup()
	})
	svc.Subscribe(func(e Event) { doMain(func() { u.onEvent(e) }) })
	u.verifySignedMail()
	u.openAfterPaint()
	return u
}

// showMain puts the three-pane mail view into the window.
func (u *UI) showMain() {
	u.win.SetContent(u.buildMain())
	u.win.SetTitle(u.title()) // from the folders buildMain read
	u.win.SetMainMenu(u.mainMenu())
}

func (u *UI) title() string {
	n := u.unreadTotal()
	if n == 0 {
		return lang.L("app.title")
	}
	return lang.L("app.title_unread", map[string]any{"Count": n})
}

func (u *UI) buildMain() fyne.CanvasObject {
	u.progress = widget.NewProgressBar()
	u.progress.Hide()
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis

	u.search = newFwdEntry(u.win)
	u.search.SetPlaceHolder(lang.L("search.placeholder"))
	u.search.OnChanged = func(string) { u.runSearch() }

	btn := func(key string, icon fyne.Resource, fn func()) *widget.Button {
		b := widget.NewButtonWithIcon(lang.L(key), icon, fn)
		b.Importance = widget.LowImportance
		return b
	}
	tools := container.NewHBox(
		btn("action.new", theme.MailComposeIcon(), func() { u.NewCompose(Draft{}) }),
		btn("action.reply", theme.MailReplyIcon(), func() { u.Reply(false) }),
		btn("action.reply_all", theme.MailReplyAllIcon(), func() { u.Reply(true) }),
		btn("action.forward", theme.MailForwardIcon(), u.Forward),
		btn("action.process", theme.MailSendIcon(), u.ShowProcess),
		widget.NewSeparator(),
		btn("action.check", theme.ViewRefreshIcon(), u.CheckNow),
		btn("action.settings", theme.SettingsIcon(), u.ShowSettings),
	)
	top := container.NewBorder(nil, nil, tools, nil, u.search)

	u.reader = newReaderPane(u)
	u.model = nil // selecting the folder below reads the list
	u.buildFolders()
	// Tab follows the layout: the list before its column headers, which
	// are a mouse convenience.
	header := u.buildHeader()
	listPane := container.New(layout.NewBorderLayout(header, nil, nil, nil), u.buildList(), header)
	right := container.NewVSplit(listPane, u.reader.object())
	right.Offset = float64(listSplitOffset(u.win.Canvas().Size().Height))
	u.listSplit = right
	bar := widget.NewButton(lang.L("action.new"), nil).MinSize().Height + theme.Padding()
	auto := &autoSplit{split: right, last: right.Offset, bars: 2 * bar}
	split := container.NewHSplit(u.folders, container.New(auto, right))
	split.Offset = 0.21
	bottom := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(220, u.progress.MinSize().Height), u.progress), u.withQuota(u.status))
	u.updateStatus()

	return container.NewBorder(top, bottom, nil, nil, split)
}

// folderID joins account and folder into a tree node ID.
func folderID(account, folder string) string { return account + "\x00" + folder }

func (u *UI) buildFolders() {
	if !u.firstPaint.folders {
		u.reloadFolders()
	}
	u.firstPaint.folders = false
	u.folders = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID {
			if id == "" {
				var ids []string
				for _, a := range u.svc.Accounts() {
					ids = append(ids, a.Name)
				}
				return ids
			}
			var ids []string
			for _, f := range u.folderData[id] {
				ids = append(ids, folderID(id, f.Name))
			}
			return ids
		},
		func(id widget.TreeNodeID) bool { return !strings.Contains(id, "\x00") },
		func(branch bool) fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, l)
		},
		func(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			l, icon := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Icon)
			if branch {
				for _, a := range u.svc.Accounts() {
					if a.Name == id {
						l.SetText(accountShort(a))
						l.TextStyle.Bold = true
						icon.SetResource(theme.AccountIcon())
						if a.Shared {
							icon.SetResource(theme.HomeIcon())
						}
					}
				}
				l.Refresh()
				return
			}
			acct, name, _ := strings.Cut(id, "\x00")
			for _, f := range u.folderData[acct] {
				if f.Name == name {
					text := folderLabel(f)
					if f.Unread > 0 {
						text += fmt.Sprintf(" (%d)", f.Unread)
					}
					l.SetText(text)
					l.TextStyle.Bold = f.Unread > 0
					l.Refresh()
					icon.SetResource(folderIcon(f.Role))
				}
			}
		})
	u.folders.OnSelected = func(id widget.TreeNodeID) {
		acct, name, ok := strings.Cut(id, "\x00")
		if !ok {
			return
		}
		u.OpenFolder(acct, name)
	}
	for _, a := range u.svc.Accounts() {
		u.folders.OpenBranch(a.Name)
	}
	u.folders.Select(folderID(u.account, u.folder))
	u.folders.ScrollToTop() // the selection scrolled a window not yet laid out
}

// reloadFolders reads every account's folders; false when one failed
// (the status bar says why).
func (u *UI) reloadFolders() bool {
	u.folderData = map[string][]model.Folder{}
	ok := true
	for _, a := range u.svc.Accounts() {
		fs, err := u.svc.Folders(a.Name)
		if err != nil {
			u.setStatusErr(err)
			ok = false
			continue
		}
		u.folderData[a.Name] = fs
	}
	return ok
}

// unreadTotal counts the unread mail of every INBOX, from the folders last read.
func (u *UI) unreadTotal() int {
	n := 0
	for _, fs := range u.folderData {
		for _, f := range fs {
			if f.Role == model.RoleInbox {
				n += f.Unread
			}
		}
	}
	return n
}

func accountLabel(a model.Account) string {
	kind := lang.L("account.personal")
	if a.Shared {
		kind = lang.L("account.agency")
	}
	return kind + " · " + a.Email
}

// accountShort names an account in the narrow folder tree.
func accountShort(a model.Account) string {
	kind := lang.L("account.personal")
	if a.Shared {
		kind = lang.L("account.agency")
	}
	local, _, _ := strings.Cut(a.Email, "@")
	return kind + " (" + local + ")"
}

func folderLabel(f model.Folder) string {
	switch f.Role {
	case model.RoleInbox, model.RoleSent, model.RoleDrafts, model.RoleTrash, model.RoleJunk, model.RoleArchive:
		return lang.L("folder." + f.Role)
	}
	return f.Name
}

func folderIcon(role string) fyne.Resource {
	switch role {
	case model.RoleInbox:
		return theme.DownloadIcon()
	case model.RoleSent:
		return theme.MailSendIcon()
	case model.RoleDrafts:
		return theme.DocumentCreateIcon()
	case model.RoleTrash:
		return theme.DeleteIcon()
	}
	return theme.FolderIcon()
}

// OpenFolder shows a folder in the message list.
func (u *UI) OpenFolder(account, folder string) {
	u.account, u.folder = account, folder
	if u.search != nil && u.search.Text != "" {
		u.search.SetText("") // leaves search mode through runSearch
		return
	}
	u.searching = false
	u.reloadList()
}

func (u *UI) reloadList() {
	var src pager = folderPager{u.svc, u.account, u.folder, u.sortKey, u.sortDesc}
	if u.searching {
		res, err := u.svc.Search(u.search.Text, 500)
		if err != nil {
			u.setStatusErr(err)
		}
		src = slicePager(res)
		if u.folders != nil {
			u.folders.UnselectAll() // results come from every mailbox
		}
	}
	if m := u.firstPaint.take(src, u.searching); m != nil {
		u.model = m
	} else {
		u.model = newWindowModelMarked(src, listPageSize, listMaxPages, u.markSource())
		u.marksLater(u.model)
	}
	if u.list != nil {
		u.list.UnselectAll()
		u.list.Refresh()
		u.list.ScrollToTop()
	}
	u.updateHeader()
	u.updateStatus()
}

func (u *UI) runSearch() {
	q := strings.TrimSpace(u.search.Text)
	was := u.searching
	u.searching = q != ""
	u.reloadList()
	if was && !u.searching && u.folders != nil {
		u.folders.Select(folderID(u.account, u.folder)) // back in the folder
	}
}

func (u *UI) updateStatus() {
	if u.status == nil || u.model == nil {
		return
	}
	if u.model.err != nil {
		u.status.SetText(humanError(u.model.err))
		return
	}
	u.showStatus()
	u.readStatus()
}

// showStatus shows the status bar from what is known now.
func (u *UI) showStatus() {
	if u.status == nil || u.model == nil || u.model.err != nil {
		return
	}
	text := u.statusText()
	if u.notice != "" {
		text += " · " + u.notice // the latest reminder, even when the desktop could not show it
	}
	u.status.SetText(text)
}

// setStatus shows a short message in the status bar until the next update.
func (u *UI) setStatus(text string) {
	if u.status != nil {
		u.status.SetText(text)
	}
}

func (u *UI) setStatusErr(err error) {
	if u.status != nil {
		u.status.SetText(humanError(err))
	}
}

// onEvent applies an engine event; it runs on the UI goroutine.
func (u *UI) onEvent(e Event) {
	switch e.Kind {
	case EventProgress:
		if u.progress != nil {
			u.progress.Show()
			if e.Total > 0 {
				u.progress.SetValue(float64(e.Done) / float64(e.Total))
			}
		}
		return
	case EventNewMail:
		if e.Message != nil {
			u.notify(*e.Message)
		}
		u.verifySignedMail()
	case EventReminder:
		// The engine showed the reminder through the OS notifier (R1).
	case EventOutbox:
		u.outboxWaiting = e.Done
	}
	u.refresh()
}

// accountsChanged rebuilds the main window after a mailbox was added or
// removed; with none left, the setup wizard shows.
func (u *UI) accountsChanged() {
	accts := u.svc.Accounts()
	if len(accts) == 0 {
		u.folders, u.model, u.reader = nil, nil, nil
		u.ShowSetup(false)
		return
	}
	found := false
	for _, a := range accts {
		found = found || a.Name == u.account
	}
	if !found {
		u.account, u.folder = accts[0].Name, "INBOX"
	}
	u.showMain()
}

// refresh re-reads folders, counts and the list after the engine changed them.
func (u *UI) refresh() {
	if u.folders == nil {
		return
	}
	u.reloadFolders()
	u.folders.Refresh()
	if u.model != nil && !u.searching {
		u.model.reload()
		u.list.Refresh()
		u.updateStatus()
	}
	u.win.SetTitle(u.title())
	u.updateTray()
}

// notify announces new mail; opening the app from the tray or the
// notification shows that message (Fyne notifications carry no action, so
// the message is remembered until the window is next used).
func (u *UI) notify(m model.MessageSummary) {
	u.pendingOpen = m.ID
	name := m.From.Name
	if name == "" {
		name = m.From.Address
	}
	title := lang.L("notify.new_mail", map[string]any{"From": name})
	if u.notifier != nil {
		u.notifier(title, m.Subject)
		return
	}
	u.app.SendNotification(fyne.NewNotification(title, m.Subject))
}

// SetNotifier routes notifications through fn (a WindowNotifier: the
// window, then a WinRT toast on Windows rather than Fyne's PowerShell
// script, which agency AppLocker rules block); without one, Fyne's.
func (u *UI) SetNotifier(fn func(title, body string) error) { u.notifier = fn }

// OpenPending shows the message the last notification announced.
func (u *UI) OpenPending() {
	if u.pendingOpen == 0 || u.reader == nil {
		return
	}
	id := u.pendingOpen
	u.pendingOpen = 0
	u.openMessage(id)
}

// ShowMessage shows message id in the reader (a notification's "open").
func (u *UI) ShowMessage(id int64) { u.openMessage(id) }

// openMessage shows at once what the store holds of message id, then
// downloads, decodes and marks it seen in the background (a fresh login
// must never hold the window) and updates the reader when done.
func (u *UI) openMessage(id int64) {
	msg, err := guard(func() (*ReaderMessage, error) { return u.svc.Peek(id) })
	if err != nil {
		u.ShowError(err)
		return
	}
	u.selected = id
	u.reader.show(msg)
	if !msg.Loading {
		return // stored and seen: nothing left to do
	}
	u.goBG(func() {
		full, err := guard(func() (*ReaderMessage, error) { return u.svc.Open(id) })
		doMain(func() {
			if u.selected != id || u.reader == nil {
				return // the user moved on
			}
			if err != nil {
				msg.Loading = false
				msg.Problem = humanError(err)
				u.reader.show(msg)
				return
			}
			u.reader.show(full)
			if u.model != nil {
				u.model.update(full.Summary)
				u.list.Refresh()
			}
		})
	})
}

// guard calls fn, turning a panic into an error: one message the decoder
// chokes on must not take the window down.
func guard(fn func() (*ReaderMessage, error)) (m *ReaderMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return fn()
}

// CheckNow syncs every account once, showing progress.
func (u *UI) CheckNow() {
	if u.checking != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.checking = cancel
	if u.progress != nil {
		u.progress.SetValue(0)
		u.progress.Show()
	}
	u.status.SetText(lang.L("status.checking"))
	u.goBG(func() {
		err := u.svc.CheckNow(ctx, func(done, total int) {
			doMain(func() {
				if total > 0 && u.progress != nil {
					u.progress.SetValue(float64(done) / float64(total))
				}
			})
		})
		doMain(func() {
			u.checking = nil
			cancel()
			if u.progress != nil {
				u.progress.Hide()
			}
			if err != nil {
				u.ShowError(err)
				return
			}
			u.refresh()
			u.verifySignedMail()
			u.status.SetText(lang.L("status.checked"))
		})
	})
}

// ShowError tells the user in plain words what went wrong and what to do next.
func (u *UI) ShowError(err error) {
	if err == nil {
		return
	}
	u.showErrorIn(u.win, err)
}

// showErrorIn is ShowError in another window (compose, settings, setup).
func (u *UI) showErrorIn(w fyne.Window, err error) {
	if err != nil {
		showKeyed(w, dialog.NewError(humanErr(err), w), nil, nil, nil)
	}
}

// humanError is err in plain words plus what to do next. The engine's own
// text is English: it goes to the log for the administrators, never to
// the window.
func humanError(err error) string {
	key := "error." + failure.Class(err)
	if key == "error.usage" {
		key = "error.generic"
	}
	fyne.LogError(key, err)
	return lang.L(key)
}

// fwdEntry is an Entry that passes the app's own shortcuts (Ctrl+N, Ctrl+R,
// Ctrl+Enter, ...) to its window: a focused Fyne Entry otherwise swallows them.
type fwdEntry struct {
	widget.Entry
	win fyne.Window
}

func newFwdEntry(win fyne.Window) *fwdEntry {
	e := &fwdEntry{win: win}
	e.ExtendBaseWidget(e)
	return e
}

func newFwdMultiLine(win fyne.Window) *fwdEntry {
	e := newFwdEntry(win)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *fwdEntry) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*desktop.CustomShortcut); ok {
		if h := windowShortcuts(e.win, false); h != nil {
			h.TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey implements fyne.Focusable: Escape and the function keys reach
// the window (Esc closes compose, F5/F9 check mail) from a focused field.
func (e *fwdEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape, fyne.KeyF5, fyne.KeyF9:
		if fn := e.win.Canvas().OnTypedKey(); fn != nil {
			fn(k)
			return
		}
	}
	e.Entry.TypedKey(k)
}

// shortcutsByWindow holds each window's own shortcuts, so that focused
// fields can run them: Fyne's canvas does not promise to be Shortcutable.
var shortcutsByWindow sync.Map // fyne.Window → *fyne.ShortcutHandler

// windowShortcuts returns win's shortcut handler, made on first use when create is set.
func windowShortcuts(win fyne.Window, create bool) *fyne.ShortcutHandler {
	if h, ok := shortcutsByWindow.Load(win); ok {
		return h.(*fyne.ShortcutHandler)
	}
	if !create {
		return nil
	}
	h, _ := shortcutsByWindow.LoadOrStore(win, &fyne.ShortcutHandler{})
	return h.(*fyne.ShortcutHandler)
}

// addWindowShortcut runs fn for s typed anywhere in win, focused fields included.
func addWindowShortcut(win fyne.Window, s fyne.Shortcut, fn func()) {
	run := func(fyne.Shortcut) { fn() }
	windowShortcuts(win, true).AddShortcut(s, run)
	win.Canvas().AddShortcut(s, run)
}

// forgetWindowShortcuts drops a closed window's handler.
func forgetWindowShortcuts(win fyne.Window) { shortcutsByWindow.Delete(win) }
