// Package register keeps the agency's document register (sổ đăng ký văn
// bản đến / đi, HN 9.2, R8, R10) from the mail in the store, forwards
// documents for processing with the leader's note (LA 15.2–15.3, ST 12.4)
// and follows that processing to its deadline.
package register

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"thucongvu/internal/compose"
	"thucongvu/internal/docsign"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// Entry states.
const (
	StateNew          = "new"          // received, not acknowledged
	StateAcknowledged = "acknowledged" // acknowledged to its sender (R2)
	StateAssigned     = "assigned"     // forwarded for processing
	StateInProgress   = "in_progress"  // an assignee acknowledged or answered
	StateDone         = "done"         // processing finished
	StateOverdue      = "overdue"      // past its deadline, not done
	StateSent         = "sent"         // outgoing, not acknowledged by all
)

// Entry is one register entry: the `register --json` contract.
type Entry struct {
	Number         int             `json:"number"`
	Year           int             `json:"year"`
	Account        string          `json:"account"`
	Direction      string          `json:"direction"`
	ReceivedAt     time.Time       `json:"received_at"`
	From           model.Address   `json:"from"`
	To             []model.Address `json:"to,omitempty"`
	Agency         string          `json:"agency"`
	DocNumber      string          `json:"doc_number"`
	DocDate        string          `json:"doc_date"`
	DocType        string          `json:"doc_type"`
	Summary        string          `json:"summary"`
	Attachments    []string        `json:"attachments"`
	MessageID      string          `json:"message_id"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at"`
	AssignedTo     []string        `json:"assigned_to"`
	Note           string          `json:"note"`
	Deadline       string          `json:"deadline"`
	ProgressAt     *time.Time      `json:"progress_at"`
	DoneAt         *time.Time      `json:"done_at"`
	State          string          `json:"state"`
	Signatures     []DocSignature  `json:"signatures"`

	id  int64
	key string
}

// DocSignature is one digital signature of an attached PDF (R4, LA 8.3):
// signer, organization, email, signed_at, time_source, issuer and state as
// `verify --json` gives them.
type DocSignature struct {
	File string `json:"file"`
	docsign.Signature
}

// signatures verifies the digital signatures of a document's attached PDFs
// against the roots of machine policy and of the user's folder, never one a
// PDF carries. A file that is not a PDF lists none; an unsigned PDF neither.
func (r *Register) signatures(files []File) []DocSignature {
	out := []DocSignature{}
	for _, f := range files {
		if !strings.EqualFold(filepath.Ext(f.Name), ".pdf") {
			continue
		}
		trust, opts := r.trust()
		rep := r.verified.Verify(f.Data, trust, opts)
		for _, sig := range rep.Signatures {
			out = append(out, DocSignature{File: f.Name, Signature: sig})
		}
	}
	return out
}

// trust loads the signature roots once per register.
func (r *Register) trust() (*docsign.TrustStore, docsign.Options) {
	r.trustOnce.Do(func() {
		policyDir, online := "", false
		if p := r.E.Policy; p != nil {
			policyDir, online = p.SignatureRootsDir, p.SignatureOnlineRevocation
		}
		r.roots, _ = docsign.LocalTrust(r.E.Config.Dir, policyDir)
		r.verifyOpts = docsign.Options{Online: online}
	})
	return r.roots, r.verifyOpts
}

// File is an attached file of a document.
type File struct {
	Name string
	Data []byte
}

// Register is the document register over an engine's store.
type Register struct {
	E   *engine.Engine
	Now func() time.Time
	// Fetch downloads a document's body when the store has only its
	// envelope; off, such a document is read from its subject and file
	// names, and read again at a later refresh.
	Fetch bool

	trustOnce  sync.Once
	roots      *docsign.TrustStore
	verifyOpts docsign.Options
	verified   *docsign.Cache
}

