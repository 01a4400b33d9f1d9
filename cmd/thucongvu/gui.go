package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"thucongvu/internal/ui"
)

// cmdGUI opens the main window. It runs on the in-memory demo services
// until the engine is wired in: replace ui.NewMemServices() with the engine.
func cmdGUI(c *cli, args []string) error {
	if len(args) > 0 {
		return usageErr("thucongvu (no arguments)")
	}
	a := app.NewWithID("vn.gov.thucongvu")
	w := a.NewWindow("Thư Công Vụ")
	w.Resize(fyne.NewSize(1280, 800))
	ui.New(a, w, ui.NewMemServices())
	w.ShowAndRun()
	return nil
}
