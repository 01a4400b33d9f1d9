package ui

import (
	"os"

	"github.com/godbus/dbus/v5"
)

// trayHost reports whether a system tray can show the icon: a
// StatusNotifierWatcher on the session bus (KDE, Xfce, Cinnamon, GNOME with
// the AppIndicator extension). Without one a hidden window could not be
// brought back, so closing quits.
func trayHost() bool {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return false
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
