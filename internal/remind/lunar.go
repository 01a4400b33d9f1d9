package remind

import (
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunar calendar, after Hồ Ngọc Đức's algorithm
// (https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html), with
// the full-precision new moon and solar longitude of Meeus in place of his
// short series (which misplace some new moons near midnight); his published
// tables are the test reference (testdata/lunar_months.tsv). A month
// begins on the local day of an astronomical new moon; month 11 holds the
// winter solstice; in a 13-month year the first month without a principal
// solar term is the leap month. "Local" is UTC+7 from 1968 on; before that
// the calendar followed UTC+8 (the Chinese meridian) until North Vietnam's
// switch in 1967, which is why Tết 1968 fell on 29 January in the North and
// 30 January in the South. Hồ Ngọc Đức's own tables make the same switch.
// The UTC+7 calendar differs from the Chinese one in some years (Tết 1985:
// 21 January in Việt Nam, 20 February in China; Tết 2007: 17 vs 18 February).

// LunarDate is a date of the Vietnamese lunar calendar.
type LunarDate struct {
	Year  int  `json:"year"`
	Month int  `json:"month"` // 1–12
	Day   int  `json:"day"`   // 1–30
	Leap  bool `json:"leap"`  // the month is the leap (nhuận) repeat of Month
}

func (l LunarDate) String() string {
	leap := ""
	if l.Leap {
		leap = " nhuận"
	}
	return fmt.Sprintf("%d/%d%s/%d âm lịch", l.Day, l.Month, leap, l.Year)
}

// Supported years of the calendar.
const (
	MinYear = 1900
	MaxYear = 2100
)

// The meridian of the calendar: UTC+8 until the switch to UTC+7 for lunar
// year 1968 (from 1 January 1968 for solar dates). Before 1929 the Chinese
// calendar used Beijing mean time (UTC+7:45:40); we do not model that, and
// differ from Hồ Ngọc Đức's tables on four month starts before 1921.
var jd1968 = jdFromDate(1, 1, 1968)

func zoneOfSolar(jd int) float64 {
	if jd < jd1968 {
		return 8
	}
	return 7
}

func zoneOfLunarYear(y int) float64 {
	if y < 1968 {
		return 8
	}
	return 7
}

// jdFromDate is the Julian day number of a Gregorian date (Julian calendar
// before 15 October 1582).
func jdFromDate(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// jdToDate is the inverse of jdFromDate.
func jdToDate(jd int) (dd, mm, yy int) {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	dd = e - (153*m+2)/5 + 1
	mm = m + 3 - 12*(m/10)
	yy = b*100 + d - 4800 + m/10
	return
}

// sunSector is the principal-term sector (0–11, 30° each) of the Sun at the
// start of local day dayNumber.
func sunSector(dayNumber int, tz float64) int {
	return int(math.Floor(apparentSunLongitude(float64(dayNumber)-0.5-tz/24) / math.Pi * 6))
}

// newMoonDay is the local day (Julian day number) of the k-th new moon.
func newMoonDay(k int, tz float64) int {
	// k counts from the new moon of 1900-01-01; Meeus counts from 2000-01-06.
	return int(math.Floor(trueNewMoon(k-1237) + 0.5 + tz/24))
}

// lunarMonth11 is the first day of the lunar month holding the winter
// solstice of solar year yy.
func lunarMonth11(yy int, tz float64) int {
	off := jdFromDate(31, 12, yy) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 { // the solstice comes after this new moon's day
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset is the offset from month 11 (a11) of the leap month: the
// first month without a principal term.
func leapMonthOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := sunSector(newMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = sunSector(newMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// SolarToLunar converts a solar (Gregorian) date to the Vietnamese lunar calendar.
func SolarToLunar(d Date) LunarDate {
	jd := jdFromDate(d.Day, int(d.Month), d.Year)
	return solarToLunar(jd, d.Year, zoneOfSolar(jd))
}

// LunarToSolar converts a lunar date to the solar calendar. It fails when
// the date does not exist (a leap month that the year does not have, day 30
// of a 29-day month, a year out of range).
func LunarToSolar(l LunarDate) (Date, error) {
	if l.Year < MinYear-1 || l.Year > MaxYear+1 || l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, fmt.Errorf("lunar date %s: out of range", l)
	}
	jd, err := lunarToSolar(l, zoneOfLunarYear(l.Year))
	if err != nil {
		return Date{}, err
	}
	dd, mm, yy := jdToDate(jd)
	return NewDate(yy, time.Month(mm), dd), nil
}

func solarToLunar(dayNumber, yy int, tz float64) LunarDate {
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	// k is an estimate: step to the new moon on or before dayNumber.
	for newMoonDay(k+1, tz) <= dayNumber {
		k++
	}
	for newMoonDay(k, tz) > dayNumber {
		k--
	}
	monthStart := newMoonDay(k, tz)
	a11 := lunarMonth11(yy, tz)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = yy
		a11 = lunarMonth11(yy-1, tz)
	} else {
		lunarYear = yy + 1
		b11 = lunarMonth11(yy+1, tz)
	}
	lunarDay := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	lunarMonth := diff + 11
	if b11-a11 > 365 {
		leapDiff := leapMonthOffset(a11, tz)
		if diff >= leapDiff {
			lunarMonth = diff + 10
			leap = diff == leapDiff
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Year: lunarYear, Month: lunarMonth, Day: lunarDay, Leap: leap}
}

func lunarToSolar(l LunarDate, tz float64) (int, error) {
	var a11, b11 int
	if l.Month < 11 {
		a11 = lunarMonth11(l.Year-1, tz)
		b11 = lunarMonth11(l.Year, tz)
	} else {
		a11 = lunarMonth11(l.Year, tz)
		b11 = lunarMonth11(l.Year+1, tz)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := l.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if l.Leap && l.Month != leapMonth {
			return 0, fmt.Errorf("lunar date %s: year %d has no leap month %d", l, l.Year, l.Month)
		}
		if l.Leap || off >= leapOff {
			off++
		}
	} else if l.Leap {
		return 0, fmt.Errorf("lunar date %s: year %d has no leap month", l, l.Year)
	}
	start := newMoonDay(k+off, tz)
	jd := start + l.Day - 1
	if l.Day == 30 && newMoonDay(k+off+1, tz) <= jd {
		return 0, fmt.Errorf("lunar date %s: the month has 29 days", l)
	}
	return jd, nil
}
