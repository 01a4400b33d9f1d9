package main

import (
	"fmt"

	"thucongvu/internal/ui"
)

// cmdSnapshots renders the main screens in Vietnamese and English to PNG
// files in DIR, without a display.
func cmdSnapshots(c *cli, args []string) error {
	if len(args) != 1 {
		return usageErr("snapshots DIR")
	}
	files, err := ui.RenderSnapshots(args[0], func() ui.Services { return ui.NewMemServices() })
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(c.stdout, f)
	}
	return nil
}
