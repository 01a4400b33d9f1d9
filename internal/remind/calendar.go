package remind

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"thucongvu/internal/profile"
)

// HolidayKind says why a day is off.
type HolidayKind string

// Kinds of days off.
const (
	Statutory    HolidayKind = "holiday"      // Labour Code 2019 art. 112
	Compensation HolidayKind = "compensation" // a holiday fell on a weekend (art. 111.3)
	Arranged     HolidayKind = "arranged"     // the government's yearly arrangement
)

// Holiday is a day off other than an ordinary weekend.
type Holiday struct {
	Date Date        `json:"date"`
	Name string      `json:"name"` // Vietnamese
	Kind HolidayKind `json:"kind"`
}

// Day is a dated entry of an arrangement.
type Day struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
}

// Arrangement is the government's announced arrangement of one year's days
// off, as data. The file format (one object, or an array of them):
//
//	{"year": 2025,
//	 "sources": ["the announcement, its number and date"],
//	 "days_off": [{"date": "2025-01-27", "name": "Nghỉ hoán đổi ..."}],
//	 "working_days": [{"date": "2025-02-08", "name": "Làm bù ..."}]}
//
// days_off are extra days off (swapped days); working_days are days worked
// although the computed calendar has them off (make-up Saturdays, or a
// compensating day the announcement placed elsewhere). A working day wins
// over every computed day off.
type Arrangement struct {
	Year        int      `json:"year"`
	Sources     []string `json:"sources"`
	DaysOff     []Day    `json:"days_off"`
	WorkingDays []Day    `json:"working_days"`
}

//go:embed arrangements/*.json
var embedded embed.FS

// Options configure a Calendar; nil means defaults.
type Options struct {
	// ArrangementsFile, when set (by agency policy), holds arrangements that
	// replace the embedded ones for the years it names.
	ArrangementsFile string
	// ArrangementDirs are folders agency IT fills with yearly files
	// (*.json, read in name order) that replace the embedded ones; a
	// missing folder is skipped. See DefaultArrangementDirs.
	ArrangementDirs []string
}

// DefaultArrangementDirs are where agency IT puts the government's yearly
// arrangements without waiting for a new client: "calendar" beside the
// executable (the MSI can carry it) and /etc/thucongvu/calendar on Linux.
func DefaultArrangementDirs() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "calendar"))
	}
	if runtime.GOOS == "linux" {
		dirs = append(dirs, "/etc/thucongvu/calendar")
	}
	return dirs
}

// Calendar is the administrative working calendar. It is safe for concurrent use.
type Calendar struct {
	arr   map[int]Arrangement
	mu    sync.Mutex
	years map[int]*year
}

type year struct {
	off  map[Date]Holiday
	work map[Date]bool
	list []Holiday
}

// NewCalendar loads the embedded arrangements and then opts.ArrangementsFile.
func NewCalendar(opts *Options) (*Calendar, error) {
	c := &Calendar{arr: map[int]Arrangement{}, years: map[int]*year{}}
	files, err := embedded.ReadDir("arrangements")
	if err != nil {
		return nil, fmt.Errorf("read arrangements: %w", err)
	}
	for _, f := range files {
		raw, err := embedded.ReadFile("arrangements/" + f.Name())
		if err != nil {
			return nil, fmt.Errorf("read arrangements: %w", err)
		}
		if err := c.add(raw); err != nil {
			return nil, fmt.Errorf("read arrangements %s: %w", f.Name(), err)
		}
	}
	if opts != nil {
		for _, dir := range opts.ArrangementDirs {
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue // no such folder: nothing set by IT
			}
			for _, f := range entries {
				if f.IsDir() || filepath.Ext(f.Name()) != ".json" {
					continue
				}
				path := filepath.Join(dir, f.Name())
				raw, err := os.ReadFile(path)
				if err != nil {
					return nil, fmt.Errorf("read arrangements: %w", err)
				}
				if err := c.add(raw); err != nil {
					return nil, fmt.Errorf("read arrangements %s: %w", path, err)
				}
			}
		}
	}
	if opts != nil && opts.ArrangementsFile != "" {
		raw, err := os.ReadFile(opts.ArrangementsFile)
		if err != nil {
			return nil, fmt.Errorf("read arrangements: %w", err)
		}
		if err := c.add(raw); err != nil {
			return nil, fmt.Errorf("read arrangements %s: %w", opts.ArrangementsFile, err)
		}
	}
	return c, nil
}

// add parses one arrangement or an array of them; each replaces its year.
func (c *Calendar) add(raw []byte) error {
	var list []Arrangement
	if err := json.Unmarshal(raw, &list); err != nil {
		var one Arrangement
		if err2 := json.Unmarshal(raw, &one); err2 != nil {
			return err2
		}
		list = []Arrangement{one}
	}
	for _, a := range list {
		if a.Year < MinYear || a.Year > MaxYear {
			return fmt.Errorf("year %d out of range %d–%d", a.Year, MinYear, MaxYear)
		}
		for _, d := range slices.Concat(a.DaysOff, a.WorkingDays) {
			if d.Date.Year != a.Year {
				return fmt.Errorf("date %s is not in year %d", d.Date, a.Year)
			}
		}
		c.arr[a.Year] = a
	}
	return nil
}

// Arrangement returns the arrangement in force for year y, if any.
func (c *Calendar) Arrangement(y int) (Arrangement, bool) {
	a, ok := c.arr[y]
	return a, ok
}

// LunarNewYear is mùng 1 Tết of lunar year y, a solar date in year y.
func LunarNewYear(y int) Date {
	d, _ := LunarToSolar(LunarDate{Year: y, Month: 1, Day: 1})
	return d
}

