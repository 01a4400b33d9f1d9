package remind

import (
	"fmt"
	"sync"

	"git.sr.ht/~jackmordaunt/go-toast/wintoast"
)

type desktopState struct {
	once     sync.Once
	setupErr error
}

func (d *Desktop) init() {}

// Notify implements Notifier: one WinRT toast, never a PowerShell script.
func (d *Desktop) Notify(title, body string) error {
	d.once.Do(func() {
		d.setupErr = wintoast.SetAppData(wintoast.AppData{AppID: d.AppID, IconPath: d.Icon})
	})
	if d.setupErr != nil {
		return fmt.Errorf("desktop notification: register %s: %w", d.AppID, d.setupErr)
	}
	doc, err := toastXML(title, body, d.Icon)
	if err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	// No wintoast.PowershellFallback: COM or nothing.
	if err := wintoast.Push(doc); err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}
