// Package report computes an agency's report on its use of e-mail (R10:
// LA 16.1 every 6 months, HN 11.8 yearly) from the document register and
// the check log, and writes it as JSON, XLSX or a PDF with charts.
package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/register"
	"thucongvu/internal/remind"
	"thucongvu/internal/store"
)

// IssuedTarget is the least share of an agency's issued documents sent by
// e-mail (LA 7.3).
const IssuedTarget = 0.20

// Period is a report's span: a year or a half-year, in Vietnam time.
type Period struct {
	Label    string
	From, To time.Time // [From, To)
}

// ParsePeriod reads YYYY, YYYY-H1 or YYYY-H2.
func ParsePeriod(s string) (Period, error) {
	y, half, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-")
	year, err := strconv.Atoi(y)
	if err != nil || year < 2000 || year > 2100 || (half != "" && half != "H1" && half != "H2") {
		return Period{}, fmt.Errorf("%w: period %q: want YYYY, YYYY-H1 or YYYY-H2", failure.ErrUsage, s)
	}
	p := Period{Label: strings.ToUpper(strings.TrimSpace(s)), From: time.Date(year, 1, 1, 0, 0, 0, 0, remind.Vietnam),
		To: time.Date(year+1, 1, 1, 0, 0, 0, 0, remind.Vietnam)}
	switch half {
	case "H1":
		p.To = time.Date(year, 7, 1, 0, 0, 0, 0, remind.Vietnam)
	case "H2":
		p.From = time.Date(year, 7, 1, 0, 0, 0, 0, remind.Vietnam)
	}
	return p, nil
}

// Report is the `report --json` contract.
type Report struct {
	Period    string    `json:"period"`
	From      string    `json:"from"` // first day, YYYY-MM-DD
	To        string    `json:"to"`   // last day
	Mailboxes []Mailbox `json:"mailboxes"`
	Received  int       `json:"received"`
	Sent      int       `json:"sent"`
	ByType    []Count   `json:"by_type"`
	PerMonth  []Month   `json:"per_month"`
	// Acknowledged received documents, and those acknowledged by the
	// first check time after their arrival (R1, R2: LA 6.2 "at once").
	Acknowledged       int     `json:"acknowledged"`
	AcknowledgedInTime int     `json:"acknowledged_within_deadline"`
	MedianAckMinutes   float64 `json:"median_ack_minutes"`
	AckTimes           []Count `json:"ack_times"`
	// Processing forwards (R8): assigned, done, past their deadline.
	Assigned int `json:"processing_assigned"`
	Done     int `json:"processing_done"`
	Overdue  int `json:"processing_overdue"`
	// Check times due by the profiles (R1) and those kept, from the check log.
	ChecksDue  int `json:"checks_due"`
	ChecksKept int `json:"checks_kept"`
	// Issued is the agency's count of issued documents (--issued), and
	// IssuedShare the share of them sent by e-mail (LA 7.3: at least 20 %).
	Issued      *int     `json:"issued,omitempty"`
	IssuedShare *float64 `json:"issued_share,omitempty"`
	IssuedMet   *bool    `json:"issued_target_met,omitempty"`
	// Agency is the reporting agency, from the first mailbox's signature.
	Agency string `json:"agency"`
}

// Mailbox is one mailbox of the report.
type Mailbox struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Shared   bool   `json:"shared"`
	Received int    `json:"received"`
	Sent     int    `json:"sent"`
}

// Count is a labelled count.
type Count struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Month counts one month's documents.
type Month struct {
	Month    string `json:"month"` // YYYY-MM
	Received int    `json:"received"`
	Sent     int    `json:"sent"`
}

// Ack-time buckets, in order.
var ackBuckets = []struct {
	label string
	upTo  time.Duration
}{{"0-15m", 15 * time.Minute}, {"15m-1h", time.Hour}, {"1h-4h", 4 * time.Hour},
	{"4h-24h", 24 * time.Hour}, {"24h+", 1 << 62}}

