package profile

import "time"

// ReportDue is a deadline, each year, for the agency's report on its use
// of e-mail (R10), and the period the report covers.
type ReportDue struct {
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
	// Period is "H1", "H2" (the half-year ending before the deadline) or
	// "Y" (the year of the deadline).
	Period string `json:"period"`
}

// Reports are the report deadlines the profile's regulation names: every
// 6 months in Long An (LA 16.1, at the end of each half, no day being
// stated), yearly before 15 November in Hà Nam (HN 11.8); none elsewhere.
func (p Profile) Reports() Sourced[[]ReportDue] {
	switch p.ID {
	case "longan":
		return Sourced[[]ReportDue]{Value: []ReportDue{{time.June, 30, "H1"}, {time.December, 31, "H2"}}, Source: "LA 16.1"}
	case "hanam":
		return Sourced[[]ReportDue]{Value: []ReportDue{{time.November, 15, "Y"}}, Source: "HN 11.8"}
	}
	return Sourced[[]ReportDue]{Source: "R10"}
}
