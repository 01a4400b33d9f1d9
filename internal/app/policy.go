package app

import (
	"context"
	"reflect"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/ui"
)

// PolicyCheck is how often the window looks for a machine policy agency IT
// changed while the client runs (a Group Policy refresh, a new policy.json).
const PolicyCheck = time.Minute

// ApplyPolicy puts a newly read machine policy in force at once: the duties
// stop, the accounts and settings take the policy's values (never written
// into the user's files), and the duties start again under it, so a duty
// the policy switches off stops and check times it sets take effect. It
// reports whether anything changed.
func (s *Services) ApplyPolicy(p *config.Policy) bool {
	if p == nil {
		p = &config.Policy{}
	}
	s.cfgMu.RLock()
	same := reflect.DeepEqual(p, s.E.Policy)
	s.cfgMu.RUnlock()
	if same {
		return false
	}
	s.duties.pause() // no duty reads the accounts while the policy changes
	s.cfgMu.Lock()
	s.E.SetPolicy(p)
	s.cfgMu.Unlock()
	s.duties.Reconcile()
	s.emit(ui.Event{Kind: ui.EventChanged})
	return true
}

// WatchPolicy reads the machine policy with load every `every` until ctx
// ends and applies what changed. A policy that cannot be read keeps the one
// in force (a damaged file never silently unlocks settings) and is shown.
func (s *Services) WatchPolicy(ctx context.Context, every time.Duration, load func() (*config.Policy, error)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p, err := load()
		if err != nil {
			s.emit(ui.Event{Kind: ui.EventChanged, Err: err})
			continue
		}
		s.ApplyPolicy(p)
	}
}
