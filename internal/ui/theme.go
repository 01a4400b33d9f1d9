package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme scaled by the user's text size: every
// size (text, padding, icons) is multiplied, so the whole UI grows, not just
// the letters. Its font, Noto Sans, covers Vietnamese.
type appTheme struct {
	base  fyne.Theme
	scale float32
	// variant, when set, pins light or dark (the snapshots pin light).
	variant *fyne.ThemeVariant
}

func newAppTheme(scale float32, variant *fyne.ThemeVariant) *appTheme {
	if scale < 0.5 || scale > 3 {
		scale = 1
	}
	return &appTheme{base: theme.DefaultTheme(), scale: scale, variant: variant}
}

// Color implements fyne.Theme.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return t.base.Color(n, v)
}

// Font implements fyne.Theme.
func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

// Icon implements fyne.Theme.
func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size implements fyne.Theme.
func (t *appTheme) Size(n fyne.ThemeSizeName) float32 { return t.base.Size(n) * t.scale }
