package remind

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"thucongvu/internal/profile"
)

// Clock tells the time; tests inject a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }

// CheckLog records when each account's mail was last checked (R1 evidence).
// The store implements it durably; MemLog is the in-memory one.
type CheckLog interface {
	LastCheck(account string) time.Time
	RecordCheck(account string, when time.Time, how string) error
}

// MemLog is an in-memory CheckLog, safe for concurrent use.
type MemLog struct {
	mu   sync.Mutex
	last map[string]time.Time
	// Entries are every recorded check, oldest first.
	entries []LogEntry
}

// LogEntry is one recorded check.
type LogEntry struct {
	Account string
	When    time.Time
	How     string // "manual", "sync", "reminder", ...
}

// LastCheck implements CheckLog.
func (m *MemLog) LastCheck(account string) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last[account]
}

// RecordCheck implements CheckLog.
func (m *MemLog) RecordCheck(account string, when time.Time, how string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[string]time.Time{}
	}
	if when.After(m.last[account]) {
		m.last[account] = when
	}
	m.entries = append(m.entries, LogEntry{account, when, how})
	return nil
}

// Entries returns a copy of the recorded checks.
func (m *MemLog) Entries() []LogEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.entries)
}

// Reminder says that an account's mail should be checked now.
type Reminder struct {
	Account string
	// Due is the check time the reminder is for; it is earlier than the
	// moment it fires when the PC slept through it.
	Due     time.Time
	Session profile.Session
	Source  string // the article of the check rule, e.g. "LA 6.1"
}

// Text is the notification's title and body, in Vietnamese.
func (r Reminder) Text() (title, body string) {
	title = "Đến giờ kiểm tra thư công vụ"
	body = fmt.Sprintf("Hộp thư %s: lần kiểm tra lúc %s chưa thực hiện (%s).",
		r.Account, r.Due.In(Vietnam).Format("15:04"), r.Source)
	return title, body
}

// SchedulerOptions configure a Scheduler. Calendar, Clock and Log are required.
type SchedulerOptions struct {
	Calendar *Calendar
	// Profile is the rule profile of the accounts not in Profiles.
	Profile profile.Profile
	// Profiles are accounts' own profiles: each account is reminded at its
	// own agency's check times (R1: LA 6.1, HN 9.2, ST 13.2 differ).
	Profiles map[string]profile.Profile
	Clock    Clock
	Log      CheckLog
	// Accounts are the accounts to remind about.
	Accounts []string
	// UserTimes are the user's own check times; nil means the profile's.
	// See ResolveTimes for how they meet the profile's minimum; a profile
	// whose rules refuse them keeps its own times.
	UserTimes []profile.TimeOfDay
	// Hours overrides the profile's working hours (agency setting); nil keeps them.
	Hours *profile.WorkingHours
}

// plan is the check times of one profile.
type plan struct {
	prof  profile.Profile
	hours profile.WorkingHours
	times []profile.TimeOfDay
}

// newPlanOr resolves the user's times against p; times its rules refuse
// never silence reminders: p's own times apply.
func newPlanOr(p profile.Profile, hours *profile.WorkingHours, user []profile.TimeOfDay) *plan {
	if hours != nil {
		p.Hours.Value = *hours
	}
	times, err := ResolveTimes(p, user)
	if err != nil {
		times, _ = ResolveTimes(p, nil)
	}
	return &plan{prof: p, hours: p.Hours.Value, times: times}
}

// Scheduler decides which reminders are due. It never sleeps itself: Due
// is pure given the clock, the check log and what it has already fired;
// Run drives it. It is safe for concurrent use.
type Scheduler struct {
	cal   *Calendar
	clock Clock
	log   CheckLog
	def   *plan            // accounts without a profile of their own
	plans map[string]*plan // account → its profile's plan

	mu       sync.Mutex
	accounts []string
	fired    map[string]time.Time // account → period start already reminded
	snoozed  time.Time
}

// NewScheduler validates the options and resolves the check times of each profile.
func NewScheduler(o SchedulerOptions) (*Scheduler, error) {
	if o.Calendar == nil || o.Clock == nil || o.Log == nil {
		return nil, fmt.Errorf("new scheduler: calendar, clock and log are required")
	}
	s := &Scheduler{cal: o.Calendar, clock: o.Clock, log: o.Log, plans: map[string]*plan{},
		accounts: slices.Clone(o.Accounts), fired: map[string]time.Time{}}
	s.def = newPlanOr(o.Profile, o.Hours, o.UserTimes)
	byID := map[string]*plan{}
	for acc, p := range o.Profiles {
		pl, ok := byID[p.ID]
		if !ok {
			pl = newPlanOr(p, o.Hours, o.UserTimes)
			byID[p.ID] = pl
		}
		s.plans[acc] = pl
	}
	return s, nil
}

func (s *Scheduler) plan(account string) *plan {
	if p, ok := s.plans[account]; ok {
		return p
	}
	return s.def
}

