package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/i18n"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
	"thucongvu/internal/ui"
)

// Reminders runs the check-time scheduler (R1: LA 6.1, HN 9.2, ST 13.2)
// over the check log in the store, and shows each reminder through the OS
// notifier with what waits in the mailbox.
type Reminders struct {
	S        *Services
	Clock    remind.Clock
	Notifier remind.Notifier
	// After is time.After unless a test injects a clock.
	After func(time.Duration) <-chan time.Time

	mu    sync.Mutex
	sched *remind.Scheduler
}

// scheduler builds the scheduler: each account at its own profile's check
// times, moved by the user's (or machine policy's) times where the
// account's rules allow them.
func (r *Reminders) scheduler() (*remind.Scheduler, error) {
	e := r.S.E
	if len(e.Config.Accounts) == 0 {
		return nil, fmt.Errorf("no account")
	}
	cal, err := e.Calendar()
	if err != nil {
		return nil, err
	}
	var names []string
	profiles := map[string]profile.Profile{}
	for _, a := range e.Config.Accounts {
		names = append(names, a.Name)
		profiles[a.Name] = engine.Profile(a)
	}
	var user []profile.TimeOfDay
	for _, t := range r.S.userCheckTimes() {
		if v, err := profile.ParseTimeOfDay(t); err == nil {
			user = append(user, v)
		}
	}
	return remind.NewScheduler(remind.SchedulerOptions{Calendar: cal, Profile: profiles[names[0]], Profiles: profiles,
		Clock: r.Clock, Log: e.Store.Checks(), Accounts: names, UserTimes: user})
}

// userCheckTimes are the check times machine policy sets, else those the
// user saved; none means each account's profile's (R1).
func (s *Services) userCheckTimes() []string {
	if p := s.E.Policy; p.Has("CheckTimes") {
		return p.CheckTimes
	}
	return s.stored().CheckTimes
}

// Run fires reminders until ctx ends; paused days (tray "pause today")
// stay silent.
func (r *Reminders) Run(ctx context.Context) error {
	s, err := r.scheduler()
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.sched = s
	r.mu.Unlock()
	r.S.mu.Lock()
	r.S.reminders = r
	r.S.mu.Unlock()
	return s.Run(ctx, remind.RunOptions{
		Notifier: pausable{r},
		After:    r.After,
		OnError:  func(err error) { r.S.emit(ui.Event{Kind: ui.EventChanged, Err: err}) },
		Describe: r.describe,
	})
}

// describe says, in the user's language, which check it is and how many
// unread mails and unacknowledged documents wait in the whole INBOX (R1, R2).
func (r *Reminders) describe(rem remind.Reminder) (string, string) {
	ctx := context.Background()
	msg, _ := i18n.Load(r.S.Settings().Language)
	unread, docs, _ := r.S.E.Store.InboxCounts(ctx, rem.Account)
	session := msg.T("notify.morning")
	if rem.Session == profile.Afternoon {
		session = msg.T("notify.afternoon")
	}
	title := msg.T("notify.check_title", session, rem.Due.In(remind.Vietnam).Format("15:04"))
	body := msg.T("notify.check_body", rem.Account, unread, docs, rem.Source)
	// R2, the sender's side: documents whose acknowledgement is overdue.
	if a, err := r.S.E.Config.Account(rem.Account); err == nil {
		if sent, err := r.S.E.Receipts(ctx, *a, r.Clock.Now()); err == nil {
			overdue := 0
			for _, d := range sent {
				if d.Overdue {
					overdue++
				}
			}
			if overdue > 0 {
				body += msg.T("notify.check_overdue", overdue)
			}
		}
	}
	body += r.S.agencyReminder(ctx, rem.Account, msg, r.Clock.Now())
	r.S.emit(ui.Event{Kind: ui.EventReminder})
	return title, body
}

// pausable drops reminders while the user paused them for today.
type pausable struct{ r *Reminders }

func (p pausable) Notify(title, body string) error {
	if p.r.S.Settings().PausedUntil.After(p.r.Clock.Now()) {
		return nil
	}
	return p.r.Notifier.Notify(title, body)
}

// RecordOpen logs that the user opened the account's mailbox, at most
// once a minute: a check under R1, which stops that period's reminder.
func (s *Services) RecordOpen(account, how string) {
	s.mu.Lock()
	if s.opened == nil {
		s.opened = map[string]time.Time{}
	}
	last := s.opened[account]
	now := time.Now()
	if now.Sub(last) < time.Minute {
		s.mu.Unlock()
		return
	}
	s.opened[account] = now
	s.mu.Unlock()
	s.E.Store.Checks().RecordCheck(account, now, how)
}

// EnsureAutostart starts the client with the desktop session on Linux
// (XDG autostart) so reminders survive a reboot (R1). On Windows the MSI
// registers the autostart for all users.
func EnsureAutostart(exe string) error {
	if runtime.GOOS != "linux" {
		return nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "autostart", "thucongvu.desktop")
	if _, err := os.Stat(path); err == nil {
		return nil // the user's own choice (even Hidden=true) stands
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	desktop := "[Desktop Entry]\nType=Application\nName=Thư Công Vụ\nComment=Nhắc giờ kiểm tra thư công vụ\n" +
		"Exec=\"" + exe + "\"\nIcon=thucongvu\nX-GNOME-Autostart-enabled=true\nNoDisplay=false\n"
	return os.WriteFile(path, []byte(desktop), 0o644)
}

// checkTimes validates the user's check times against the profile (R1):
// within working hours; the profile's minimum per session is kept.
func checkTimes(p profile.Profile, times []string) error {
	var user []profile.TimeOfDay
	for _, t := range times {
		v, err := profile.ParseTimeOfDay(t)
		if err != nil {
			return fmt.Errorf("%w: %v", failure.ErrUsage, err)
		}
		user = append(user, v)
	}
	if _, err := remind.ResolveTimes(p, user); err != nil {
		return fmt.Errorf("%w: %v", failure.ErrUsage, err)
	}
	return nil
}

// Snooze implements ui.Services: the reminder comes back after d.
func (s *Services) Snooze(d time.Duration) {
	s.mu.Lock()
	r := s.reminders
	s.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sched != nil {
		r.sched.Snooze(r.Clock.Now().Add(d))
	}
}
