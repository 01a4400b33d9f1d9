package main

import (
	"fmt"
	"runtime/debug"
)

// Set by the linker: -X main.version=… -X main.commit=… -X main.buildDate=…
var (
	version   = "0.1.0-dev"
	commit    = ""
	buildDate = ""
)

func cmdVersion(c *cli, args []string) error {
	rev, date := commit, buildDate
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && rev == "":
				rev = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	if rev == "" {
		rev = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	fmt.Fprintf(c.stdout, "thucongvu %s (commit %s, built %s)\n", version, rev, date)
	return nil
}
