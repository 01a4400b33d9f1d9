package remind

import (
	"fmt"
	"sort"
	"time"

	"thucongvu/internal/profile"
)

// ReportLead is how long before a report deadline its reminder comes.
const ReportLead = 14 * 24 * time.Hour

// ReportReminder says that an agency's report on its use of e-mail is due
// soon (R10: LA 16.1, HN 11.8).
type ReportReminder struct {
	Account string    `json:"account"`
	Due     time.Time `json:"due"`
	// Period is the `report --period` value the report covers.
	Period string `json:"period"`
	Source string `json:"source"`
}

// Text is the notification's title and body, in Vietnamese.
func (r ReportReminder) Text() (title, body string) {
	return "Sắp đến hạn báo cáo sử dụng thư điện tử",
		fmt.Sprintf("Hộp thư %s: báo cáo kỳ %s hạn %s (%s).", r.Account, r.Period, r.Due.In(Vietnam).Format("02/01/2006"), r.Source)
}

// NextReports lists, for each account, its next report deadline on or
// after now, soonest first.
func NextReports(now time.Time, profiles map[string]profile.Profile) []ReportReminder {
	now = now.In(Vietnam)
	var out []ReportReminder
	for account, p := range profiles {
		rules := p.Reports()
		var best *ReportReminder
		for _, year := range []int{now.Year(), now.Year() + 1} {
			for _, d := range rules.Value {
				due := time.Date(year, d.Month, d.Day, 23, 59, 0, 0, Vietnam)
				if due.Before(now) {
					continue
				}
				period := fmt.Sprint(year)
				if d.Period != "Y" {
					period += "-" + d.Period
				}
				if best == nil || due.Before(best.Due) {
					best = &ReportReminder{Account: account, Due: due, Period: period, Source: rules.Source}
				}
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Due.Equal(out[j].Due) {
			return out[i].Due.Before(out[j].Due)
		}
		return out[i].Account < out[j].Account
	})
	return out
}

// DueReports are the report reminders to show at now: deadlines within
// ReportLead (R10).
func DueReports(now time.Time, profiles map[string]profile.Profile) []ReportReminder {
	var out []ReportReminder
	for _, r := range NextReports(now, profiles) {
		if r.Due.Sub(now) <= ReportLead {
			out = append(out, r)
		}
	}
	return out
}