// New returns the register of e.
func New(e *engine.Engine) *Register {
	r := &Register{E: e, Now: time.Now, Fetch: true, verified: docsign.NewCache(256)}
	if e != nil && e.Store != nil {
		// The reports the list's badge pass keeps: a PDF is verified once.
		r.verified = docsign.NewShelvedCache(256, e.Store)
	}
	return r
}

// Refresh registers the accounts' new documents, reads again those whose
// mail was not downloaded yet, and follows acknowledgements and the
// processing of forwarded documents.
func (r *Register) Refresh(ctx context.Context, accounts []model.Account) error {
	if _, err := r.E.Ledger(); err != nil {
		return err
	}
	fetch := r.Fetch
	for _, a := range accounts {
		for _, dir := range []string{store.DirectionIn, store.DirectionOut} {
			cands, err := r.E.Store.RegisterCandidates(ctx, a.Name, dir)
			if err != nil {
				return err
			}
			for _, c := range cands {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if mail.IsAcknowledgementSubject(c.Subject) {
					continue // an acknowledgement is no document (R2)
				}
				row := store.RegisterRow{Account: a.Name, Direction: dir, MessageKey: c.Key, MessageID: c.HeaderID,
					ReceivedAt: c.Date, From: c.From, Recipients: c.Recipients, Attachments: c.Attachments}
				raw, ok := r.body(ctx, c.MessageID, &fetch)
				r.read(&row, c.Subject, raw, ok)
				if err := r.E.Store.AddRegisterEntry(ctx, &row); err != nil {
					return err
				}
				if err := r.applyFixes(ctx, row); err != nil {
					return err
				}
			}
		}
		if err := r.reread(ctx, a.Name, &fetch); err != nil {
			return err
		}
		if err := r.E.Store.UpdateRegisterAcks(ctx, a.Name); err != nil {
			return err
		}
		if err := r.follow(ctx, a.Name, &fetch); err != nil {
			return err
		}
	}
	return nil
}

// body returns a document's raw mail from the store, downloading it when
// allowed; after one failed download no other is tried in this pass.
func (r *Register) body(ctx context.Context, id int64, fetch *bool) ([]byte, bool) {
	raw, err := r.E.Store.Body(ctx, id)
	if err == nil {
		return raw, true
	}
	if !errors.Is(err, failure.ErrNotFound) || !*fetch {
		return nil, false
	}
	raw, err = r.E.Body(ctx, id)
	if err != nil {
		*fetch = false
		return nil, false
	}
	return raw, true
}

// read fills a row's document fields from its subject and, when whole is
// true, its raw mail.
func (r *Register) read(row *store.RegisterRow, subject string, raw []byte, whole bool) {
	src := Source{Subject: subject}
	var files []File
	if whole {
		if m, err := mail.Parse(raw); err == nil {
			src.Body = m.Text
			for i, att := range m.Attachments {
				if i == maxSources {
					break
				}
				at := AttachmentText{Name: att.Filename}
				if mail.IsDocumentFile(att.Filename, att.ContentType) {
					if data, err := mail.AttachmentData(raw, i); err == nil {
						at.Text = compose.DocumentText(att.Filename, data, maxScanBytes)
						files = append(files, File{Name: att.Filename, Data: data})
					}
				}
				src.Attachments = append(src.Attachments, at)
			}
		}
	} else {
		for _, name := range row.Attachments {
			src.Attachments = append(src.Attachments, AttachmentText{Name: name})
		}
	}
	f := Extract(src)
	if f.DocDate > row.ReceivedAt.Format(time.DateOnly) {
		f.DocDate = "" // a document is not dated after it arrived: a deadline or a meeting's day was read
	}
	row.DocNumber, row.DocDate, row.DocType = f.DocNumber, f.DocDate, f.DocType
	row.Summary = Summary(subject)
	row.Agency = agencyOf(row.Direction, row.From, row.Recipients)
	row.Extracted = whole
	sigs, _ := json.Marshal(r.signatures(files))
	row.Signatures = string(sigs)
}

