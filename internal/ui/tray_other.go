//go:build !linux

package ui

// trayHost reports whether a system tray can show the icon: always on
// Windows and macOS.
func trayHost() bool { return true }
