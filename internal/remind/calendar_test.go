package remind

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/profile"
)

func newCal(t *testing.T) *Calendar {
	t.Helper()
	c, err := NewCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestIsWorkingDay(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		date    string
		working bool
		why     string
	}{
		{"2025-01-01", false, "Tết Dương lịch"},
		{"2025-01-02", true, "ordinary Thursday"},
		{"2025-01-04", false, "Saturday"},
		{"2025-01-27", false, "swapped with 08/02"},
		{"2025-01-28", false, "last day of Giáp Thìn"},
		{"2025-01-29", false, "mùng 1 Tết Ất Tỵ"},
		{"2025-01-31", false, "mùng 3"},
		{"2025-02-03", true, "back to work after Tết 2025 as announced"},
		{"2025-02-08", true, "make-up Saturday"},
		{"2025-04-07", false, "Giỗ Tổ 10/3 Ất Tỵ"},
		{"2025-04-26", true, "make-up Saturday for 02/05"},
		{"2025-04-30", false, "Ngày Chiến thắng"},
		{"2025-05-01", false, "Quốc tế Lao động"},
		{"2025-05-02", false, "swapped"},
		{"2025-09-01", false, "day before Quốc khánh (2/9 a Tuesday)"},
		{"2025-09-02", false, "Quốc khánh"},
		{"2025-09-03", true, "Wednesday after"},
		{"2026-02-13", true, "Friday before Tết Bính Ngọ"},
		{"2026-02-16", false, "last day of Ất Tỵ"},
		{"2026-02-20", false, "mùng 4 Bính Ngọ"},
		{"2026-02-23", true, "back to work"},
		{"2026-04-27", false, "compensation: Giỗ Tổ on Sunday 26/4"},
		{"2026-09-01", false, "day before Quốc khánh (Wednesday)"},
		{"2024-09-03", false, "2/9/2024 a Monday: the day after, as announced"},
		{"2024-08-30", true, "Friday before"},
		{"2023-09-01", false, "2/9/2023 a Saturday: the Friday before"},
		{"2023-09-04", false, "compensation for Saturday 2/9/2023"},
		{"2021-09-03", false, "2/9/2021 a Thursday: the Friday after"},
		{"2022-09-01", false, "2/9/2022 a Friday: the Thursday before"},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(d(tt.date)); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.date, got, tt.working, tt.why)
		}
	}
}

// TestWorkingDays2025 counts by hand: 261 weekdays, 12 of them off
// (1/1, 27–31/1, 7/4, 30/4, 1–2/5, 1–2/9), 2 make-up Saturdays.
func TestWorkingDays2025(t *testing.T) {
	if got := newCal(t).WorkingDays(2025); got != 261-12+2 {
		t.Errorf("WorkingDays(2025) = %d, want 251", got)
	}
}

func TestHolidays(t *testing.T) {
	c := newCal(t)
	h := c.Holidays(2026)
	var names []string
	for i, x := range h {
		if i > 0 && !h[i-1].Date.Before(x.Date) {
			t.Errorf("not in date order: %s after %s", x.Date, h[i-1].Date)
		}
		if x.Date.Year != 2026 || x.Name == "" {
			t.Errorf("bad holiday %+v", x)
		}
		names = append(names, x.Date.String()+" "+x.Name)
	}
	all := strings.Join(names, "\n")
	for _, want := range []string{
		"2026-01-01 Tết Dương lịch",
		"2026-02-17 Tết Nguyên đán (mùng 1)",
		"2026-04-26 Giỗ Tổ Hùng Vương (10/3 Âm lịch)",
		"2026-04-27 Nghỉ bù ngày 26/04: Giỗ Tổ Hùng Vương",
		"2026-09-02 Quốc khánh (2/9)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("Holidays(2026) lacks %q:\n%s", want, all)
		}
	}
	// 11 statutory days + 1 compensation.
	if len(h) != 12 {
		t.Errorf("Holidays(2026) has %d days:\n%s", len(h), all)
	}
}

func TestArrangementsFileReplacesYear(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "arr.json")
	// Policy: in 2026 the 2/9 break is 2–3/9 instead of 1–2/9.
	os.WriteFile(file, []byte(`[{"year": 2026, "sources": ["test"],
		"days_off": [{"date": "2026-09-03", "name": "Quốc khánh (ngày liền kề 3/9)"}],
		"working_days": [{"date": "2026-09-01", "name": "đi làm"}]}]`), 0o600)
	c, err := NewCalendar(&Options{ArrangementsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkingDay(d("2026-09-01")) || c.IsWorkingDay(d("2026-09-03")) {
		t.Error("policy arrangement not applied")
	}
	// 2025 stays embedded.
	if c.IsWorkingDay(d("2025-01-27")) {
		t.Error("embedded 2025 lost")
	}
	for _, bad := range []string{`{"year": 2026, "days_off": [{"date": "2027-01-01"}]}`, `{"year": 1800}`, `nonsense`, `{"year": 2026, "days_off": [{"date": "26/4"}]}`} {
		os.WriteFile(file, []byte(bad), 0o600)
		if _, err := NewCalendar(&Options{ArrangementsFile: file}); err == nil {
			t.Errorf("arrangements %s accepted", bad)
		}
	}
	if _, err := NewCalendar(&Options{ArrangementsFile: filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("missing policy file accepted")
	}
}

// TestEveryYearHasElevenHolidays: 1900–2100, each year has the 11 statutory
// days (10 when two coincide), the Tết block is five consecutive days, and Giỗ Tổ falls in
// March–May.
func TestEveryYearHasElevenHolidays(t *testing.T) {
	for y := MinYear; y <= MaxYear; y++ {
		h := statutory(y)
		seen := map[Date]bool{}
		for _, x := range h {
			seen[x.Date] = true
		}
		want := 11
		if HungKingsDay(y) == NewDate(y, time.April, 30) {
			want = 10 // 1917, 1947: Giỗ Tổ on 30/4, one day off for both
		}
		if len(seen) != want {
			t.Errorf("%d: %d distinct statutory days", y, len(seen))
		}
		tet := LunarNewYear(y)
		if tet.Before(NewDate(y, time.January, 21)) || NewDate(y, time.February, 20).Before(tet) {
			t.Errorf("%d: Tết %s out of 21/1–20/2", y, tet)
		}
		if l := SolarToLunar(tet.AddDays(-1)); l.Year != y-1 || l.Month != 12 || l.Day < 29 {
			t.Errorf("%d: day before Tết is %s, want 29 or 30 of month 12", y, l)
		}
		if hk := HungKingsDay(y); hk.Month < time.March || hk.Month > time.May {
			t.Errorf("%d: Giỗ Tổ %s", y, hk)
		}
	}
}

func TestCheckTimesOnlyOnWorkingDays(t *testing.T) {
	c := newCal(t)
	st, _ := profile.ByID("soctrang")
	if got := c.CheckTimes(st, d("2025-03-03")); len(got) != 4 || got[0] != profile.HM(7, 30) {
		t.Errorf("ST on a Monday: %v", got)
	}
	if got := c.CheckTimes(st, d("2025-01-29")); got != nil {
		t.Errorf("ST on mùng 1 Tết: %v", got)
	}
	if got := c.CheckTimes(st, d("2025-02-08")); len(got) != 4 {
		t.Errorf("ST on a make-up Saturday: %v", got)
	}
}
