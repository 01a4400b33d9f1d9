package remind

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"thucongvu/internal/profile"
)

// fakeClock is a Clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// at is wall-clock hh:mm on date s in Vietnam.
func at(s string, hh, mm int) time.Time { return d(s).At(hh*60 + mm) }

func newSched(t *testing.T, id string, user []profile.TimeOfDay, accounts ...string) (*Scheduler, *MemLog, *fakeClock) {
	t.Helper()
	p, ok := profile.ByID(id)
	if !ok {
		t.Fatalf("no profile %s", id)
	}
	log := &MemLog{}
	clk := &fakeClock{}
	s, err := NewScheduler(SchedulerOptions{Calendar: newCal(t), Profile: p, Clock: clk, Log: log, Accounts: accounts, UserTimes: user})
	if err != nil {
		t.Fatal(err)
	}
	return s, log, clk
}

func accounts(rs []Reminder) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Account+"@"+r.Due.In(Vietnam).Format("15:04"))
	}
	return out
}

func TestDueTimeline(t *testing.T) {
	s, log, _ := newSched(t, "longan", nil, "a", "b")
	// Monday 3 March 2025, a working day. LA 6.1: 07:30 and 13:30.
	steps := []struct {
		name  string
		now   time.Time
		check string // account that checks at now, before Due
		want  []string
	}{
		{"before work", at("2025-03-03", 7, 0), "", nil},
		{"morning check time", at("2025-03-03", 7, 30), "", []string{"a@07:30", "b@07:30"}},
		{"not twice for the same period", at("2025-03-03", 7, 45), "", nil},
		{"a checks; still nothing", at("2025-03-03", 9, 0), "a", nil},
		{"lunch: outside hours", at("2025-03-03", 12, 0), "", nil},
		{"afternoon", at("2025-03-03", 13, 30), "", []string{"a@13:30", "b@13:30"}},
		{"b checked before the afternoon period: a only", at("2025-03-04", 7, 31), "", []string{"a@07:30", "b@07:30"}},
		{"after hours", at("2025-03-04", 17, 0), "", nil},
		{"Saturday", at("2025-03-08", 7, 30), "", nil},
		{"holiday: Giỗ Tổ 2025", at("2025-04-07", 7, 30), "", nil},
		{"make-up Saturday 26/4", at("2025-04-26", 7, 30), "", []string{"a@07:30", "b@07:30"}},
	}
	for _, st := range steps {
		if st.check != "" {
			log.RecordCheck(st.check, st.now, "manual")
		}
		if got := accounts(s.Due(st.now)); !slices.Equal(got, st.want) {
			t.Errorf("%s (%s): Due = %v, want %v", st.name, st.now, got, st.want)
		}
	}
}

func TestCheckedBeforePeriodStillReminded(t *testing.T) {
	s, log, _ := newSched(t, "hanam", nil, "vt")
	log.RecordCheck("vt", at("2025-03-03", 11, 0), "sync") // morning check
	if got := accounts(s.Due(at("2025-03-03", 13, 30))); !slices.Equal(got, []string{"vt@13:30"}) {
		t.Errorf("afternoon after a morning check: %v", got)
	}
	log.RecordCheck("vt", at("2025-03-04", 7, 29), "sync") // a minute early
	if got := s.Due(at("2025-03-04", 7, 30)); len(got) != 1 {
		t.Errorf("a check before the period began does not count: %v", got)
	}
}

// TestWakeFromSleepFiresOnce: the PC slept from 07:00 to 15:00 through the
// 07:30, 10:00 and 13:30 check times (ST 13.2); waking fires one reminder
// per account, for 13:30, not three.
func TestWakeFromSleepFiresOnce(t *testing.T) {
	s, _, _ := newSched(t, "soctrang", nil, "x")
	if got := s.Due(at("2025-03-03", 7, 0)); got != nil {
		t.Fatalf("before work: %v", got)
	}
	got := s.Due(at("2025-03-03", 15, 0))
	if want := []string{"x@13:30"}; !slices.Equal(accounts(got), want) {
		t.Fatalf("on waking: %v, want %v", accounts(got), want)
	}
	if again := s.Due(at("2025-03-03", 15, 1)); again != nil {
		t.Errorf("burst after waking: %v", again)
	}
	if next := accounts(s.Due(at("2025-03-03", 15, 30))); !slices.Equal(next, []string{"x@15:30"}) {
		t.Errorf("next period: %v", next)
	}
}

func TestSnooze(t *testing.T) {
	s, log, _ := newSched(t, "longan", nil, "a")
	if got := s.Due(at("2025-03-03", 7, 30)); len(got) != 1 {
		t.Fatal("no reminder")
	}
	s.Snooze(at("2025-03-03", 7, 45))
	if got := s.Due(at("2025-03-03", 7, 40)); got != nil {
		t.Errorf("during snooze: %v", got)
	}
	if got := s.Due(at("2025-03-03", 7, 45)); len(got) != 1 {
		t.Errorf("after snooze the unanswered reminder fires again: %v", got)
	}
	s.Snooze(at("2025-03-03", 8, 0))
	log.RecordCheck("a", at("2025-03-03", 7, 50), "manual")
	if got := s.Due(at("2025-03-03", 8, 0)); got != nil {
		t.Errorf("checked during snooze: %v", got)
	}
}

