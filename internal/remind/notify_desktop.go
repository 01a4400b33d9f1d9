//go:build !windows

package remind

import (
	"fmt"

	"github.com/gen2brain/beeep"
)

type desktopState struct{}

func (d *Desktop) init() {
	if d.AppID != "" {
		beeep.AppName = d.AppID
	}
}

// Notify implements Notifier.
func (d *Desktop) Notify(title, body string) error {
	if err := beeep.Notify(title, body, d.Icon); err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}

// Close releases nothing on this platform.
func (d *Desktop) Close() {}
