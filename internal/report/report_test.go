package report

import (
	"testing"
	"time"

	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
)

// TestParsePeriod: a year and its halves (LA 16.1 reports every 6 months,
// HN 11.8 yearly); anything else is a usage error.
func TestParsePeriod(t *testing.T) {
	for in, want := range map[string][2]string{"2026": {"2026-01-01", "2027-01-01"}, "2026-H1": {"2026-01-01", "2026-07-01"},
		"2026-h2": {"2026-07-01", "2027-01-01"}} {
		p, err := ParsePeriod(in)
		if err != nil || p.From.Format(time.DateOnly) != want[0] || p.To.Format(time.DateOnly) != want[1] {
			t.Errorf("%s: %v %v %v", in, p.From, p.To, err)
		}
	}
	for _, bad := range []string{"", "26", "2026-H3", "2026-Q1", "1999", "năm 2026"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestIssuedShare: LA 7.3 asks that at least 20 % of issued documents go by e-mail.
func TestIssuedShare(t *testing.T) {
	r := &Report{Sent: 20}
	r.SetIssued(100)
	if *r.IssuedShare != 0.2 || !*r.IssuedMet {
		t.Errorf("20 of 100: %v %v", *r.IssuedShare, *r.IssuedMet)
	}
	r.SetIssued(101)
	if *r.IssuedMet {
		t.Error("20 of 101 met the target")
	}
	r.SetIssued(0)
	if *r.IssuedShare != 0 || *r.IssuedMet {
		t.Error("no issued document met the target")
	}
}

// TestNextCheck: a document is acknowledged in time when it is by the
// first check time (R1) after its arrival, skipping days off.
func TestNextCheck(t *testing.T) {
	cal, err := remind.NewCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	times := []profile.TimeOfDay{profile.HM(7, 30), profile.HM(13, 30)}
	for arrival, want := range map[time.Time]time.Time{
		// Friday 20/11/2026 10:00 → 13:30 the same day.
		time.Date(2026, 11, 20, 10, 0, 0, 0, remind.Vietnam): time.Date(2026, 11, 20, 13, 30, 0, 0, remind.Vietnam),
		// Friday 20:00 → Monday 07:30.
		time.Date(2026, 11, 20, 20, 0, 0, 0, remind.Vietnam): time.Date(2026, 11, 23, 7, 30, 0, 0, remind.Vietnam),
	} {
		if got := nextCheck(cal, times, arrival); !got.Equal(want) {
			t.Errorf("after %v: %v, want %v", arrival, got, want)
		}
	}
}