// TestVietnamTimeWhateverTheZone: the same instant seen from a PC in Paris.
func TestVietnamTimeWhateverTheZone(t *testing.T) {
	s, _, _ := newSched(t, "longan", nil, "a")
	paris := time.FixedZone("CET", 3600)
	now := at("2025-03-03", 7, 30).In(paris) // 01:30 in Paris
	if got := s.Due(now); len(got) != 1 {
		t.Errorf("07:30 Vietnam time from Paris: %v", got)
	}
	// 07:30 in Paris is 13:30 in Vietnam.
	if got := accounts(s.Due(time.Date(2025, 3, 3, 7, 30, 0, 0, paris))); !slices.Equal(got, []string{"a@13:30"}) {
		t.Errorf("07:30 Paris: %v", got)
	}
}

func TestResolveTimes(t *testing.T) {
	st, _ := profile.ByID("soctrang")
	la, _ := profile.ByID("longan")
	hm := profile.HM
	tests := []struct {
		name    string
		p       profile.Profile
		user    []profile.TimeOfDay
		want    []profile.TimeOfDay
		wantErr bool
	}{
		{"none: profile times", la, nil, []profile.TimeOfDay{hm(7, 30), hm(13, 30)}, false},
		{"moved within the session", la, []profile.TimeOfDay{hm(9, 0), hm(14, 0)}, []profile.TimeOfDay{hm(9, 0), hm(14, 0)}, false},
		{"extra time added", la, []profile.TimeOfDay{hm(8, 0), hm(10, 0), hm(15, 0)}, []profile.TimeOfDay{hm(8, 0), hm(10, 0), hm(15, 0)}, false},
		{"afternoon missing: profile's afternoon added", la, []profile.TimeOfDay{hm(8, 0)}, []profile.TimeOfDay{hm(8, 0), hm(13, 30)}, false},
		{"ST below 2 per session: filled", st, []profile.TimeOfDay{hm(8, 0), hm(14, 0)},
			[]profile.TimeOfDay{hm(7, 30), hm(8, 0), hm(13, 30), hm(14, 0)}, false},
		{"duplicates count once", la, []profile.TimeOfDay{hm(8, 0), hm(8, 0)}, []profile.TimeOfDay{hm(8, 0), hm(13, 30)}, false},
		{"outside working hours", la, []profile.TimeOfDay{hm(12, 0)}, nil, true},
		{"evening", la, []profile.TimeOfDay{hm(20, 0)}, nil, true},
	}
	for _, tt := range tests {
		got, err := ResolveTimes(tt.p, tt.user)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("%s: ResolveTimes = %v, %v; want %v, err %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestNext(t *testing.T) {
	s, _, _ := newSched(t, "longan", nil, "a")
	tests := []struct{ now, want time.Time }{
		{at("2025-03-03", 7, 0), at("2025-03-03", 7, 30)},
		{at("2025-03-03", 7, 30), at("2025-03-03", 13, 30)},
		{at("2025-03-07", 14, 0), at("2025-03-10", 7, 30)}, // Friday → Monday
		{at("2025-01-24", 14, 0), at("2025-02-03", 7, 30)}, // over Tết 2025
	}
	for _, tt := range tests {
		if got := s.Next(tt.now); !got.Equal(tt.want) {
			t.Errorf("Next(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

// fakeNotifier records notifications.
type fakeNotifier struct {
	mu   sync.Mutex
	got  []string
	fail error
	sent chan struct{}
}

func (f *fakeNotifier) Notify(title, body string) error {
	f.mu.Lock()
	f.got = append(f.got, title+" | "+body)
	f.mu.Unlock()
	f.sent <- struct{}{}
	return f.fail
}

// TestRun drives Run with a fake clock and a fake timer: no real sleeping.
func TestRun(t *testing.T) {
	s, _, clk := newSched(t, "hanam", nil, "vanthu")
	clk.Set(at("2025-03-03", 7, 0))
	waits := make(chan time.Duration)
	fire := make(chan time.Time)
	n := &fakeNotifier{sent: make(chan struct{}, 4), fail: errors.New("no daemon")}
	var errs []error
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- s.Run(ctx, RunOptions{Notifier: n, Poll: time.Hour,
			After:   func(d time.Duration) <-chan time.Time { waits <- d; return fire },
			OnError: func(err error) { errs = append(errs, err) }})
	}()
	if w := <-waits; w != 30*time.Minute {
		t.Errorf("first wait %s, want 30m until 07:30", w)
	}
	clk.Set(at("2025-03-03", 7, 30))
	fire <- clk.Now()
	<-n.sent
	if w := <-waits; w != time.Hour {
		t.Errorf("second wait %s, want the poll bound", w)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v", err)
	}
	if len(n.got) != 1 || len(errs) != 1 {
		t.Fatalf("notifications %q, errors %v", n.got, errs)
	}
	if want := "Đến giờ kiểm tra thư công vụ | Hộp thư vanthu: lần kiểm tra lúc 07:30 chưa thực hiện (HN 9.2 (đầu buổi sáng, đầu buổi chiều))."; n.got[0] != want {
		t.Errorf("notification %q", n.got[0])
	}
}