// HungKingsDay is Giỗ Tổ Hùng Vương, 10/3 lunar of year y (in the first month
// 3 when the year repeats month 3).
func HungKingsDay(y int) Date {
	d, _ := LunarToSolar(LunarDate{Year: y, Month: 3, Day: 10})
	return d
}

// nationalDayAdjacent is the day added to Quốc khánh 2/9 (Labour Code 2019
// art. 112.1.đ: "2/9 and one day before or after", chosen each year by the
// Prime Minister). Our rule reproduces the choices of 2021–2025: the day
// before, except the day after when 2/9 is a Monday (1/9 would be a Sunday;
// 2024) or a Thursday (so the break joins the weekend; 2021). An arrangement
// file overrides it for a year.
func nationalDayAdjacent(y int) Date {
	nd := NewDate(y, time.September, 2)
	switch nd.Weekday() {
	case time.Monday, time.Thursday:
		return nd.AddDays(1)
	}
	return nd.AddDays(-1)
}

// statutory lists the public holidays of solar year y (Labour Code 2019 art. 112).
func statutory(y int) []Holiday {
	h := func(d Date, name string) Holiday { return Holiday{Date: d, Name: name, Kind: Statutory} }
	tet := LunarNewYear(y)
	adj := nationalDayAdjacent(y)
	out := []Holiday{
		h(NewDate(y, time.January, 1), "Tết Dương lịch"),
		h(tet.AddDays(-1), "Tết Nguyên đán (ngày cuối năm Âm lịch)"),
		h(tet, "Tết Nguyên đán (mùng 1)"),
		h(tet.AddDays(1), "Tết Nguyên đán (mùng 2)"),
		h(tet.AddDays(2), "Tết Nguyên đán (mùng 3)"),
		h(tet.AddDays(3), "Tết Nguyên đán (mùng 4)"),
		h(HungKingsDay(y), "Giỗ Tổ Hùng Vương (10/3 Âm lịch)"),
		h(NewDate(y, time.April, 30), "Ngày Chiến thắng (30/4)"),
		h(NewDate(y, time.May, 1), "Ngày Quốc tế Lao động (1/5)"),
		h(NewDate(y, time.September, 2), "Quốc khánh (2/9)"),
		h(adj, fmt.Sprintf("Quốc khánh (ngày liền kề %d/9)", adj.Day)),
	}
	// Tết never begins before 21 January, so its five days all fall in y.
	slices.SortFunc(out, func(a, b Holiday) int { return compareDates(a.Date, b.Date) })
	return out
}

func compareDates(a, b Date) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// get computes (once) the days off and worked of year y.
func (c *Calendar) get(y int) *year {
	c.mu.Lock()
	defer c.mu.Unlock()
	if yr, ok := c.years[y]; ok {
		return yr
	}
	yr := &year{off: map[Date]Holiday{}, work: map[Date]bool{}}
	arr := c.arr[y]
	for _, d := range arr.WorkingDays {
		yr.work[d.Date] = true
	}
	hol := statutory(y)
	for _, h := range hol {
		yr.off[h.Date] = h
	}
	// Compensating days (Labour Code 2019 art. 111.3, with Saturday and
	// Sunday as the civil service's weekly rest): a holiday on a weekend is
	// made up on the next working day that is not itself off.
	for _, h := range hol {
		if !h.Date.IsWeekend() {
			continue
		}
		d := h.Date.AddDays(1)
		for {
			if _, taken := yr.off[d]; !taken && !d.IsWeekend() {
				break
			}
			d = d.AddDays(1)
		}
		yr.off[d] = Holiday{Date: d, Kind: Compensation,
			Name: fmt.Sprintf("Nghỉ bù ngày %02d/%02d: %s", h.Date.Day, int(h.Date.Month), h.Name)}
	}
	for _, d := range arr.DaysOff {
		if _, ok := yr.off[d.Date]; !ok {
			yr.off[d.Date] = Holiday{Date: d.Date, Name: d.Name, Kind: Arranged}
		}
	}
	for d, h := range yr.off {
		if yr.work[d] || d.Year != y {
			continue
		}
		yr.list = append(yr.list, h)
	}
	slices.SortFunc(yr.list, func(a, b Holiday) int { return compareDates(a.Date, b.Date) })
	c.years[y] = yr
	return yr
}

// Holidays lists year y's days off other than ordinary weekends, in date
// order: public holidays (also those on a weekend), compensating days and
// arranged days off.
func (c *Calendar) Holidays(y int) []Holiday {
	return slices.Clone(c.get(y).list)
}

// IsWorkingDay reports whether d is an administrative working day (R1):
// Monday–Friday that is not a day off, or a make-up day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	yr := c.get(d.Year)
	if yr.work[d] {
		return true
	}
	if _, off := yr.off[d]; off {
		return false
	}
	// A compensating day of December's holidays cannot spill into January
	// (no holiday falls in late December), so one year is enough.
	return !d.IsWeekend()
}

// WorkingDays counts the working days of year y.
func (c *Calendar) WorkingDays(y int) int {
	n := 0
	for d := NewDate(y, time.January, 1); d.Year == y; d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// CheckTimes are the profile's check times on d (R1), in order; none on a
// day that is not a working day.
func (c *Calendar) CheckTimes(p profile.Profile, d Date) []profile.TimeOfDay {
	if !c.IsWorkingDay(d) {
		return nil
	}
	t := slices.Clone(p.Checks.Times.Value)
	slices.Sort(t)
	return t
}
