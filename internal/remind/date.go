package remind

import (
	"fmt"
	"time"
)

// Vietnam is Vietnam time, UTC+7 without daylight saving. Check times and
// working days are read in it whatever the PC's own zone.
var Vietnam = time.FixedZone("ICT", 7*3600)

// Date is a civil (solar) date without a time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate normalises year, month and day (31 April is 1 May).
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// DateOf is the date of t in Vietnam.
func DateOf(t time.Time) Date {
	t = t.In(Vietnam)
	return Date{t.Year(), t.Month(), t.Day()}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// String is YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// At is the instant of wall-clock h:m on d in Vietnam.
func (d Date) At(minutes int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, minutes, 0, 0, Vietnam)
}

// AddDays moves d by n days.
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Weekday of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// IsWeekend: Saturday and Sunday are the civil service's weekly rest days
// (QĐ 188/1999/QĐ-TTg, the two-day week).
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}
