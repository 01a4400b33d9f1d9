package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
)

// calendarJSON is the `calendar --json` document of the contract (DESIGN.md §3).
type calendarJSON struct {
	Year         int           `json:"year"`
	Profile      string        `json:"profile"`
	LunarNewYear remind.Date   `json:"lunar_new_year"`
	HungKingsDay remind.Date   `json:"hung_kings_day"`
	Holidays     []holidayJSON `json:"holidays"`
	WorkingDays  int           `json:"working_days"`
	Days         []calendarDay `json:"days"`
	Sources      []string      `json:"arrangement_sources"`
}

type holidayJSON struct {
	Date remind.Date        `json:"date"`
	Name string             `json:"name"`
	Kind remind.HolidayKind `json:"kind"`
}

type calendarDay struct {
	Date    remind.Date         `json:"date"`
	Working bool                `json:"working"`
	Checks  []profile.TimeOfDay `json:"checks"`
}

// cmdCalendar prints a year's working days, holidays and check times:
// `thucongvu calendar YEAR [--profile ID] [--json]`.
func cmdCalendar(c *cli, args []string) error {
	fs := newFlags("calendar")
	asJSON := fs.Bool("json", false, "JSON output")
	profileID := fs.String("profile", "generic", "rule profile")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("calendar YEAR [--profile ID] [--json]")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < remind.MinYear || year > remind.MaxYear {
		return usageErr("calendar: year %q: want %d–%d", pos[0], remind.MinYear, remind.MaxYear)
	}
	p, ok := profile.ByID(*profileID)
	if !ok {
		return fmt.Errorf("%w: profile %q (known: %s)", failure.ErrUsage, *profileID, strings.Join(profile.IDs(), ", "))
	}
	// The government's yearly arrangements as agency IT placed them.
	cal, err := remind.NewCalendar(&remind.Options{ArrangementDirs: remind.DefaultArrangementDirs()})
	if err != nil {
		return err
	}
	out := calendarJSON{
		Year: year, Profile: p.ID,
		LunarNewYear: remind.LunarNewYear(year), HungKingsDay: remind.HungKingsDay(year),
		Holidays: []holidayJSON{}, Days: []calendarDay{}, Sources: []string{},
	}
	if a, ok := cal.Arrangement(year); ok {
		out.Sources = append(out.Sources, a.Sources...)
	}
	for _, h := range cal.Holidays(year) {
		out.Holidays = append(out.Holidays, holidayJSON(h))
	}
	for d := remind.NewDate(year, time.January, 1); d.Year == year; d = d.AddDays(1) {
		day := calendarDay{Date: d, Working: cal.IsWorkingDay(d), Checks: cal.CheckTimes(p, d)}
		if day.Checks == nil {
			day.Checks = []profile.TimeOfDay{}
		}
		if day.Working {
			out.WorkingDays++
		}
		out.Days = append(out.Days, day)
	}
	if *asJSON {
		return writeJSON(c, out)
	}
	w := c.stdout
	fmt.Fprintf(w, "Năm %d — quy định: %s\n", year, p.ID)
	fmt.Fprintf(w, "Tết Nguyên đán (mùng 1): %s\n", out.LunarNewYear)
	fmt.Fprintf(w, "Giỗ Tổ Hùng Vương (10/3 âm lịch): %s\n", out.HungKingsDay)
	fmt.Fprintln(w, "Ngày nghỉ:")
	for _, h := range out.Holidays {
		fmt.Fprintf(w, "  %s  %s\n", h.Date, h.Name)
	}
	var times []string
	for _, t := range p.Checks.Times.Value {
		times = append(times, t.String())
	}
	fmt.Fprintf(w, "Số ngày làm việc: %d\n", out.WorkingDays)
	fmt.Fprintf(w, "Giờ kiểm tra thư mỗi ngày làm việc: %s [%s]\n", strings.Join(times, ", "), p.Checks.Times.Source)
	return nil
}
