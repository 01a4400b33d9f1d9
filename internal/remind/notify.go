package remind

import (
	"fmt"

	"github.com/gen2brain/beeep"
)

// Beeep shows reminders as desktop notifications through beeep.
//
// Linux/BSD: a D-Bus org.freedesktop.Notifications call on the session bus,
// falling back to the notify-send and kdialog commands. Without a running
// notification daemon every path fails and Notify returns the error.
//
// Windows 10/11 (beeep v0.11.3 → git.sr.ht/~jackmordaunt/go-toast v1.1.2):
// first writes the app's AppUserModelID data under HKCU\Software\Classes,
// then pushes a toast through the WinRT COM API; only if COM fails does it
// fall back to PowerShell: it writes a temporary .ps1 script and runs
// `PowerShell -ExecutionPolicy Bypass -File script.ps1` in a hidden window.
// Agency machines that block PowerShell or script execution then only lose
// the fallback, and the error comes back here. Windows 7 uses a tray balloon.
// beeep also sleeps 100 ms after a toast.
//
// Errors are never fatal: callers log them and carry on (the reminder stays
// visible in the UI).
type Beeep struct {
	// Icon is a PNG path or stock icon name; "" for none.
	Icon string
}

// NewBeeep returns a notifier that shows appName as the sending application.
// beeep keeps the application name in a package variable (beeep.AppName);
// this sets it, so create one Beeep per process.
func NewBeeep(appName, icon string) *Beeep {
	if appName != "" {
		beeep.AppName = appName
	}
	return &Beeep{Icon: icon}
}

// Notify implements Notifier.
func (b *Beeep) Notify(title, body string) error {
	if err := beeep.Notify(title, body, b.Icon); err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}
