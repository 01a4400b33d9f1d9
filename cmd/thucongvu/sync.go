package main

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"thucongvu/internal/imapsync"
)

func cmdSync(c *cli, args []string) error {
	fs := newFlags("sync")
	once := fs.Bool("once", false, "return when up to date")
	bodies := fs.Bool("bodies", false, "also download every body")
	asJSON := fs.Bool("json", false, "JSON summary")
	names, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	e, accounts, err := c.engineAccounts(names)
	if err != nil {
		return err
	}
	defer e.Close()
	if len(accounts) == 0 {
		return usageErr("no account: add one with `thucongvu account add`")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	last := time.Time{}
	e.Sync.Progress = func(p imapsync.Progress) {
		if time.Since(last) < 200*time.Millisecond && p.Done != p.Total {
			return
		}
		last = time.Now()
		if p.Total > 0 {
			fmt.Fprintf(c.stderr, "%s/%s: %s %d/%d\n", p.Account, p.Folder, p.Stage, p.Done, p.Total)
		} else {
			fmt.Fprintf(c.stderr, "%s/%s: %s %d\n", p.Account, p.Folder, p.Stage, p.Done)
		}
	}
	if *once {
		sums, err := e.SyncOnce(ctx, accounts, *bodies)
		if *asJSON {
			if sums == nil {
				sums = []imapsync.Summary{}
			}
			if jerr := writeJSON(c, map[string]any{"accounts": sums}); jerr != nil {
				return jerr
			}
		} else {
			for _, s := range sums {
				fmt.Fprintf(c.stdout, "%s: %d folders, %d messages, %d new (%.2f s)\n", s.Name, s.Folders, s.Messages, s.New, s.Seconds)
			}
		}
		return err
	}
	// Continuous: one goroutine per account, each with IDLE and reconnects;
	// the outbox is retried as its mails come due.
	go e.RunOutbox(ctx, time.Minute, nil, names...)
	errs := make(chan error, len(accounts))
	for _, a := range accounts {
		go func() {
			errs <- e.Syncer(a).Run(ctx, *bodies, func(ev imapsync.Event) {
				switch {
				case ev.Err != nil && ev.RetryIn > 0:
					fmt.Fprintf(c.stderr, "%s: %v — retrying in %s\n", a.Name, ev.Err, ev.RetryIn.Round(time.Second))
				case ev.Err != nil:
					fmt.Fprintf(c.stderr, "%s: %v\n", a.Name, ev.Err)
				case *asJSON:
					writeJSON(c, map[string]any{"accounts": []imapsync.Summary{ev.Summary}})
				default:
					s := ev.Summary
					fmt.Fprintf(c.stderr, "%s: %d messages, %d new\n", s.Name, s.Messages, s.New)
				}
			})
		}()
	}
	var first error
	for range accounts {
		if err := <-errs; err != nil && ctx.Err() == nil && first == nil {
			first = err
		}
	}
	return first
}
