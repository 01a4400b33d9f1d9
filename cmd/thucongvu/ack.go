package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/engine"
)

func cmdAck(c *cli, args []string) error {
	fs := newFlags("ack")
	dry := fs.Bool("dry-run", false, "decide only; send nothing")
	asJSON := fs.Bool("json", false, "JSON output")
	names, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	e, accounts, err := c.engineAccounts(names)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	all := []engine.AckResult{}
	var first error
	for _, a := range accounts {
		res, err := e.AckPass(ctx, a, engine.AckOptions{DryRun: *dry, Lang: c.msg.Lang})
		all = append(all, res...)
		if errors.Is(err, engine.ErrAcksOff) {
			return err // machine policy: exit 3, for every account alike
		}
		if err != nil && first == nil {
			first = fmt.Errorf("%s: %w", a.Name, err)
		}
	}
	if *asJSON {
		if err := writeJSON(c, all); err != nil {
			return err
		}
	} else {
		for _, r := range all {
			state := r.State
			if state == "" {
				state = "-"
			}
			fmt.Fprintf(c.stdout, "%-4s %-16s %-10s %-30.30s %s\n", r.Action, r.Reason, state, r.From, r.Subject)
		}
	}
	return first
}

func cmdAcks(c *cli, args []string) error {
	fs := newFlags("acks")
	asJSON := fs.Bool("json", false, "JSON output")
	resend := fs.String("resend", "", "send the document with this Message-ID again to those who have not acknowledged it")
	names, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	e, accounts, err := c.engineAccounts(names)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	if *resend != "" {
		if len(accounts) != 1 {
			return usageErr("acks NAME --resend MESSAGE-ID: name the account")
		}
		n, err := e.Resend(ctx, accounts[0], strings.Trim(*resend, "<>"))
		fmt.Fprintf(c.stderr, "%d\n", n)
		return err
	}
	docs := []engine.SentDocument{}
	for _, a := range accounts {
		list, err := e.Receipts(ctx, a, time.Now())
		if err != nil {
			return err
		}
		docs = append(docs, list...)
	}
	if *asJSON {
		return writeJSON(c, docs)
	}
	for _, d := range docs {
		mark := " "
		if d.Overdue {
			mark = "!"
		}
		fmt.Fprintf(c.stdout, "%s %d/%d %s  %s\n", mark, d.Acked, d.Total, d.Date.Local().Format("02/01 15:04"), d.Subject)
		for _, m := range d.Missing {
			fmt.Fprintf(c.stdout, "      ✗ %s\n", m)
		}
	}
	return nil
}
