package ui

import (
	"log"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"thucongvu/assets"
)

// WindowNotifier delivers notifications (new mail, check-time reminders, R1)
// to the window first — the status bar and the tray menu show the latest —
// then through the operating system's notifier (a WinRT toast on Windows,
// D-Bus on Linux). When the OS notifier fails, the failure is reported once
// (the log and the status bar), and every later notification still reaches
// the window: a blocked toast never hides a reminder.
type WindowNotifier struct {
	u        *UI
	os       func(title, body string) error
	reported atomic.Bool
}

// NewWindowNotifier wraps the OS notifier os; nil shows in the window only.
// Its Notify is what SetNotifier and the reminders take.
func (u *UI) NewWindowNotifier(os func(title, body string) error) *WindowNotifier {
	return &WindowNotifier{u: u, os: os}
}

// Notify implements the reminders' Notifier; it never fails, since the
// window always shows the notification.
func (n *WindowNotifier) Notify(title, body string) error {
	doMain(func() { n.u.showNotice(title, body) })
	if n.os == nil {
		return nil
	}
	if err := n.os(title, body); err != nil && n.reported.CompareAndSwap(false, true) {
		log.Printf("thucongvu: %s: %v", lang.L("notify.os_failed"), err)
		doMain(func() { n.u.showNotice(title, body+" · "+lang.L("notify.os_failed")) })
	}
	return nil
}

// showNotice puts the latest notification in the status bar and the tray
// menu; it runs on the UI goroutine.
func (u *UI) showNotice(title, body string) {
	u.notice = title
	if body != "" {
		u.notice = lang.L("status.notice", map[string]any{"Title": title, "Body": body})
	}
	u.updateStatus()
	u.updateTray()
}

// trayIcon is the application's PNG icon: on Windows Fyne turns the tray
// resource into an ICO, which a PNG can become and an SVG theme icon
// cannot ("Failed to convert systray icon").
var trayIcon = fyne.NewStaticResource("thucongvu.png", assets.IconPNG())

// NotifySample shows a sample notification the way reminders come, so IT
// can check a computer's notifications (`thucongvu demo --notify`).
func (n *WindowNotifier) NotifySample() {
	n.Notify(lang.L("notify.sample_title"), lang.L("notify.sample_body"))
}
