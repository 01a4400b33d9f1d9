package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
	"thucongvu/internal/send"
)

// Receipt is one recipient of a sent document and its acknowledgement.
type Receipt struct {
	Address string     `json:"address"`
	Name    string     `json:"name,omitempty"`
	Acked   bool       `json:"acked"`
	At      *time.Time `json:"at,omitempty"`
}

// SentDocument is a document the user sent and who acknowledged it: the
// sender's side of R2 (LA 6.2) — "3/5 đã nhận".
type SentDocument struct {
	Account    string    `json:"account"`
	MessageID  string    `json:"message_id"`
	Subject    string    `json:"subject"`
	Date       time.Time `json:"date"`
	Recipients []Receipt `json:"recipients"`
	Acked      int       `json:"acked"`
	Total      int       `json:"total"`
	// Deadline is when an acknowledgement is due: the profile's next check
	// time after sending, on the working calendar.
	Deadline time.Time `json:"deadline"`
	Overdue  bool      `json:"overdue"`
	Missing  []string  `json:"missing"`
}

// Receipts lists the account's sent documents with their acknowledgements.
func (e *Engine) Receipts(ctx context.Context, a model.Account, now time.Time) ([]SentDocument, error) {
	docs, err := e.Store.SentDocuments(ctx, a.Name, 500)
	if err != nil {
		return nil, err
	}
	cal, err := e.Calendar()
	if err != nil {
		return nil, err
	}
	p := Profile(a)
	out := make([]SentDocument, 0, len(docs))
	for _, d := range docs {
		sd := SentDocument{Account: d.Account, MessageID: d.MessageID, Subject: d.Subject, Date: d.Date,
			Deadline: ackDeadline(cal, p, d.Date), Missing: []string{}}
		seen := map[string]bool{}
		for _, r := range d.To {
			addr := strings.ToLower(r.Address)
			if seen[addr] || strings.EqualFold(addr, a.Email) {
				continue
			}
			seen[addr] = true
			rc := Receipt{Address: addr, Name: r.Name}
			if at, ok := d.Acks[addr]; ok {
				rc.Acked, rc.At = true, &at
				sd.Acked++
			} else {
				sd.Missing = append(sd.Missing, addr)
			}
			sd.Recipients = append(sd.Recipients, rc)
		}
		sd.Total = len(sd.Recipients)
		sd.Overdue = len(sd.Missing) > 0 && now.After(sd.Deadline)
		out = append(out, sd)
	}
	return out, nil
}

// ackDeadline is the first check time of the profile after sent, on a
// working day (R1 check times bound when a recipient sees the document).
func ackDeadline(cal *remind.Calendar, p profile.Profile, sent time.Time) time.Time {
	d := remind.DateOf(sent)
	for i := 0; i < 60; i++ {
		day := d.AddDays(i)
		if !cal.IsWorkingDay(day) {
			continue
		}
		times := cal.CheckTimes(p, day)
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		for _, t := range times {
			if at := day.At(int(t)); at.After(sent) {
				return at
			}
		}
	}
	return sent.Add(24 * time.Hour)
}

// Resend sends a sent document again to the recipients who have not
// acknowledged it, alone: the same message, with only them as envelope
// recipients. It returns how many it went to.
func (e *Engine) Resend(ctx context.Context, a model.Account, messageID string) (int, error) {
	docs, err := e.Receipts(ctx, a, time.Now())
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		if d.MessageID != messageID {
			continue
		}
		if len(d.Missing) == 0 {
			return 0, nil
		}
		id, err := e.sentMessageID(ctx, a, messageID)
		if err != nil {
			return 0, err
		}
		raw, err := e.Body(ctx, id)
		if err != nil {
			return 0, err
		}
		ob, err := e.Outbox()
		if err != nil {
			return 0, err
		}
		if _, err := ob.Queue(ctx, send.Envelope{Account: a.Name, From: a.Email, To: d.Missing, MessageID: messageID,
			Subject: d.Subject, NoSentCopy: true}, raw); err != nil {
			return 0, err
		}
		if _, err := e.Flush(ctx, a); err != nil {
			return len(d.Missing), fmt.Errorf("queued, delivery will be retried: %w", err)
		}
		return len(d.Missing), nil
	}
	return 0, fmt.Errorf("%w: no sent document %s", failure.ErrNotFound, messageID)
}

func (e *Engine) sentMessageID(ctx context.Context, a model.Account, messageID string) (int64, error) {
	docs, err := e.Store.SentDocuments(ctx, a.Name, 500)
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		if d.MessageID == messageID {
			return d.ID, nil
		}
	}
	return 0, fmt.Errorf("%w: no sent document %s", failure.ErrNotFound, messageID)
}

// Calendar is the working calendar with the arrangements agency IT put in
// remind.DefaultArrangementDirs (R1).
func (e *Engine) Calendar() (*remind.Calendar, error) {
	e.calendarOnce.Do(func() {
		e.calendar, e.calendarErr = remind.NewCalendar(&remind.Options{ArrangementDirs: remind.DefaultArrangementDirs()})
	})
	return e.calendar, e.calendarErr
}
