package main

import (
	"context"
	"fmt"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"thucongvu/internal/app"
	"thucongvu/internal/engine"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
	"thucongvu/internal/remind"
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
		indexed, ierr := indexAfterSync(ctx, e, *bodies)
		if err == nil {
			err = ierr
		}
		if *asJSON {
			out := []syncSummary{}
			for i, s := range sums {
				out = append(out, withQuota(ctx, e, accounts[i], s))
			}
			doc := map[string]any{"accounts": out}
			if indexed != nil {
				doc["index"] = indexed
			}
			if jerr := writeJSON(c, doc); jerr != nil {
				return jerr
			}
		} else {
			for _, s := range sums {
				fmt.Fprintf(c.stdout, "%s: %d folders, %d messages, %d new (%.2f s)\n", s.Name, s.Folders, s.Messages, s.New, s.Seconds)
			}
			if indexed != nil {
				fmt.Fprintln(c.stdout, c.msg.T("sync.indexed", indexed.Messages, indexed.Seconds))
			}
		}
		return err
	}
	return runDuties(ctx, c, e, names, *bodies, *asJSON)
}

// runDuties is continuous sync: the window's duty supervisor without the
// window — per account sync on IDLE with reconnects, acknowledgements as
// documents arrive (R2, LA 6.2), the outbox, the check-time reminders (R1)
// — until ctx ends, or until every account stopped on an error no retry
// mends (a refused password).
func runDuties(ctx context.Context, c *cli, e *engine.Engine, names []string, bodies, asJSON bool) error {
	accounts, err := e.Accounts(names...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	svc := app.New(e, c.home)
	defer svc.Close()
	svc.Lang = c.msg.Lang
	var mu sync.Mutex
	stopped := map[string]error{}
	svc.StartReminders(cliNotifier{c}, remind.SystemClock{})
	svc.RunHeadless(ctx, names, bodies, func(name string, ev imapsync.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case ev.Err != nil && ev.RetryIn > 0:
			fmt.Fprintf(c.stderr, "%s: %v — retrying in %s\n", name, ev.Err, ev.RetryIn.Round(time.Second))
		case ev.Err != nil:
			fmt.Fprintf(c.stderr, "%s: %v\n", name, ev.Err)
			if ctx.Err() == nil {
				stopped[name] = ev.Err
				if len(stopped) == len(accounts) {
					cancel()
				}
			}
		case asJSON:
			for _, a := range accounts {
				if a.Name == name {
					writeJSON(c, map[string]any{"accounts": []syncSummary{withQuota(ctx, e, a, ev.Summary)}})
				}
			}
		default:
			s := ev.Summary
			fmt.Fprintf(c.stderr, "%s: %d messages, %d new\n", s.Name, s.Messages, s.New)
		}
	})
	<-ctx.Done()
	mu.Lock()
	defer mu.Unlock()
	for _, a := range accounts {
		if err := stopped[a.Name]; err != nil && len(stopped) == len(accounts) {
			return err
		}
	}
	return nil
}

// cliNotifier shows the check-time reminders on stderr (the journal of a
// systemd unit, the log of a scheduled task).
type cliNotifier struct{ c *cli }

func (n cliNotifier) Notify(title, body string) error {
	_, err := fmt.Fprintf(n.c.stderr, "%s: %s\n", title, body)
	return err
}

// syncSummary is an account's line of `sync --json`: the pass and the
// server's quota (absent when the server sets none).
type syncSummary struct {
	imapsync.Summary
	Quota *engine.Quota `json:"quota,omitempty"`
}

func withQuota(ctx context.Context, e *engine.Engine, a model.Account, s imapsync.Summary) syncSummary {
	q, _ := e.Quota(ctx, a) // a quota that cannot be read leaves the summary as it is
	return syncSummary{Summary: s, Quota: q}
}