// Build computes the report of the accounts over a period; now bounds the
// check times due (none are due in the future).
func Build(ctx context.Context, e *engine.Engine, reg *register.Register, accounts []model.Account, p Period, now time.Time) (*Report, error) {
	if err := reg.Refresh(ctx, accounts); err != nil {
		return nil, err
	}
	r := &Report{Period: p.Label, From: p.From.Format(time.DateOnly), To: p.To.AddDate(0, 0, -1).Format(time.DateOnly),
		ByType: []Count{}, AckTimes: []Count{}, Mailboxes: []Mailbox{}}
	if len(accounts) > 0 {
		r.Agency = accounts[0].Signature.Agency
	}
	cal, err := e.Calendar()
	if err != nil {
		return nil, err
	}
	months := map[string]*Month{}
	for m := p.From; m.Before(p.To); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		months[key] = &Month{Month: key}
		r.PerMonth = append(r.PerMonth, Month{Month: key})
	}
	types := map[string]int{}
	buckets := make([]int, len(ackBuckets))
	var ackMinutes []float64
	today := now.In(remind.Vietnam).Format(time.DateOnly)
	for _, a := range accounts {
		prof := engine.Profile(a)
		checkTimes := slices.Sorted(slices.Values(prof.Checks.Times.Value))
		mb := Mailbox{Name: a.Name, Address: a.Email, Shared: a.Shared}
		entries, err := reg.List(ctx, register.Filter{Account: a.Name, From: p.From, To: p.To})
		if err != nil {
			return nil, err
		}
		for _, en := range entries {
			month := months[en.ReceivedAt.In(remind.Vietnam).Format("2006-01")]
			typ := en.DocType
			if typ == "" {
				typ = "Khác"
			}
			types[typ]++
			if en.Direction == store.DirectionOut {
				mb.Sent++
				if month != nil {
					month.Sent++
				}
				continue
			}
			mb.Received++
			if month != nil {
				month.Received++
			}
			if en.AcknowledgedAt != nil {
				r.Acknowledged++
				took := en.AcknowledgedAt.Sub(en.ReceivedAt)
				if took < 0 {
					took = 0
				}
				ackMinutes = append(ackMinutes, took.Minutes())
				for i, b := range ackBuckets {
					if took <= b.upTo {
						buckets[i]++
						break
					}
				}
				if !en.AcknowledgedAt.After(nextCheck(cal, checkTimes, en.ReceivedAt)) {
					r.AcknowledgedInTime++
				}
			}
			if len(en.AssignedTo) > 0 {
				r.Assigned++
				switch {
				case en.State == register.StateDone:
					r.Done++
				case en.Deadline != "" && en.Deadline < today:
					r.Overdue++
				}
			}
		}
		due, kept, err := checks(ctx, e, cal, a, p, now)
		if err != nil {
			return nil, err
		}
		r.ChecksDue += due
		r.ChecksKept += kept
		r.Received += mb.Received
		r.Sent += mb.Sent
		r.Mailboxes = append(r.Mailboxes, mb)
	}
	for i := range r.PerMonth {
		r.PerMonth[i] = *months[r.PerMonth[i].Month]
	}
	for t, n := range types {
		r.ByType = append(r.ByType, Count{t, n})
	}
	sort.Slice(r.ByType, func(i, j int) bool {
		if r.ByType[i].Count != r.ByType[j].Count {
			return r.ByType[i].Count > r.ByType[j].Count
		}
		return r.ByType[i].Label < r.ByType[j].Label
	})
	for i, b := range ackBuckets {
		r.AckTimes = append(r.AckTimes, Count{b.label, buckets[i]})
	}
	r.MedianAckMinutes = median(ackMinutes)
	return r, nil
}

// SetIssued records the agency's count of issued documents and the share
// of them sent by e-mail (LA 7.3).
func (r *Report) SetIssued(n int) {
	r.Issued = &n
	share := 0.0
	if n > 0 {
		share = float64(r.Sent) / float64(n)
	}
	met := share >= IssuedTarget
	r.IssuedShare, r.IssuedMet = &share, &met
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + m) / 2
	}
	return float64(int(m*10+0.5)) / 10
}

// nextCheck is the first check time (R1, times sorted) at or after t on
// a working day; without check times, the end of t's next day.
func nextCheck(cal *remind.Calendar, times []profile.TimeOfDay, t time.Time) time.Time {
	t = t.In(remind.Vietnam)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, remind.Vietnam)
	for i := 0; i < 30 && len(times) > 0; i++ {
		d := day.AddDate(0, 0, i)
		if !cal.IsWorkingDay(remind.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()}) {
			continue
		}
		for _, ct := range times {
			at := d.Add(time.Duration(ct) * time.Minute)
			if !at.Before(t) {
				return at
			}
		}
	}
	return day.AddDate(0, 0, 2)
}

// checks counts the account's check times due in the period up to now
// and those kept: a check logged from that time until the next one that
// day (or the day's end).
func checks(ctx context.Context, e *engine.Engine, cal *remind.Calendar, a model.Account, p Period, now time.Time) (due, kept int, err error) {
	end := p.To
	if now.Before(end) {
		end = now
	}
	log, err := e.Store.Checks().Between(ctx, p.From, end)
	if err != nil {
		return 0, 0, err
	}
	var at []time.Time
	for _, c := range log {
		if c.Account == a.Name {
			at = append(at, c.At)
		}
	}
	prof := engine.Profile(a)
	for d := p.From; d.Before(end); d = d.AddDate(0, 0, 1) {
		times := cal.CheckTimes(prof, remind.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()})
		for i, ct := range times {
			from := d.Add(time.Duration(ct) * time.Minute)
			if from.After(end) {
				break
			}
			until := d.AddDate(0, 0, 1)
			if i+1 < len(times) {
				until = d.Add(time.Duration(times[i+1]) * time.Minute)
			}
			due++
			j := sort.Search(len(at), func(k int) bool { return !at[k].Before(from) })
			if j < len(at) && at[j].Before(until) {
				kept++
			}
		}
	}
	return due, kept, nil
}