// agencyOf is the author (nơi gửi) of a received document, or where a sent
// one went (nơi nhận).
func agencyOf(direction string, from model.Address, to []model.Address) string {
	if direction == store.DirectionOut {
		var names []string
		for _, a := range to {
			names = append(names, displayName(a))
		}
		return strings.Join(names, "; ")
	}
	return displayName(from)
}

func displayName(a model.Address) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Address
}

// reread reads again the entries registered before their mail was downloaded.
func (r *Register) reread(ctx context.Context, account string, fetch *bool) error {
	rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{Account: account, Unread: true})
	if err != nil {
		return err
	}
	for _, row := range rows {
		id, err := r.E.Store.MessageByHeaderID(ctx, account, row.MessageID)
		if err != nil || row.MessageID == "" {
			continue
		}
		raw, ok := r.body(ctx, id, fetch)
		if !ok {
			continue
		}
		subject := row.Summary
		if m, err := r.E.Store.Message(ctx, id); err == nil {
			subject = m.Subject
		}
		r.read(&row, subject, raw, true)
		if err := r.E.Store.UpdateRegister(ctx, row.ID, map[string]any{"doc_number": row.DocNumber, "doc_date": row.DocDate,
			"doc_type": row.DocType, "summary": row.Summary, "agency": row.Agency, "extracted": 1, "signatures": row.Signatures}); err != nil {
			return err
		}
		if err := r.applyFixes(ctx, row); err != nil {
			return err
		}
	}
	return nil
}

