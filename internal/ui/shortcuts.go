package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// shortcut is one keyboard shortcut of the main window.
type shortcut struct {
	key  fyne.KeyName
	mod  fyne.KeyModifier
	name string // translation key of the menu item
	run  func()
}

// shortcuts: Ctrl+N new, Ctrl+R reply, Ctrl+Shift+R reply all, Ctrl+F
// search, F5 check now (Ctrl+Enter sends, in the compose window).
func (u *UI) shortcuts() []shortcut {
	ctrl := fyne.KeyModifierShortcutDefault
	return []shortcut{
		{fyne.KeyN, ctrl, "action.new", func() { u.NewCompose(Draft{}) }},
		{fyne.KeyR, ctrl, "action.reply", func() { u.Reply(false) }},
		{fyne.KeyR, ctrl | fyne.KeyModifierShift, "action.reply_all", func() { u.Reply(true) }},
		{fyne.KeyF, ctrl | fyne.KeyModifierShift, "action.forward", u.Forward},
		{fyne.KeyF, ctrl, "action.search", u.FocusSearch},
		{fyne.KeyF9, 0, "action.check", u.CheckNow},
		{fyne.KeyComma, ctrl, "action.settings", u.ShowSettings},
		{fyne.KeyQ, ctrl, "action.quit", u.app.Quit},
	}
}

// addShortcuts registers the shortcuts on the window canvas (fwdEntry
// passes them on from focused fields). F5 has no modifier, so it is a key
// handler rather than a shortcut.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	for _, s := range u.shortcuts() {
		s := s
		if s.mod == 0 {
			continue
		}
		addWindowShortcut(u.win, &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}, s.run)
	}
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if dialogKey(u.win, e) {
			return
		}
		switch e.Name {
		case fyne.KeyF5, fyne.KeyF9: // Outlook's keys for checking mail
			u.CheckNow()
		case fyne.KeyDelete:
			u.DeleteSelected()
		}
	})
}

// FocusSearch puts the cursor in the search box.
func (u *UI) FocusSearch() {
	if u.search != nil {
		u.win.Canvas().Focus(u.search)
	}
}

// mainMenu is the window menu; it shows the shortcuts next to their actions.
func (u *UI) mainMenu() *fyne.MainMenu {
	var mail []*fyne.MenuItem
	for _, s := range u.shortcuts() {
		s := s
		it := fyne.NewMenuItem(lang.L(s.name), s.run)
		it.Shortcut = &desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}
		if s.name == "action.quit" {
			it.IsQuit = true
		}
		mail = append(mail, it)
	}
	if u.ws() != nil {
		del := fyne.NewMenuItem(lang.L("action.delete"), u.DeleteSelected)
		del.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyDelete}
		mail = append(mail[:len(mail)-1], del, mail[len(mail)-1])
		drafts := fyne.NewMenuItem(lang.L("drafts.menu"), u.ShowLocalDrafts)
		mail = append(mail[:len(mail)-1], fyne.NewMenuItemSeparator(), drafts, fyne.NewMenuItemSeparator(), mail[len(mail)-1])
	}
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("menu.mail"), mail...), fyne.NewMenu(lang.L("menu.agency"),
		fyne.NewMenuItem(lang.L("overview.title"), u.ShowOverview), fyne.NewMenuItem(lang.L("register.title"), u.ShowRegister),
		fyne.NewMenuItem(lang.L("report.title"), u.ShowReport), fyne.NewMenuItem(lang.L("process.title"), u.ShowProcess)))
}

// hasTrayHost is trayHost; tests stand in for the desktop's tray.
var hasTrayHost = trayHost

// setupTray puts the unread count and the main actions in the system tray.
func (u *UI) setupTray() {
	desk, ok := u.app.(desktop.App)
	if !ok {
		return
	}
	// Without a tray host (on Linux, no session bus or no
	// StatusNotifierWatcher) Fyne's tray fails, and a hidden window could
	// not come back: closing quits.
	if !hasTrayHost() {
		return
	}
	u.trayMenu = fyne.NewMenu(lang.L("app.title"))
	u.updateTray()
	desk.SetSystemTrayMenu(u.trayMenu)
	desk.SetSystemTrayIcon(trayIcon)
	desk.SetSystemTrayWindow(u.win)
	// Closing the window hides it: reminders (R1) and acknowledgements
	// (R2) go on; "Thoát" in the tray quits.
	u.win.SetCloseIntercept(u.closeToTray)
}

// closeToTray hides the main window to the tray. The first time, a notice
// says so first (remembered in the settings); closing again while it shows
// hides at once.
func (u *UI) closeToTray() {
	s := u.svc.Settings()
	if s.TrayNoticeShown || u.trayNotice != nil {
		if u.trayNotice != nil {
			u.trayNotice.Hide() // its OnClosed hides the window
			return
		}
		u.win.Hide()
		return
	}
	s.TrayNoticeShown = true
	if err := u.svc.SaveSettings(s); err != nil {
		fyne.LogError("remember the tray notice", err)
	}
	d := dialog.NewInformation(lang.L("tray.hidden_title"), lang.L("tray.hidden_notice"), u.win)
	d.SetOnClosed(func() {
		u.trayNotice = nil
		u.win.Hide()
	})
	u.trayNotice = d
	d.Show()
}

// updateTray refreshes the tray menu's unread line and labels.
func (u *UI) updateTray() {
	if u.trayMenu == nil {
		return
	}
	// The quit item is ours: Fyne adds one only when the menu is first set.
	quit := fyne.NewMenuItem(lang.L("tray.quit"), u.app.Quit)
	quit.IsQuit = true
	unread := fyne.NewMenuItem(lang.L("tray.unread", map[string]any{"Count": u.unreadTotal()}), nil)
	unread.Disabled = true
	u.trayMenu.Items = []*fyne.MenuItem{unread}
	if u.notice != "" {
		notice := fyne.NewMenuItem(u.notice, nil)
		notice.Disabled = true
		u.trayMenu.Items = append(u.trayMenu.Items, notice)
	}
	u.trayMenu.Items = append(u.trayMenu.Items,
		fyne.NewMenuItem(lang.L("tray.open"), func() {
			u.win.Show()
			u.win.RequestFocus()
			u.OpenPending()
		}),
		fyne.NewMenuItem(lang.L("action.check"), u.CheckNow),
		fyne.NewMenuItem(lang.L("tray.snooze"), func() { u.svc.Snooze(15 * time.Minute) }),
		fyne.NewMenuItem(lang.L("tray.pause_today"), u.PauseRemindersToday),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	u.trayMenu.Refresh()
}

// PauseRemindersToday silences check-time reminders until tomorrow (R1
// reminders stay on for the following working days).
func (u *UI) PauseRemindersToday() {
	s := u.svc.Settings()
	now := u.now()
	s.PausedUntil = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
	if err := u.svc.SaveSettings(s); err != nil {
		u.ShowError(err)
	}
}
