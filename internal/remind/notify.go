package remind

// Desktop shows reminders as the operating system's notifications.
//
// Linux/BSD (notify_desktop.go, through beeep): a D-Bus
// org.freedesktop.Notifications call on the session bus, falling back to
// the notify-send and kdialog commands. Without a running notification
// daemon every path fails and Notify returns the error.
//
// Windows 10/11 (notify_windows.go): a toast pushed through the WinRT COM
// API (git.sr.ht/~jackmordaunt/go-toast's wintoast) under the app's
// AppUserModelID, whose display data it writes under HKCU\Software\Classes.
// It never runs PowerShell: agency machines block scripts (AppLocker), and
// a failing toast is an error for the caller, not a console window.
//
// Errors are never fatal: callers report them and carry on (the reminder
// stays visible in the window).
type Desktop struct {
	// AppID names the sending application: its display name on Linux, the
	// AppUserModelID of the Start-menu shortcut on Windows.
	AppID string
	// Icon is a PNG path or stock icon name; "" for none.
	Icon string
	desktopState
}

// NewDesktop returns a notifier that shows appID as the sending application.
// On Linux beeep keeps the application name in a package variable, so
// create one Desktop per process.
func NewDesktop(appID, icon string) *Desktop {
	d := &Desktop{AppID: appID, Icon: icon}
	d.init()
	return d
}
