package remind

import (
	"testing"
	"time"

	"thucongvu/internal/profile"
)

// TestReportReminders: Long An reports every half-year (LA 16.1), Hà Nam
// yearly before 15 November (HN 11.8); a reminder comes two weeks ahead.
func TestReportReminders(t *testing.T) {
	la, _ := profile.ByID("longan")
	hn, _ := profile.ByID("hanam")
	gen, _ := profile.ByID("generic")
	profiles := map[string]profile.Profile{"la": la, "hn": hn, "x": gen}
	now := time.Date(2026, 11, 5, 9, 0, 0, 0, Vietnam)
	next := NextReports(now, profiles)
	if len(next) != 2 || next[0].Account != "hn" || next[0].Period != "2026" || next[0].Due.Day() != 15 ||
		next[1].Account != "la" || next[1].Period != "2026-H2" || next[1].Source != "LA 16.1" {
		t.Fatalf("next: %+v", next)
	}
	due := DueReports(now, profiles)
	if len(due) != 1 || due[0].Account != "hn" {
		t.Fatalf("due: %+v", due)
	}
	if due := DueReports(time.Date(2026, 12, 20, 9, 0, 0, 0, Vietnam), profiles); len(due) != 1 || due[0].Period != "2026-H2" {
		t.Fatalf("December: %+v", due)
	}
	if next := NextReports(time.Date(2026, 12, 31, 23, 59, 30, 0, Vietnam), profiles); next[0].Period != "2027-H1" && next[0].Period != "2027" {
		t.Fatalf("year end: %+v", next)
	}
}
