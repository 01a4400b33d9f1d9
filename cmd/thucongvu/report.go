package main

import (
	"context"
	"fmt"
	"os"
	"thucongvu/internal/config"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/profile"
	"thucongvu/internal/register"
	"thucongvu/internal/remind"
	"thucongvu/internal/report"
)

const reportUse = "report [NAME] --period YYYY|YYYY-H1|YYYY-H2 [--json] [--xlsx FILE] [--pdf FILE] [--issued N]"

// cmdReport writes the usage report (R10: LA 16.1, HN 11.8).
func cmdReport(c *cli, args []string) error {
	fs := newFlags("report")
	period := fs.String("period", "", "YYYY, YYYY-H1 or YYYY-H2")
	asJSON := fs.Bool("json", false, "JSON output")
	xlsx := fs.String("xlsx", "", "write the report as XLSX")
	pdf := fs.String("pdf", "", "write the report as PDF")
	issued := fs.Int("issued", -1, "documents the agency issued in the period (LA 7.3)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || *period == "" {
		return usageErr(reportUse)
	}
	p, err := report.ParsePeriod(*period)
	if err != nil {
		return err
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	accounts, err := e.Accounts(pos...)
	if err != nil {
		return err
	}
	now := time.Now()
	r, err := report.Build(context.Background(), e, register.New(e), accounts, p, now)
	if err != nil {
		return err
	}
	if *issued >= 0 {
		r.SetIssued(*issued)
	}
	if *xlsx != "" {
		if err := config.WriteFileWith(*xlsx, 0o600, func(f *os.File) error { return report.WriteXLSX(f, r) }); err != nil {
			return err
		}
	}
	if *pdf != "" {
		if err := config.WriteFileWith(*pdf, 0o600, func(f *os.File) error { return report.WritePDF(f, r, now) }); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(c, r)
	}
	fmt.Fprintln(c.stdout, c.msg.T("report.cli_title", *period, r.From, r.To))
	for _, l := range r.LinesIn(c.msg) {
		fmt.Fprintf(c.stdout, "  %-60s %s\n", l[0], l[1])
	}
	profiles := map[string]profile.Profile{}
	for _, a := range accounts {
		profiles[a.Name] = engine.Profile(a)
	}
	for _, due := range remind.NextReports(now, profiles) {
		fmt.Fprintln(c.stdout, c.msg.T("report.cli_next", due.Account, due.Period, due.Due.Format("02/01/2006"), due.Source))
	}
	return nil
}