// follow notes acknowledgements of sent documents (R2) and the progress of
// documents forwarded for processing (R8): an assignee's acknowledgement
// or reply to the forward, named by In-Reply-To or by References.
func (r *Register) follow(ctx context.Context, account string, fetch *bool) error {
	since := r.Now().AddDate(-1, 0, 0)
	rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{Account: account, From: since, Following: true})
	if err != nil {
		return err
	}
	for _, row := range rows {
		set := map[string]any{}
		if row.Direction == store.DirectionOut && row.AcknowledgedAt.IsZero() && row.MessageID != "" && len(row.Recipients) > 0 {
			replies, err := r.E.Store.RepliesTo(ctx, account, row.MessageID)
			if err != nil {
				return err
			}
			acked := map[string]time.Time{}
			for _, rep := range replies {
				if mail.IsAcknowledgementSubject(rep.Subject) {
					if _, ok := acked[rep.From]; !ok {
						acked[rep.From] = rep.Date
					}
				}
			}
			var last time.Time
			all := true
			for _, to := range row.Recipients {
				at, ok := acked[strings.ToLower(to.Address)]
				if !ok {
					all = false
					break
				}
				if at.After(last) {
					last = at
				}
			}
			if all {
				set["acknowledged_at"] = last.Unix()
			}
		}
		if row.ForwardID != "" && row.ProgressAt.IsZero() {
			replies, err := r.E.Store.RepliesTo(ctx, account, row.ForwardID)
			if err != nil {
				return err
			}
			for _, rep := range replies {
				if containsFold(row.AssignedTo, rep.From) {
					set["progress_at"] = rep.Date.Unix()
					break
				}
			}
			if _, ok := set["progress_at"]; !ok {
				at, err := r.referencing(ctx, account, row, fetch)
				if err != nil {
					return err
				}
				if !at.IsZero() {
					set["progress_at"] = at.Unix()
				}
			}
		}
		if err := r.E.Store.UpdateRegister(ctx, row.ID, set); err != nil {
			return err
		}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// Filter selects entries of List.
type Filter struct {
	Account   string
	Direction string
	From, To  time.Time // received in [From, To)
	Limit     int       // at most this many entries, the first in register order; 0: all
}

// List returns the entries in register order.
func (r *Register) List(ctx context.Context, f Filter) ([]Entry, error) {
	today := r.Now().Format(time.DateOnly)
	var out []Entry
	var times []time.Time // the entries' times, in one allocation
	err := r.E.Store.EachRegisterRow(ctx, store.RegisterFilter{Account: f.Account, Direction: f.Direction, From: f.From, To: f.To, Limit: f.Limit},
		func(n int) { out, times = make([]Entry, 0, n), make([]time.Time, 0, 3*n) },
		func(row *store.RegisterRow) { out = append(out, entryWith(row, today, &times)) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func entryOf(row store.RegisterRow, today string) Entry {
	var times []time.Time
	return entryWith(&row, today, &times)
}

// entryWith makes the entry of row; its times are appended to *times,
// which has room for them when its capacity allows.
func entryWith(row *store.RegisterRow, today string, times *[]time.Time) Entry {
	stamp := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		if len(*times) == cap(*times) {
			return &t
		}
		*times = append(*times, t)
		return &(*times)[len(*times)-1]
	}
	e := Entry{Number: row.Number, Year: row.Year, Account: row.Account, Direction: row.Direction, ReceivedAt: row.ReceivedAt,
		From: row.From, Agency: row.Agency, DocNumber: row.DocNumber, DocDate: row.DocDate, DocType: row.DocType,
		Summary: row.Summary, Attachments: row.Attachments, MessageID: row.MessageID, AcknowledgedAt: stamp(row.AcknowledgedAt),
		AssignedTo: row.AssignedTo, Note: row.Note, Deadline: row.Deadline, ProgressAt: stamp(row.ProgressAt),
		DoneAt: stamp(row.DoneAt), id: row.ID, key: row.MessageKey}
	if row.Direction == store.DirectionOut {
		e.To = row.Recipients
	}
	if e.Attachments == nil {
		e.Attachments = []string{}
	}
	if e.AssignedTo == nil {
		e.AssignedTo = []string{}
	}
	e.Signatures = []DocSignature{}
	if row.Signatures != "[]" && row.Signatures != "" {
		json.Unmarshal([]byte(row.Signatures), &e.Signatures)
	}
	e.State = state(*row, today)
	return e
}

// state derives an entry's state; today is YYYY-MM-DD.
func state(row store.RegisterRow, today string) string {
	switch {
	case !row.DoneAt.IsZero():
		return StateDone
	case row.Deadline != "" && row.Deadline < today:
		return StateOverdue
	case !row.ProgressAt.IsZero():
		return StateInProgress
	case row.ForwardID != "" || len(row.AssignedTo) > 0:
		return StateAssigned
	case !row.AcknowledgedAt.IsZero():
		return StateAcknowledged
	case row.Direction == store.DirectionOut:
		return StateSent
	}
	return StateNew
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// maxReferencing bounds the assignees' messages read for References in one
// pass over one forward.
const maxReferencing = 50

// referencing is when an assignee first answered row's forward in a message
// whose References names it (a reply to a later message of the thread, or
// one whose In-Reply-To names the original); zero when none did. Messages
// are read from the store, or downloaded when fetch allows.
func (r *Register) referencing(ctx context.Context, account string, row store.RegisterRow, fetch *bool) (time.Time, error) {
	since := row.AssignedAt
	if since.IsZero() {
		since = row.ReceivedAt
	}
	msgs, err := r.E.Store.MessagesFromSince(ctx, account, row.AssignedTo, since.Add(-time.Hour), maxReferencing)
	if err != nil {
		return time.Time{}, err
	}
	fwd := strings.Trim(row.ForwardID, "<>")
	for _, m := range msgs {
		raw, ok := r.body(ctx, m.ID, fetch)
		if !ok {
			continue
		}
		if slices.Contains(references(raw), fwd) {
			return m.Date, nil
		}
	}
	return time.Time{}, nil
}

// maxHeaderBytes bounds the header read for References.
const maxHeaderBytes = 64 << 10

// references lists the message IDs of a mail's References header.
func references(raw []byte) []string {
	if len(raw) > maxHeaderBytes {
		raw = raw[:maxHeaderBytes]
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil
	}
	mh := gomail.Header{Header: message.Header{Header: h}}
	ids, err := mh.MsgIDList("References")
	if err != nil {
		return nil
	}
	return ids
}
