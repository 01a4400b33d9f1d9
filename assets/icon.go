package assets

import _ "embed"

// iconPNG is the application icon (the same picture as icon.ico), 6 KB.
//
//go:embed icon.png
var iconPNG []byte

// IconPNG returns the PNG data of the application icon: the system tray's
// icon, which Fyne converts to ICO on Windows (an SVG theme icon cannot
// become one there). Callers must not modify the returned slice.
func IconPNG() []byte { return iconPNG }
