package register

import (
	"context"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/compose"
	"thucongvu/internal/failure"
	"thucongvu/internal/i18n"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// ProcessRequest forwards a received document for processing (R8).
type ProcessRequest struct {
	Account   string
	MessageID string
	To        []model.Address
	Note      string // the leader's instruction (bút phê)
	Deadline  string // YYYY-MM-DD, or ""
	Lang      string
}

// ProcessResult is the `process --json` contract.
type ProcessResult struct {
	Entry     Entry          `json:"entry"`
	OutboxID  int64          `json:"outbox_id"`
	ForwardID string         `json:"forward_message_id"`
	Preflight compose.Report `json:"preflight"`
}

// Process forwards a received document to the people who will process it:
// the note on top, then the account's signature, then the original whole
// as message/rfc822, byte for byte with its attachments (LA 15.2–15.3,
// ST 12.4). The mail goes through the engine's send path (preflight, R7;
// signature, R3; the outbox, exactly once), and the document's register
// entry gets the assignees, the note and the deadline.
func (r *Register) Process(ctx context.Context, req ProcessRequest) (ProcessResult, error) {
	var res ProcessResult
	if len(req.To) == 0 {
		return res, fmt.Errorf("%w: no assignee", failure.ErrUsage)
	}
	if strings.TrimSpace(req.Note) == "" {
		return res, fmt.Errorf("%w: no instruction note", failure.ErrUsage)
	}
	if req.Deadline != "" && !ValidDate(req.Deadline) {
		return res, fmt.Errorf("%w: deadline %q is not a date YYYY-MM-DD", failure.ErrUsage, req.Deadline)
	}
	accounts, err := r.E.Accounts(req.Account)
	if err != nil {
		return res, err
	}
	a := accounts[0]
	msgID := strings.Trim(strings.TrimSpace(req.MessageID), "<>")
	id, err := r.E.Store.MessageByHeaderID(ctx, a.Name, msgID)
	if err != nil {
		return res, err
	}
	raw, err := r.E.Body(ctx, id) // the original as the server holds it
	if err != nil {
		return res, err
	}
	orig, err := r.E.Store.Message(ctx, id)
	if err != nil {
		return res, err
	}
	entry, err := r.entryFor(ctx, a, orig, raw)
	if err != nil {
		return res, err
	}
	msg, err := i18n.Load(req.Lang)
	if err != nil {
		return res, err
	}
	body := strings.TrimSpace(req.Note) + "\n\n"
	if req.Deadline != "" {
		d, _ := time.Parse(time.DateOnly, req.Deadline)
		body += msg.T("process.mail_deadline", d.Format("02/01/2006")) + "\n"
	}
	body += msg.T("process.mail_entry", entry.Number, entry.Year, orDash(entry.DocNumber)) + "\n"
	// The original travels base64-encoded: no relay on the way can rewrap,
	// re-encode or convert its bytes, so it arrives exactly as received.
	d := compose.Draft{
		To:          req.To,
		Subject:     msg.T("process.mail_subject", orig.Subject),
		Body:        body,
		Attachments: []compose.Attachment{{Name: forwardName(orig.Subject), ContentType: "message/rfc822", Data: raw}},
		Headers:     map[string]string{"X-TCV-Register": fmt.Sprintf("%s %d/%d", entry.Direction, entry.Number, entry.Year)},
	}
	outboxID, report, err := r.E.Queue(ctx, a, d, req.Lang)
	res.Preflight = report
	if err != nil {
		return res, err
	}
	ob, err := r.E.Outbox()
	if err != nil {
		return res, err
	}
	item, err := ob.Item(ctx, outboxID)
	if err != nil {
		return res, err
	}
	var assignees []string
	for _, t := range req.To {
		assignees = append(assignees, strings.ToLower(t.Address))
	}
	set := map[string]any{"assigned_to": assignees, "note": strings.TrimSpace(req.Note), "deadline": req.Deadline,
		"forward_id": item.MessageID, "assigned_at": r.Now().Unix(), "progress_at": 0, "done_at": 0}
	if err := r.E.Store.UpdateRegister(ctx, entry.id, set); err != nil {
		return res, err
	}
	for _, f := range []struct{ field, value string }{{"assigned_to", strings.Join(assignees, ",")}, {"note", strings.TrimSpace(req.Note)}, {"deadline", req.Deadline}} {
		if err := r.E.Store.SetRegisterFix(ctx, entry.Account, entry.Direction, entry.key, f.field, f.value, r.Now()); err != nil {
			return res, err
		}
	}
	rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{ID: entry.id})
	if err != nil || len(rows) == 0 {
		return res, err
	}
	res.Entry = entryOf(rows[0], r.Now().Format(time.DateOnly))
	res.OutboxID, res.ForwardID = outboxID, item.MessageID
	return res, nil
}

// entryFor returns the register entry of a message, registering it (as a
// received document) when the refresh did not.
func (r *Register) entryFor(ctx context.Context, a model.Account, orig model.MessageSummary, raw []byte) (Entry, error) {
	if err := r.Refresh(ctx, []model.Account{a}); err != nil {
		return Entry{}, err
	}
	key := orig.MessageID
	for _, dir := range []string{store.DirectionIn, store.DirectionOut} {
		rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{Account: a.Name, Direction: dir, Key: key})
		if err != nil {
			return Entry{}, err
		}
		if len(rows) > 0 {
			return entryOf(rows[0], r.Now().Format(time.DateOnly)), nil
		}
	}
	row := store.RegisterRow{Account: a.Name, Direction: store.DirectionIn, MessageKey: key, MessageID: orig.MessageID,
		ReceivedAt: orig.Date, From: orig.From}
	r.read(&row, orig.Subject, raw, true)
	if err := r.E.Store.AddRegisterEntry(ctx, &row); err != nil {
		return Entry{}, err
	}
	rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{ID: row.ID})
	if err != nil || len(rows) == 0 {
		return Entry{}, fmt.Errorf("register entry of %s: %v", key, err)
	}
	return entryOf(rows[0], r.Now().Format(time.DateOnly)), nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// forwardName is the file name of a forwarded original.
func forwardName(subject string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '-'
		}
		return r
	}, strings.TrimSpace(subject))
	if len([]rune(name)) > 80 {
		name = string([]rune(name)[:80])
	}
	if name == "" {
		name = "van-ban"
	}
	return name + ".eml"
}

// Overview is the leader's start page: today's new documents, those not
// yet acknowledged, processing past its deadline.
type Overview struct {
	Today   []Entry `json:"today"`
	Unacked []Entry `json:"unacknowledged"`
	Overdue []Entry `json:"overdue"`
}

// Overview collects the overview of the accounts' received documents.
func (r *Register) Overview(ctx context.Context, accounts []model.Account) (Overview, error) {
	var o Overview
	now := r.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	for _, a := range accounts {
		list, err := r.List(ctx, Filter{Account: a.Name, Direction: store.DirectionIn, From: today.AddDate(-1, 0, 0)})
		if err != nil {
			return o, err
		}
		for _, e := range list {
			if !e.ReceivedAt.Before(today) {
				o.Today = append(o.Today, e)
			}
			if e.AcknowledgedAt == nil && e.State != StateDone {
				o.Unacked = append(o.Unacked, e)
			}
			if e.State == StateOverdue {
				o.Overdue = append(o.Overdue, e)
			}
		}
	}
	return o, nil
}
