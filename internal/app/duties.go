package app

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
	"thucongvu/internal/remind"
	"thucongvu/internal/ui"
)

// Duties supervises what the client does in the background while it runs,
// window shown or hidden: for each account, sync on IDLE with the
// acknowledgements of new documents (R2) and the outbox retried as its
// mail comes due; and the check-time reminders (R1) over all accounts.
// Reconcile brings the running duties in line with the accounts and
// settings of the moment: an account added by the setup wizard starts at
// once, a removed one stops, new check times restart the reminders.
type Duties struct {
	s *Services

	mu       sync.Mutex
	ctx      context.Context // nil until Start
	notifier remind.Notifier
	clock    remind.Clock
	accounts map[string]*duty // by account name
	remind   *duty
	headless headless
}

// duty is one running loop; key says what it was started for.
type duty struct {
	key    string
	cancel context.CancelFunc
	done   chan struct{}
}

// stop ends the duty without waiting: Reconcile runs on the UI's call path.
func (d *duty) stop() { d.cancel() }

func (d *duty) wait() { <-d.done }

// startDuty runs fn in a goroutine under a context of its own.
func startDuty(parent context.Context, key string, fn func(ctx context.Context)) *duty {
	ctx, cancel := context.WithCancel(parent)
	d := &duty{key: key, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		fn(ctx)
	}()
	return d
}

// Start runs the duties until ctx ends.
func (d *Duties) Start(ctx context.Context) {
	d.mu.Lock()
	d.ctx = ctx
	d.mu.Unlock()
	d.Reconcile()
	go func() {
		<-ctx.Done()
		d.Stop()
	}()
}

// SetNotifier turns the check-time reminders on, shown through n.
func (d *Duties) SetNotifier(n remind.Notifier, c remind.Clock) {
	d.mu.Lock()
	d.notifier, d.clock = n, c
	if d.remind != nil {
		d.remind.key = "" // restart with the new notifier
	}
	d.mu.Unlock()
	d.Reconcile()
}

// Running names the accounts whose duties run now.
func (d *Duties) Running() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for name := range d.accounts {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Reconcile starts the duties of new or changed accounts, stops those of
// removed ones, and restarts the reminders when the accounts or the check
// times changed. Stopped duties end in the background.
func (d *Duties) Reconcile() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil || d.ctx.Err() != nil {
		return
	}
	if d.accounts == nil {
		d.accounts = map[string]*duty{}
	}
	accounts := d.headless.filter(d.s.Accounts())
	want := map[string]model.Account{}
	for _, a := range accounts {
		want[a.Name] = a
	}
	for name, running := range d.accounts {
		if a, ok := want[name]; !ok || running.key != accountKey(a) {
			running.stop()
			delete(d.accounts, name)
		}
	}
	for _, a := range accounts {
		if _, ok := d.accounts[a.Name]; !ok {
			a := a
			d.accounts[a.Name] = startDuty(d.ctx, accountKey(a), func(ctx context.Context) { d.s.accountDuty(ctx, a) })
		}
	}
	key := ""
	if d.notifier != nil && len(accounts) > 0 {
		key = d.remindKey(accounts)
	}
	if d.remind != nil && d.remind.key != key {
		d.remind.stop()
		d.remind = nil
	}
	if d.remind == nil && key != "" {
		r := &Reminders{S: d.s, Clock: d.clock, Notifier: d.notifier}
		d.remind = startDuty(d.ctx, key, func(ctx context.Context) {
			if err := r.Run(ctx); err != nil && ctx.Err() == nil {
				d.s.emit(ui.Event{Kind: ui.EventChanged, Err: err})
			}
		})
	}
}

// Stop ends every duty and waits for them; Reconcile starts none after.
func (d *Duties) Stop() {
	d.mu.Lock()
	d.ctx = nil
	d.mu.Unlock()
	d.pause()
}

// pause ends every duty and waits for them; the next Reconcile starts
// them again.
func (d *Duties) pause() {
	d.mu.Lock()
	var all []*duty
	for name, running := range d.accounts {
		all = append(all, running)
		delete(d.accounts, name)
	}
	if d.remind != nil {
		all = append(all, d.remind)
		d.remind = nil
	}
	d.mu.Unlock()
	for _, running := range all {
		running.stop()
		running.wait()
	}
}

// accountKey changes whenever an account's servers, login, profile or
// signature change, so its loop restarts with them.
func accountKey(a model.Account) string {
	raw, _ := json.Marshal(a)
	return string(raw)
}

// remindKey is what the reminders are built from: the accounts, their
// profiles and the check times (settings or machine policy).
func (d *Duties) remindKey(accounts []model.Account) string {
	var b strings.Builder
	for _, a := range accounts {
		b.WriteString(a.Name + "/" + a.Profile + ";")
	}
	b.WriteString(strings.Join(d.s.Settings().CheckTimes, ","))
	return b.String()
}

// AckRetry is how often a pass runs with no new mail, for documents an
// hourly cap held back (an unchanged INBOX costs one STATUS).
const AckRetry = 15 * time.Minute

// accountDuty keeps one account in sync on IDLE until ctx ends,
// acknowledges documents after the first pass, whenever mail arrives and
// every AckRetry (R2), and retries its outbox as mail comes due.
func (s *Services) accountDuty(ctx context.Context, a model.Account) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.E.RunOutbox(ctx, OutboxRetry, func() { s.emitOutbox(ctx) }, a.Name)
	}()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(AckRetry)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if res, err := s.E.AckPass(ctx, a, s.ackOptions()); err == nil && len(res) > 0 {
					s.emitOutbox(ctx)
				}
			}
		}
	}()
	first := true
	s.E.Syncer(a).Run(ctx, s.duties.headless.bodies, func(ev imapsync.Event) {
		if s.duties.headless.heard != nil {
			s.duties.headless.heard(a.Name, ev)
		}
		if ev.Err != nil {
			if ctx.Err() == nil {
				s.emit(ui.Event{Kind: ui.EventChanged, Err: ev.Err})
			}
			return
		}
		if first || ev.Summary.New > 0 {
			s.E.AckPass(ctx, a, s.ackOptions())
			s.emitOutbox(ctx)
			// R8, HN 9.2: documents take their register number as they
			// arrive, on an always-on PC at night too.
			if err := s.register().Refresh(ctx, []model.Account{a}); err != nil && ctx.Err() == nil {
				s.emit(ui.Event{Kind: ui.EventChanged, Err: err})
			}
		}
		if !first && ev.Summary.New > 0 {
			s.emit(ui.Event{Kind: ui.EventNewMail})
		}
		first = false
		s.emit(ui.Event{Kind: ui.EventChanged})
	})
	wg.Wait()
}
