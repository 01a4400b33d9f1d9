package engine

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/ack"
	"thucongvu/internal/compose"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/send"
)

// AckResult is one candidate of an acknowledgement pass (the contract's
// `ack --dry-run --json` fields).
type AckResult struct {
	MessageID string `json:"message_id"`
	From      string `json:"from"`
	Subject   string `json:"subject"`
	Action    string `json:"action"`
	Reason    string `json:"reason"`
	// State after a real pass: "queued", "sent", "other" (another client did it).
	State string `json:"state,omitempty"`
}

// AckOptions tune a pass.
type AckOptions struct {
	DryRun bool
	// Disabled: the user or policy turned automatic acknowledgements off.
	Disabled bool
	Lang     string
	// Step, if set, hears each step of an acknowledgement as it is done:
	// "recorded" (in the ledger), "marked" (claimed on the server),
	// "queued" (in the outbox). Crash tests stop the process there.
	Step func(step string)
}

// ackTemplate is the acknowledgement text for the pass (AckTemplate).
func (e *Engine) ackTemplate(a model.Account, o AckOptions) string {
	return e.AckTemplate(a, o.Lang).Text
}

func (o AckOptions) step(name string) {
	if o.Step != nil {
		o.Step(name)
	}
}

// Ledger returns the acknowledgement ledger.
func (e *Engine) Ledger() (*ack.Ledger, error) {
	e.ledgerOnce.Do(func() { e.ledger, e.ledgerErr = ack.OpenLedger(e.Store.DB()) })
	return e.ledger, e.ledgerErr
}

// AckedAt says when this client queued the acknowledgement of a message.
func (e *Engine) AckedAt(ctx context.Context, account, messageID string) (time.Time, bool) {
	l, err := e.Ledger()
	if err != nil {
		return time.Time{}, false
	}
	return l.QueuedAt(ctx, account, messageID)
}

// ClientID names this installation in the per-client claim keyword, so a
// client can tell its own claim from another delegate's after a crash.
func (e *Engine) ClientID() string {
	path := filepath.Join(e.Config.Dir, "client-id")
	if raw, err := os.ReadFile(path); err == nil && len(raw) >= 8 {
		return strings.TrimSpace(string(raw))
	}
	var b [4]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	os.MkdirAll(e.Config.Dir, 0o700)
	os.WriteFile(path, []byte(id), 0o600)
	return id
}

// AckPass acknowledges every document that arrived in the account's INBOX
// (R2, LA 6.2), exactly once across crashes and across clients:
//  1. the decision is recorded in the ledger (claimed);
//  2. the original gets $TCVAcked and this client's own keyword with a
//     conditional STORE (UNCHANGEDSINCE, RFC 7162): of two clients racing,
//     one wins; a client that finds another's keyword stands down;
//  3. the acknowledgement is queued in the outbox in the same transaction
//     that marks the ledger entry queued;
//  4. the outbox delivers it (retrying as any mail).
func (e *Engine) AckPass(ctx context.Context, a model.Account, opts ...AckOptions) ([]AckResult, error) {
	var o AckOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	ledger, err := e.Ledger()
	if err != nil {
		return nil, err
	}
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	sel, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: o.DryRun, CondStore: c.Has(imap.CapCondStore)}).Wait()
	if err != nil {
		return nil, fmt.Errorf("open INBOX: %w", err)
	}
	if sel.NumMessages == 0 {
		return []AckResult{}, nil
	}
	client := e.ClientID()
	mine := imap.Flag("$TCVAckBy" + client)
	// Not yet acknowledged, or claimed by this client in a pass that did
	// not finish (a crash between claim and queue).
	criteria := &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{{NotFlag: []imap.Flag{ack.Keyword}}, {Flag: []imap.Flag{mine}}}}}
	if !a.Added.IsZero() && !o.DryRun {
		criteria.Since = a.Added.Add(-24 * time.Hour) // SINCE has day granularity; Decide checks the exact time
	}
	found, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search INBOX: %w", err)
	}
	uids := found.AllUIDs()
	results := []AckResult{}
	if len(uids) == 0 {
		return results, nil
	}
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(u)
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, ModSeq: c.Has(imap.CapCondStore),
		BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch INBOX: %w", err)
	}
	p := Profile(a)
	queued := false
	for _, buf := range msgs {
		raw := buf.FindBodySection(section)
		m, err := mail.Parse(raw)
		if err != nil {
			continue
		}
		flags := flagNames(buf.Flags)
		if hasIMAPFlag(buf.Flags, mine) {
			flags = withoutFlag(flags, ack.Keyword) // our own unfinished claim: decide afresh
		}
		cand := ack.Candidate{Msg: m, Header: ack.Header(raw), Flags: flags, Arrived: buf.InternalDate, Folder: "INBOX"}
		action, reason := ack.Decide(cand, ack.Context{Account: a, Profile: p, Disabled: o.Disabled,
			RecentToSender: func(addr string) int { return ledger.RecentToSender(ctx, a.Name, addr) }})
		r := AckResult{MessageID: m.MessageID, From: m.From.Address, Subject: m.Subject, Action: action, Reason: reason}
		key := m.MessageID
		if key == "" {
			key = fmt.Sprintf("INBOX/%d/%d", sel.UIDValidity, buf.UID)
		}
		if o.DryRun || action != ack.ActionAck {
			results = append(results, r)
			continue
		}
		entry, known, err := ledger.Get(ctx, a.Name, key)
		if err != nil {
			return results, err
		}
		switch {
		case known && entry.State != ack.StateClaimed:
			continue // decided in an earlier pass
		case !known:
			if _, err := ledger.Claim(ctx, ack.Entry{Account: a.Name, Key: key, MessageID: m.MessageID,
				Sender: strings.ToLower(m.From.Address), Subject: m.Subject, State: ack.StateClaimed, Reason: reason}); err != nil {
				return results, err
			}
			o.step("recorded")
		}
		won, err := claimOnServer(c, buf, mine)
		if err != nil {
			return results, err
		}
		if !won {
			ledger.SetState(ctx, a.Name, key, ack.StateOther)
			r.State = ack.StateOther
			results = append(results, r)
			continue
		}
		o.step("marked")
		d, err := ack.Compose(a, m, o.Lang, e.ackTemplate(a, o))
		if err != nil {
			return results, err
		}
		built, err := compose.Build(d, a.Signature, time.Now())
		if err != nil {
			return results, err
		}
		ob, err := e.Outbox()
		if err != nil {
			return results, err
		}
		if _, err := ob.QueueWith(ctx, send.Envelope{Account: a.Name, From: built.From, To: built.Recipients,
			MessageID: built.MessageID, Subject: d.Subject}, built.Raw, func(tx *sql.Tx, id int64) error {
			return ack.MarkQueued(ctx, tx, a.Name, key, id)
		}); err != nil {
			return results, err
		}
		o.step("queued")
		// Queued for good: this client's claim keyword has done its work.
		c.Store(imap.UIDSetNum(buf.UID), &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{mine}}, nil).Close()
		queued = true
		r.State = ack.StateQueued
		results = append(results, r)
	}
	c.Logout().Wait()
	if queued {
		if _, err := e.Flush(ctx, a); err != nil {
			return results, fmt.Errorf("acknowledgements queued, delivery will be retried: %w", err)
		}
		for i := range results {
			if results[i].State == ack.StateQueued {
				results[i].State = "sent"
			}
		}
	}
	return results, nil
}

