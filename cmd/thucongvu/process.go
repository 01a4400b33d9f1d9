package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"thucongvu/internal/engine"
	"thucongvu/internal/register"
)

// cmdProcess forwards a received document for processing (R8, LA 15.2–15.3).
func cmdProcess(c *cli, args []string) error {
	const use = "process MESSAGE-ID --account NAME --to ADDR[,ADDR…] --note TEXT [--deadline YYYY-MM-DD] [--json]"
	fs := newFlags("process")
	account := fs.String("account", "", "the agency mailbox")
	to := fs.String("to", "", "assignees: addresses or department names of the machine policy, comma separated")
	note := fs.String("note", "", "the leader's instruction (bút phê)")
	deadline := fs.String("deadline", "", "processing deadline YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *account == "" || *to == "" || strings.TrimSpace(*note) == "" {
		return usageErr(use)
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	assignees, err := register.Assignees(e.Policy, strings.Split(*to, ","))
	if err != nil {
		return err // a usage error (exit 2)
	}
	if len(assignees) == 0 {
		return usageErr(use)
	}
	ctx := context.Background()
	reg := register.New(e)
	res, err := reg.Process(ctx, register.ProcessRequest{Account: *account, MessageID: pos[0], To: assignees,
		Note: *note, Deadline: *deadline, Lang: c.msg.Lang})
	if err != nil {
		var blocked *engine.ErrBlockedReport
		if errors.As(err, &blocked) {
			if *asJSON {
				writeJSON(c, res.Preflight)
			} else {
				printReport(c, res.Preflight)
			}
		}
		return err
	}
	a, err := e.Config.Account(*account)
	if err != nil {
		return err
	}
	_, ferr := e.Flush(ctx, *a)
	if *asJSON {
		if err := writeJSON(c, res); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(c.stdout, c.msg.T("process.done", res.Entry.Number, res.Entry.Year, strings.Join(res.Entry.AssignedTo, ", ")))
	}
	if ferr != nil {
		fmt.Fprintln(c.stderr, c.msg.T("process.queued", ferr))
	}
	return nil
}
