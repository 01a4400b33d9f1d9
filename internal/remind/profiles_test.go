package remind

import (
	"slices"
	"testing"

	"thucongvu/internal/profile"
)

// R1: each account follows its own profile's check times; Next is the
// earliest of them all.
func TestEachAccountItsOwnProfile(t *testing.T) {
	la, _ := profile.ByID("longan")
	st, _ := profile.ByID("soctrang")
	log, clk := &MemLog{}, &fakeClock{}
	s, err := NewScheduler(SchedulerOptions{Calendar: newCal(t), Profile: la, Profiles: map[string]profile.Profile{"la": la, "st": st},
		Clock: clk, Log: log, Accounts: []string{"la", "st"}})
	if err != nil {
		t.Fatal(err)
	}
	// Monday 3 March 2025; both checked at 09:00.
	log.RecordCheck("la", at("2025-03-03", 9, 0), "open")
	log.RecordCheck("st", at("2025-03-03", 9, 0), "open")
	if next := s.Next(at("2025-03-03", 9, 0)); !next.Equal(at("2025-03-03", 10, 0)) {
		t.Fatalf("next after 09:00: %s", next)
	}
	due := s.Due(at("2025-03-03", 10, 0))
	if got := accounts(due); !slices.Equal(got, []string{"st@10:00"}) || due[0].Source != "ST 13.2" {
		t.Fatalf("due at 10:00: %v", due)
	}
	var times []string
	for _, tm := range s.Times() {
		times = append(times, tm.String())
	}
	if !slices.Equal(times, []string{"07:30", "10:00", "13:30", "15:30"}) {
		t.Fatalf("times of both accounts: %v", times)
	}
	// A user time one profile's rules refuse leaves that profile its own times.
	s2, err := NewScheduler(SchedulerOptions{Calendar: newCal(t), Profile: la, Profiles: map[string]profile.Profile{"st": st},
		Clock: clk, Log: log, Accounts: []string{"la", "st"}, UserTimes: []profile.TimeOfDay{profile.HM(12, 15)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.TimesOf("st"); !slices.Equal(got, st.Checks.Times.Value) {
		t.Fatalf("refused user time: Sóc Trăng's times %v", got)
	}
}
