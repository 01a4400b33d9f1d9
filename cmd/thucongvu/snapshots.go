package main

import (
	"context"
	"fmt"

	"thucongvu/internal/app"
	"thucongvu/internal/secret"
	"thucongvu/internal/ui"
)

// cmdSnapshots renders the main screens in Vietnamese and English to PNG
// files in DIR, without a display, on the real engine synced against the
// embedded demo server.
func cmdSnapshots(c *cli, args []string) error {
	if len(args) != 1 {
		return usageErr("snapshots DIR")
	}
	var worlds []*demoWorld
	defer func() {
		for _, w := range worlds {
			w.cleanup()
		}
	}()
	files, err := ui.RenderSnapshots(args[0], func() (ui.Services, error) {
		// The real engine in a fresh temporary home, synced with the
		// embedded demo server, as `thucongvu demo` runs it.
		w, err := startDemo(context.Background(), secret.NewMemory())
		if err != nil {
			return nil, err
		}
		worlds = append(worlds, w)
		return app.New(w.engine, w.home), nil
	})
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(c.stdout, f)
	}
	return nil
}
