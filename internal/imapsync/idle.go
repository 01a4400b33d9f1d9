package imapsync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/failure"
)

// Event tells the listener what a running sync did: a finished pass, or
// an error after which it reconnects.
type Event struct {
	Summary Summary
	Err     error
	// RetryIn is the wait before the next attempt after Err.
	RetryIn time.Duration
}

// Run syncs, then waits on IDLE for changes in INBOX and syncs again, until
// ctx ends. A dropped or silent connection is replaced after a backoff
// (1 s doubling to 5 min, with jitter); a refused password stops Run.
func (s *Syncer) Run(ctx context.Context, withBodies bool, events func(Event)) error {
	if events == nil {
		events = func(Event) {}
	}
	backoff := time.Second
	for {
		began := time.Now()
		err := s.session(ctx, withBodies, events)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, failure.ErrAuth) || errors.Is(err, failure.ErrKeychain) || errors.Is(err, failure.ErrBlocked) {
			events(Event{Err: err})
			return err
		}
		if time.Since(began) > 2*time.Minute {
			backoff = time.Second
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		events(Event{Err: err, RetryIn: wait})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
}

func (s *Syncer) session(ctx context.Context, withBodies bool, events func(Event)) error {
	changed := make(chan struct{}, 1)
	signal := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	handler := &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { signal() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				signal()
			}
		},
		Fetch: func(*imapclient.FetchMessageData) { signal() },
	}
	c, err := s.Connect(ctx, handler)
	if err != nil {
		return err
	}
	defer func() { c.Close() }()
	for {
		var sum Summary
		c, sum, err = s.SyncRecovering(ctx, c, handler)
		if err != nil {
			return err
		}
		if withBodies {
			n, err := s.SyncBodies(ctx, c)
			sum.Bodies = n
			if err != nil {
				return err
			}
		}
		events(Event{Summary: sum})
		if err := s.waitForChange(ctx, c, changed); err != nil {
			return err
		}
	}
}

// waitForChange idles on INBOX until the server reports a change, with a
// NOOP every IdleRefresh to prove the connection is alive (a server may end
// IDLE silently, or the network may drop without a word).
func (s *Syncer) waitForChange(ctx context.Context, c *Conn, changed chan struct{}) error {
	sel, err := c.SelectFolder(ctx, "INBOX", &imap.SelectOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("select INBOX: %w", err)
	}
	// Mail that arrived between the last pass and this SELECT comes in the
	// SELECT answer, not as an IDLE notice: look before idling.
	if states, err := s.Store.FolderStates(ctx, s.Account.Name); err == nil {
		for _, f := range states {
			if f.Role == "inbox" && f.UIDNext != uint32(sel.UIDNext) {
				return nil
			}
		}
	}
	refresh := time.NewTimer(s.Opts.idleRefresh())
	defer refresh.Stop()
	for {
		if !c.Has(imap.CapIdle) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-refresh.C:
				return nil // poll: run the next pass
			}
		}
		var idle *imapclient.IdleCommand
		if err := c.guard(ctx, func() error {
			var err error
			idle, err = c.Idle()
			return err
		}); err != nil {
			return fmt.Errorf("idle: %w", err)
		}
		stop := func() error {
			return c.guard(ctx, func() error {
				if err := idle.Close(); err != nil {
					return err
				}
				return idle.Wait()
			})
		}
		select {
		case <-changed:
			return stop()
		case <-refresh.C:
			if err := stop(); err != nil {
				return err
			}
			if err := c.guard(ctx, func() error { return c.Noop().Wait() }); err != nil {
				return fmt.Errorf("noop: %w", err)
			}
			refresh.Reset(s.Opts.idleRefresh())
		case <-c.Closed():
			return fmt.Errorf("%w: the server closed the connection", failure.ErrUnreachable)
		case <-ctx.Done():
			stop()
			return ctx.Err()
		}
	}
}