// ResolveTimes merges the user's check times with the profile's rule (R1):
// each user time must lie in a working session; the user may move the
// profile's times within their session and add more, but never go below
// the profile's minimum per session: a session with too few user times
// gets the profile's default times of that session. No user times means
// the profile's times.
func ResolveTimes(p profile.Profile, user []profile.TimeOfDay) ([]profile.TimeOfDay, error) {
	if len(user) == 0 {
		out := slices.Clone(p.Checks.Times.Value)
		slices.Sort(out)
		return out, nil
	}
	hours := p.Hours.Value
	count := map[profile.Session]int{}
	var out []profile.TimeOfDay
	for _, t := range user {
		s, ok := hours.SessionOf(t)
		if !ok {
			return nil, fmt.Errorf("check time %s is outside working hours (%s–%s, %s–%s)", t,
				hours.Morning.Start, hours.Morning.End, hours.Afternoon.Start, hours.Afternoon.End)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
			count[s]++
		}
	}
	for _, t := range p.Checks.Times.Value {
		s, _ := hours.SessionOf(t)
		if count[s] < p.Checks.Min(s) && !slices.Contains(out, t) {
			out = append(out, t)
			count[s]++
		}
	}
	slices.Sort(out)
	return out, nil
}

// Times are the resolved check times of a working day, of every account
// reminded about (the default profile's when there is none).
func (s *Scheduler) Times() []profile.TimeOfDay {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []profile.TimeOfDay
	for _, pl := range s.activePlans() {
		out = append(out, pl.times...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TimesOf are the resolved check times of one account.
func (s *Scheduler) TimesOf(account string) []profile.TimeOfDay {
	return slices.Clone(s.plan(account).times)
}

// activePlans are the plans of the accounts reminded about.
func (s *Scheduler) activePlans() []*plan {
	var out []*plan
	for _, a := range s.accounts {
		if p := s.plan(a); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, s.def)
	}
	return out
}

// SetAccounts replaces the accounts reminded about.
func (s *Scheduler) SetAccounts(accounts []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts = slices.Clone(accounts)
}

// Snooze silences reminders until the given time; a reminder still
// unanswered then fires again.
func (s *Scheduler) Snooze(until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snoozed = until
	clear(s.fired)
}

// period is the check time in force at now: the latest check time of
// today not after now, if now is inside working hours of a working day.
func (s *Scheduler) period(pl *plan, now time.Time) (time.Time, profile.Session, bool) {
	now = now.In(Vietnam)
	day := DateOf(now)
	if !s.cal.IsWorkingDay(day) {
		return time.Time{}, "", false // R1: none on weekends and holidays
	}
	tod := profile.HM(now.Hour(), now.Minute())
	if _, ok := pl.hours.SessionOf(tod); !ok {
		return time.Time{}, "", false // none outside working hours
	}
	var start profile.TimeOfDay = -1
	for _, t := range pl.times {
		if t <= tod {
			start = t
		}
	}
	if start < 0 {
		return time.Time{}, "", false
	}
	sess, _ := pl.hours.SessionOf(start)
	return day.At(int(start)), sess, true
}

// Due returns the reminders due at now and marks them fired: one per
// account whose mail was not checked since the current check time began.
// A check time missed while the PC slept is folded into the current one, so
// waking up fires at most one reminder per account, never a burst.
func (s *Scheduler) Due(now time.Time) []Reminder {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.snoozed) {
		return nil
	}
	var out []Reminder
	for _, acc := range s.accounts {
		pl := s.plan(acc)
		start, sess, ok := s.period(pl, now)
		if !ok {
			continue
		}
		if !s.log.LastCheck(acc).Before(start) {
			continue // checked since the period began
		}
		if f, ok := s.fired[acc]; ok && !f.Before(start) {
			continue // already reminded for this period
		}
		s.fired[acc] = start
		out = append(out, Reminder{Account: acc, Due: start, Session: sess, Source: pl.prof.Checks.Times.Source})
	}
	return out
}

// Next is the earliest moment after now at which Due may return something
// new: the next check time on a working day, or the end of a snooze.
func (s *Scheduler) Next(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	now = now.In(Vietnam)
	if now.Before(s.snoozed) {
		return s.snoozed
	}
	var times []profile.TimeOfDay
	for _, pl := range s.activePlans() {
		times = append(times, pl.times...)
	}
	slices.Sort(times)
	day := DateOf(now)
	for i := 0; i < 400; i++ {
		if s.cal.IsWorkingDay(day) {
			for _, t := range times {
				if at := day.At(int(t)); at.After(now) {
					return at
				}
			}
		}
		day = day.AddDays(1)
	}
	return now.Add(24 * time.Hour)
}

// Notifier shows a reminder to the user.
type Notifier interface {
	Notify(title, body string) error
}

// RunOptions drive Run; After is time.After unless a test injects one.
type RunOptions struct {
	Notifier Notifier
	// After waits for a duration; nil means time.After.
	After func(time.Duration) <-chan time.Time
	// Poll bounds each wait, so that waking from sleep is noticed even when
	// the OS paused the monotonic timer (default one minute).
	Poll time.Duration
	// OnError receives notifier failures, which are not fatal (log them).
	OnError func(error)
	// Describe writes a reminder's title and body (with what waits in the
	// mailbox); nil uses Reminder.Text.
	Describe func(Reminder) (title, body string)
}

// Run fires due reminders through the notifier until ctx ends.
func (s *Scheduler) Run(ctx context.Context, o RunOptions) error {
	after := o.After
	if after == nil {
		after = time.After
	}
	poll := o.Poll
	if poll <= 0 {
		poll = time.Minute
	}
	for {
		now := s.clock.Now()
		for _, r := range s.Due(now) {
			title, body := r.Text()
			if o.Describe != nil {
				title, body = o.Describe(r)
			}
			if err := o.Notifier.Notify(title, body); err != nil && o.OnError != nil {
				o.OnError(fmt.Errorf("notify %s: %w", r.Account, err))
			}
		}
		wait := min(s.Next(now).Sub(now), poll)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-after(max(wait, time.Second)):
		}
	}
}
