package remind_test

import (
	"fmt"

	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
)

func ExampleCalendar() {
	cal, _ := remind.NewCalendar(nil)
	fmt.Println("Tết 2026:", remind.LunarNewYear(2026))
	fmt.Println("Giỗ Tổ 2026:", remind.HungKingsDay(2026))
	fmt.Println(remind.SolarToLunar(remind.NewDate(2025, 9, 2)))
	st, _ := profile.ByID("soctrang")
	fmt.Println(cal.CheckTimes(st, remind.NewDate(2026, 3, 2)))
	fmt.Println(cal.IsWorkingDay(remind.NewDate(2026, 4, 27)))
	// Output:
	// Tết 2026: 2026-02-17
	// Giỗ Tổ 2026: 2026-04-26
	// 11/7/2025 âm lịch
	// [07:30 10:00 13:30 15:30]
	// false
}
