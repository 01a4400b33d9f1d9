package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"thucongvu/internal/config"
	"time"

	"thucongvu/internal/register"
	"thucongvu/internal/store"
)

const registerUse = "register [NAME] [--direction in|out] [--from DATE] [--to DATE] [--json] [--xlsx FILE] | register set NUMBER FIELD=VALUE [--account NAME] [--direction in|out] [--year YYYY] [--json]"

// cmdRegister lists or exports the document register (HN 9.2), or
// corrects an entry.
func cmdRegister(c *cli, args []string) error {
	if len(args) > 0 && args[0] == "set" {
		return cmdRegisterSet(c, args[1:])
	}
	fs := newFlags("register")
	direction := fs.String("direction", "", "in or out")
	from := fs.String("from", "", "received on or after YYYY-MM-DD")
	to := fs.String("to", "", "received on or before YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "JSON output")
	xlsx := fs.String("xlsx", "", "write the register as XLSX")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (*direction != "" && *direction != store.DirectionIn && *direction != store.DirectionOut) {
		return usageErr(registerUse)
	}
	var f register.Filter
	f.Direction = *direction
	if f.From, err = dateFlag("--from", *from); err != nil {
		return err
	}
	if f.To, err = dateFlag("--to", *to); err != nil {
		return err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
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
	if len(pos) == 1 {
		f.Account = pos[0]
	}
	ctx := context.Background()
	reg := register.New(e)
	if err := reg.Refresh(ctx, accounts); err != nil {
		return err
	}
	entries, err := reg.List(ctx, f)
	if err != nil {
		return err
	}
	if *xlsx != "" {
		if err := config.WriteFileWith(*xlsx, 0o600, func(w *os.File) error {
			return register.WriteXLSX(w, entries, registerTitle(f))
		}); err != nil {
			return err
		}
	}
	if *asJSON {
		if entries == nil {
			entries = []register.Entry{}
		}
		return writeJSON(c, entries)
	}
	if *xlsx != "" {
		fmt.Fprintln(c.stderr, c.msg.T("register.written", len(entries), *xlsx))
		return nil
	}
	for _, en := range entries {
		dir := c.msg.T("register.in")
		if en.Direction == store.DirectionOut {
			dir = c.msg.T("register.out")
		}
		fmt.Fprintf(c.stdout, "%s %4d/%d  %s  %-20.20s  %-18.18s  %s  [%s]\n", dir, en.Number, en.Year,
			en.ReceivedAt.Format("02/01/2006"), en.Agency, en.DocNumber, en.Summary, c.msg.T("register.state."+en.State))
	}
	return nil
}

// registerTitle is the second heading line of the exported register.
func registerTitle(f register.Filter) string {
	var parts []string
	if f.Account != "" {
		parts = append(parts, f.Account)
	}
	if !f.From.IsZero() {
		parts = append(parts, "từ "+f.From.Format("02/01/2006"))
	}
	if !f.To.IsZero() {
		parts = append(parts, "đến "+f.To.AddDate(0, 0, -1).Format("02/01/2006"))
	}
	return strings.Join(parts, " — ")
}

func cmdRegisterSet(c *cli, args []string) error {
	const use = "register set NUMBER FIELD=VALUE [--account NAME] [--direction in|out] [--year YYYY] [--json]"
	fs := newFlags("register set")
	account := fs.String("account", "", "the mailbox")
	direction := fs.String("direction", "", "in or out")
	year := fs.Int("year", time.Now().Year(), "the register's year")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usageErr(use)
	}
	number, err := strconv.Atoi(pos[0])
	if err != nil || number <= 0 {
		return usageErr(use)
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	reg := register.New(e)
	entry, err := reg.Find(ctx, *account, *direction, *year, number)
	if err != nil {
		return err
	}
	for _, kv := range pos[1:] {
		field, value, ok := strings.Cut(kv, "=")
		if !ok {
			return usageErr(use)
		}
		if entry, err = reg.Set(ctx, entry, field, value); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(c, entry)
	}
	fmt.Fprintln(c.stdout, c.msg.T("register.set", entry.Number, entry.Year))
	return nil
}

// dateFlag reads a YYYY-MM-DD flag value in local time.
func dateFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
	if err != nil {
		return time.Time{}, usageErr("%s %q: want YYYY-MM-DD", name, v)
	}
	return t, nil
}
