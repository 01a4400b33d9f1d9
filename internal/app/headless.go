package app

import (
	"context"
	"slices"

	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
)

// headless is how the duties run without a window (`thucongvu sync` on an
// always-on PC): for some accounts only, bodies too, each sync event heard.
type headless struct {
	only   []string // account names; none means every account
	bodies bool
	heard  func(account string, ev imapsync.Event)
}

func (h headless) filter(all []model.Account) []model.Account {
	var out []model.Account
	for _, a := range all {
		if len(h.only) == 0 || slices.Contains(h.only, a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// RunHeadless runs the same duties as the window — per-account sync on
// IDLE, acknowledgements at once and every AckRetry (R2, LA 6.2), the
// outbox, the check-time reminders and check log (R1) — for the named
// accounts (all when none), until ctx ends. bodies also downloads every
// body; heard, if set, hears each account's sync events. Call it once,
// before anything else starts the duties.
func (s *Services) RunHeadless(ctx context.Context, names []string, bodies bool, heard func(account string, ev imapsync.Event)) {
	s.duties.mu.Lock()
	s.duties.headless = headless{only: names, bodies: bodies, heard: heard}
	s.duties.mu.Unlock()
	s.duties.Start(ctx)
}