// claimOnServer sets $TCVAcked and this client's keyword on the original
// unless another client changed it meanwhile (UNCHANGEDSINCE), then reads
// the flags back: the claim is this client's when its own keyword is
// there — also after a crash between claim and queue. Without CONDSTORE
// two clients racing within the same instant may both win; Dovecot and
// every current server offer CONDSTORE.
func claimOnServer(c *imapsync.Conn, buf *imapclient.FetchMessageBuffer, mine imap.Flag) (bool, error) {
	if hasIMAPFlag(buf.Flags, mine) {
		return true, nil
	}
	if hasIMAPFlag(buf.Flags, ack.Keyword) {
		return false, nil
	}
	var opts *imap.StoreOptions
	if buf.ModSeq != 0 {
		opts = &imap.StoreOptions{UnchangedSince: buf.ModSeq}
	}
	uid := imap.UIDSetNum(buf.UID)
	if err := c.Store(uid, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{ack.Keyword, mine}}, opts).Close(); err != nil {
		return false, fmt.Errorf("mark the original acknowledged: %w", err)
	}
	got, err := c.Fetch(uid, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil || len(got) == 0 {
		return false, fmt.Errorf("read back the claim: %v", err)
	}
	return hasIMAPFlag(got[0].Flags, mine), nil
}

func hasIMAPFlag(flags []imap.Flag, want imap.Flag) bool {
	for _, f := range flags {
		if strings.EqualFold(string(f), string(want)) {
			return true
		}
	}
	return false
}

func withoutFlag(flags []string, drop string) []string {
	out := flags[:0]
	for _, f := range flags {
		if !strings.EqualFold(f, drop) {
			out = append(out, f)
		}
	}
	return out
}

func flagNames(flags []imap.Flag) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = string(f)
	}
	return out
}

// ReadReceipt handles a read-receipt request when message id is displayed
// (RFC 8098), as the user chose (mode: always, ask, never): it returns the
// decision, and with "send" (or confirmed true after asking) sends the
// "displayed" receipt and sets $MDNSent.
func (e *Engine) ReadReceipt(ctx context.Context, id int64, mode string, confirmed bool) (string, error) {
	sum, err := e.Store.Message(ctx, id)
	if err != nil {
		return ack.ReceiptNone, err
	}
	a, err := e.Config.Account(sum.Account)
	if err != nil {
		return ack.ReceiptNone, err
	}
	raw, err := e.Body(ctx, id)
	if err != nil {
		return ack.ReceiptNone, err
	}
	flags, _ := e.Store.MessageFlags(ctx, id)
	h := ack.Header(raw)
	decision, _ := ack.ReceiptDecision(h, flags, nil, a.Email, mode)
	if decision == ack.ReceiptNone || (decision == ack.ReceiptAskUser && !confirmed) {
		return decision, nil
	}
	to, mdn, err := ack.ComposeReceipt(*a, h, sum.Subject, sum.MessageID, decision == ack.ReceiptSend && !confirmed, time.Now())
	if err != nil {
		return decision, err
	}
	ob, err := e.Outbox()
	if err != nil {
		return decision, err
	}
	if _, err := ob.Queue(ctx, send.Envelope{Account: a.Name, From: a.Email, To: []string{to}, Subject: "MDN " + sum.Subject, NoSentCopy: true}, mdn); err != nil {
		return decision, err
	}
	if err := e.AddFlags(ctx, id, ack.KeywordMDNSent); err != nil {
		return decision, err
	}
	if _, err := e.Flush(ctx, *a); err != nil {
		return decision, fmt.Errorf("receipt queued, delivery will be retried: %w", err)
	}
	return ack.ReceiptSend, nil
}
