package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/textproto"

	"thucongvu/internal/ack"
	"thucongvu/internal/compose"
	"thucongvu/internal/failure"
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
	// State after a real pass: "queued", "sent", "other" (another client
	// did it); "error" (any pass) when the message could not be read or
	// acknowledged, Reason saying why.
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
	// Parse decodes a message (mail.Parse when nil; tests inject a failing one).
	Parse func([]byte) (*mail.Message, error)
	// Stats, if set, receives what the pass downloaded.
	Stats *AckStats
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

// ErrAcksOff: machine policy turns automatic acknowledgements off (R2);
// the command line exits 3 with it.
var ErrAcksOff = fmt.Errorf("%w: machine policy turns automatic acknowledgements off", failure.ErrBlocked)

// AckStats counts what a pass downloaded, for tests and benchmarks.
type AckStats struct {
	Candidates int // messages the server's search returned
	Known      int // of those, decided by an earlier pass: not downloaded
	Headers    int // headers downloaded
	Bodies     int // bodies downloaded
	// Unchanged: INBOX had not changed since a clean pass; not searched.
	Unchanged bool
}

// ackDecisionVersion is part of every recorded decision's context: raise
// it when Decide changes, so mail is decided again under the new rules.
const ackDecisionVersion = 2

// ackBatch bounds the UIDs of one FETCH command.
const ackBatch = 500

// ackBodyCap bounds what is downloaded of one message to decide on it:
// the decoder reads a message cut there as far as it goes (the parts that
// name the files come first; R5 caps a mail near 20 MB before base64).
var ackBodyCap int64 = 40 << 20

// claimAttempts bounds the conditional STOREs of one claim that lose to
// unrelated flag changes (the user reading the mail).
const claimAttempts = 5

// AckPass acknowledges every document that arrived in the account's INBOX
// (R2, LA 6.2), exactly once across crashes, processes and clients:
//  1. candidates: the server's search for mail not acknowledged, less the
//     mail an earlier pass decided (recorded by UID);
//  2. heads: flags and header only, decided at once where the body cannot
//     change the decision; bodies: the rest, downloaded and decided;
//  3. claim: the decision recorded in the ledger, then $TCVAcked and this
//     client's keyword set with a conditional STORE (UNCHANGEDSINCE,
//     RFC 7162): of two clients racing, one wins;
//  4. queue: the acknowledgement put in the outbox in the transaction that
//     marks the ledger entry queued; the outbox delivers it.
//
// A pass is single-flight per account (LockAccount); a second one waits.
// A message that cannot be read is listed with state "error" and never
// stops the pass. With acknowledgements off (the user, or machine policy:
// then ErrAcksOff) a real pass does nothing.
func (e *Engine) AckPass(ctx context.Context, a model.Account, opts ...AckOptions) ([]AckResult, error) {
	var o AckOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	policyOff := e.Policy != nil && e.Policy.AutoAckDisabled
	o.Disabled = o.Disabled || policyOff
	if o.Disabled && !o.DryRun {
		if policyOff {
			return []AckResult{}, ErrAcksOff
		}
		return []AckResult{}, nil
	}
	ledger, err := e.Ledger()
	if err != nil {
		return nil, err
	}
	unlock := func() {}
	if !o.DryRun {
		if unlock, err = e.LockAccount(ctx, a.Name, DutyAck); err != nil {
			return nil, err
		}
	}
	p := e.newAckPass(ctx, a, o, ledger)
	results, queued, err := func() ([]AckResult, bool, error) {
		defer unlock()
		return p.run(ctx)
	}()
	if err != nil || !queued {
		return results, err
	}
	if _, err := e.Flush(ctx, a); err != nil {
		return results, fmt.Errorf("acknowledgements queued, delivery will be retried: %w", err)
	}
	for i := range results {
		if results[i].State == ack.StateQueued {
			results[i].State = "sent"
		}
	}
	return results, nil
}

// ackPass is one pass over an account's INBOX; its steps are methods.
type ackPass struct {
	e        *Engine
	a        model.Account
	o        AckOptions
	ledger   *ack.Ledger
	x        ack.Context
	c        *imapsync.Conn
	mine     imap.Flag
	context  string // fingerprint of what decisions depend on
	validity uint32
	empty    bool            // INBOX holds no mail
	folder   ack.FolderState // where INBOX stands, recorded after the pass
	stats    *AckStats
}

// ackItem is one message as the pass learns about it.
type ackItem struct {
	uid                      imap.UID
	flags                    []imap.Flag
	modSeq                   uint64
	arrived                  time.Time
	messageID, from, subject string
	action, reason           string
	final                    bool          // decided; no body needed
	msg                      *mail.Message // kept for a document to acknowledge
	err                      error         // could not be read or decided
	fetched                  bool          // the body came (false: expunged meanwhile)
}

const ackFolder = "INBOX"

func (e *Engine) newAckPass(ctx context.Context, a model.Account, o AckOptions, ledger *ack.Ledger) *ackPass {
	if o.Parse == nil {
		o.Parse = mail.Parse
	}
	if o.Stats == nil {
		o.Stats = &AckStats{}
	}
	x := ack.Context{Account: a, Profile: Profile(a), Disabled: o.Disabled,
		RecentToSender: func(addr string) int { return ledger.RecentToSender(ctx, a.Name, addr) },
		Recent:         func() int { return ledger.Recent(ctx, a.Name) }}
	if e.Policy != nil {
		x.MaxPerHour = e.Policy.AckMaxPerHour
	}
	return &ackPass{e: e, a: a, o: o, ledger: ledger, x: x, stats: o.Stats,
		mine: imap.Flag("$TCVAckBy" + e.ClientID()), context: decisionContext(x)}
}

// decisionContext fingerprints what a recorded decision depends on besides
// the mail: a change (profile, trusted domains, addresses, the account's
// date, the rules' version) has mail decided again.
func decisionContext(x ack.Context) string {
	raw, _ := json.Marshal(struct {
		V            int
		Email        string
		AuthServIDs  []string
		Own          []string
		AnyRecipient bool
		Added        int64
		Profile      any
	}{ackDecisionVersion, strings.ToLower(x.Account.Email), ack.AuthServIDs(x.Account), x.Own, x.AnyRecipient, x.Account.Added.Unix(), x.Profile})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

// run connects and goes through the steps; queued says whether anything
// went into the outbox.
func (p *ackPass) run(ctx context.Context) (results []AckResult, queued bool, err error) {
	if err := p.open(ctx); err != nil {
		return nil, false, err
	}
	defer func() { p.c.Close() }()
	results, todo, err := p.candidates(ctx)
	if err != nil {
		return results, false, err
	}
	items, err := p.heads(ctx, todo, true)
	if err != nil && ctx.Err() == nil {
		// A BODYSTRUCTURE the IMAP library cannot read breaks the
		// connection: decide from the headers alone on a new one.
		p.c.Close()
		if err = p.open(ctx); err == nil {
			items, err = p.heads(ctx, todo, false)
		}
	}
	if err != nil {
		return results, false, err
	}
	if err := p.bodies(ctx, items); err != nil {
		return results, false, err
	}
	pending := countState(results, ack.StateError) // listed again next pass
	var record []ack.Decision
	for _, it := range items {
		if !it.fetched && !it.final {
			continue // expunged meanwhile
		}
		if it.err == nil && it.action == ack.ActionAck && !p.o.DryRun {
			// The hourly limits again: this pass's acknowledgements count.
			it.action, it.reason = ack.Admit(it.from, p.x)
		}
		r := it.result()
		if it.err == nil && it.action == ack.ActionAck && !p.o.DryRun {
			state, reason, err := p.acknowledge(ctx, it)
			if err != nil {
				p.ledger.Record(ctx, p.a.Name, record)
				return results, queued, err
			}
			if state == "" {
				pending++ // another pass carries it on
				continue
			}
			r.State = state
			if state == ack.StateError {
				r.Reason = reason
			}
			queued = queued || state == ack.StateQueued
		}
		results = append(results, r)
		if d, ok := p.decision(it, r); ok && d.State != ack.StateError {
			record = append(record, d)
		} else {
			if ok {
				record = append(record, d)
			}
			pending++
		}
	}
	if !p.o.DryRun && !p.empty {
		// Written only now: a pass that dies leaves the last state, and
		// whatever it changed on the server shows in UIDNEXT or HIGHESTMODSEQ.
		p.folder.Clean = pending == 0
		if err := p.ledger.Record(ctx, p.a.Name, record, p.folder); err != nil {
			return results, queued, err
		}
	}
	p.c.Logout().Wait()
	return results, queued, nil
}

func countState(rs []AckResult, state string) int {
	n := 0
	for _, r := range rs {
		if r.State == state {
			n++
		}
	}
	return n
}

// open connects and selects INBOX.
func (p *ackPass) open(ctx context.Context) error {
	c, err := p.e.Syncer(p.a).Connect(ctx, nil)
	if err != nil {
		return err
	}
	p.c = c
	sel, err := c.Select(ackFolder, &imap.SelectOptions{ReadOnly: p.o.DryRun, CondStore: c.Has(imap.CapCondStore)}).Wait()
	if err != nil {
		c.Close()
		return fmt.Errorf("open INBOX: %w", err)
	}
	if p.validity != 0 && sel.UIDValidity != p.validity {
		return fmt.Errorf("INBOX changed its UIDVALIDITY during the pass")
	}
	p.validity, p.empty = sel.UIDValidity, sel.NumMessages == 0
	p.folder = ack.FolderState{Folder: ackFolder, UIDValidity: sel.UIDValidity, Context: p.context, UIDNext: uint32(sel.UIDNext), ModSeq: sel.HighestModSeq}
	return nil
}

// candidates returns the UIDs to decide: mail without $TCVAcked (or with
// this client's unfinished claim), less what earlier passes decided; with
// them the results to repeat (errors, and in a dry run every earlier
// decision). A folder unchanged since a clean pass (UIDNEXT and
// HIGHESTMODSEQ, RFC 7162) is not even searched.
func (p *ackPass) candidates(ctx context.Context) ([]AckResult, []imap.UID, error) {
	c := p.c
	results := []AckResult{}
	if p.empty {
		return results, nil, nil
	}
	last, has, err := p.ledger.FolderState(ctx, p.a.Name, ackFolder)
	if err != nil {
		return nil, nil, err
	}
	same := has && last.UIDValidity == p.validity && last.Context == p.context
	if !p.o.DryRun && same && last.Clean && last.ModSeq != 0 && last.UIDNext == p.folder.UIDNext && last.ModSeq == p.folder.ModSeq {
		p.stats.Unchanged = true
		return results, nil, nil
	}
	criteria := &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{{NotFlag: []imap.Flag{ack.Keyword}}, {Flag: []imap.Flag{p.mine}}}}}
	if !p.o.DryRun {
		// Junk is never acknowledged; unflagged, it is a candidate again.
		criteria.NotFlag = []imap.Flag{"$Junk", "Junk"}
		switch {
		case same && last.Floor > 0:
			// Mail below the floor arrived before the account was added;
			// a UID range is cheaper for the server than SINCE.
			var floor imap.UIDSet
			floor.AddRange(imap.UID(last.Floor), 0)
			criteria.UID = []imap.UIDSet{floor}
		case !p.a.Added.IsZero():
			criteria.Since = p.a.Added.Add(-24 * time.Hour) // SINCE has day granularity; Decide checks the exact time
		}
	}
	var so *imap.SearchOptions
	if c.Has(imap.CapESearch) {
		so = &imap.SearchOptions{ReturnAll: true}
	}
	found, err := c.UIDSearch(criteria, so).Wait()
	if err != nil {
		return nil, nil, fmt.Errorf("search INBOX: %w", err)
	}
	uids := found.AllUIDs()
	p.stats.Candidates = len(uids)
	if !p.o.DryRun {
		if has && last.UIDValidity != p.validity {
			if err := p.ledger.ForgetOtherValidity(ctx, p.a.Name, ackFolder, p.validity); err != nil {
				return nil, nil, err
			}
		}
		p.folder.Floor = last.Floor
		if !same || last.Floor == 0 {
			if p.folder.Floor, err = p.floor(); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(uids) == 0 {
		return results, nil, nil
	}
	known, err := p.ledger.Decided(ctx, p.a.Name, ackFolder, p.validity, p.context, p.o.DryRun)
	if err != nil {
		return nil, nil, err
	}
	var todo []imap.UID
	for _, u := range uids {
		d, ok := known[uint32(u)]
		if !ok {
			todo = append(todo, u)
			continue
		}
		p.stats.Known++
		if p.o.DryRun || d.State == ack.StateError {
			results = append(results, decisionResult(d))
		}
	}
	return results, todo, nil
}

// floor is the lowest UID of mail that arrived since the day before the
// account was added (UIDs grow with arrival), UIDNEXT when there is none.
func (p *ackPass) floor() (uint32, error) {
	if p.a.Added.IsZero() {
		return 1, nil
	}
	var so *imap.SearchOptions
	if p.c.Has(imap.CapESearch) {
		so = &imap.SearchOptions{ReturnMin: true}
	}
	found, err := p.c.UIDSearch(&imap.SearchCriteria{Since: p.a.Added.Add(-24 * time.Hour)}, so).Wait()
	if err != nil {
		return 0, fmt.Errorf("search INBOX: %w", err)
	}
	if so != nil {
		if found.Min == 0 {
			return p.folder.UIDNext, nil
		}
		return found.Min, nil
	}
	if uids := found.AllUIDs(); len(uids) > 0 {
		return uint32(slices.Min(uids)), nil
	}
	return p.folder.UIDNext, nil
}

// heads downloads flags, headers and (withStructure) the MIME structure,
// and decides what they decide.
func (p *ackPass) heads(ctx context.Context, todo []imap.UID, withStructure bool) ([]*ackItem, error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, ModSeq: p.c.Has(imap.CapCondStore),
		BodySection: []*imap.FetchItemBodySection{section}}
	if withStructure {
		opts.BodyStructure = &imap.FetchItemBodyStructure{Extended: true}
	}
	var items []*ackItem
	p.stats.Headers = 0
	err := p.fetch(ctx, todo, opts, func(buf *imapclient.FetchMessageBuffer) {
		p.stats.Headers++
		it := &ackItem{uid: buf.UID, flags: buf.Flags, modSeq: buf.ModSeq, arrived: buf.InternalDate}
		p.decideHead(it, buf.FindBodySection(section), textOnly(buf.BodyStructure))
		items = append(items, it)
	})
	if err != nil {
		return nil, fmt.Errorf("fetch INBOX headers: %w", err)
	}
	return items, nil
}

// bodies downloads the mail the header could not decide, and decides it.
func (p *ackPass) bodies(ctx context.Context, items []*ackItem) error {
	need := map[imap.UID]*ackItem{}
	var uids []imap.UID
	for _, it := range items {
		if !it.final {
			need[it.uid] = it
			uids = append(uids, it.uid)
		}
	}
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Size: ackBodyCap}}
	err := p.fetch(ctx, uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}},
		func(buf *imapclient.FetchMessageBuffer) {
			if it := need[buf.UID]; it != nil {
				p.stats.Bodies++
				p.decideBody(it, buf.FindBodySection(section))
			}
		})
	if err != nil {
		return fmt.Errorf("fetch INBOX: %w", err)
	}
	return nil
}

// fetch runs FETCH over uids in batches, handing each answer to fn as it
// arrives (a body is held only while it is decided).
func (p *ackPass) fetch(ctx context.Context, uids []imap.UID, opts *imap.FetchOptions, fn func(*imapclient.FetchMessageBuffer)) error {
	for start := 0; start < len(uids); start += ackBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		cmd := p.c.Fetch(imap.UIDSetNum(uids[start:min(start+ackBatch, len(uids))]...), opts)
		for m := cmd.Next(); m != nil; m = cmd.Next() {
			buf, err := m.Collect()
			if err != nil {
				cmd.Close()
				return err
			}
			fn(buf)
		}
		if err := cmd.Close(); err != nil {
			return err
		}
	}
	return nil
}

func (p *ackPass) candidate(it *ackItem, m *mail.Message, h textproto.Header) ack.Candidate {
	flags := flagNames(it.flags)
	if hasIMAPFlag(it.flags, p.mine) {
		flags = withoutFlag(flags, ack.Keyword) // our own unfinished claim: decide afresh
	}
	return ack.Candidate{Msg: m, Header: h, Flags: flags, Arrived: it.arrived, Folder: ackFolder}
}

// decideHead decides from the header; a header it cannot read is left to
// the body, and a decoder that panics fails this message alone.
func (p *ackPass) decideHead(it *ackItem, raw []byte, textOnly bool) {
	defer it.recover()
	m, h, err := ack.HeaderMessage(raw, p.o.Parse)
	if err != nil {
		return
	}
	it.describe(m)
	it.action, it.reason, it.final = ack.DecideHeader(p.candidate(it, m, h), p.x, textOnly)
}

// textOnly: the structure is known and every part is a text body (what
// the decoder takes for the text, not a file).
func textOnly(bs imap.BodyStructure) bool {
	if bs == nil {
		return false
	}
	only := true
	bs.Walk(func(_ []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		mt := strings.ToLower(single.MediaType())
		disp := single.Disposition()
		if (mt != "text/plain" && mt != "text/html") || single.Filename() != "" || (disp != nil && strings.EqualFold(disp.Value, "attachment")) {
			only = false
		}
		return only
	})
	return only
}

// decideBody decides from the whole message.
func (p *ackPass) decideBody(it *ackItem, raw []byte) {
	it.fetched, it.final = true, true
	defer it.recover()
	m, err := p.o.Parse(raw)
	if err != nil {
		it.err = err
		return
	}
	it.describe(m)
	it.action, it.reason = ack.Decide(p.candidate(it, m, ack.Header(raw)), p.x)
	if it.action == ack.ActionAck {
		it.msg = m
	}
}

func (it *ackItem) describe(m *mail.Message) {
	it.messageID, it.from, it.subject = m.MessageID, m.From.Address, m.Subject
}

// recover turns a panic of the decoder into this message's error.
func (it *ackItem) recover() {
	if r := recover(); r != nil {
		it.err = fmt.Errorf("decoder failure: %v", r)
		it.final = true
	}
}

func (it *ackItem) result() AckResult {
	r := AckResult{MessageID: it.messageID, From: it.from, Subject: it.subject, Action: it.action, Reason: it.reason}
	if it.err != nil {
		r.Action, r.State, r.Reason = ack.ActionSkip, ack.StateError, brief(it.err.Error())
	}
	return r
}

// decision is what to record of a decided message: errors and skips that
// hold (ack.Permanent), and finished acknowledgements.
func (p *ackPass) decision(it *ackItem, r AckResult) (ack.Decision, bool) {
	d := ack.Decision{Folder: ackFolder, UIDValidity: p.validity, UID: uint32(it.uid), Context: p.context, Reason: r.Reason,
		MessageID: r.MessageID, Sender: r.From, Subject: r.Subject}
	switch {
	case r.State == ack.StateError && it.err != nil:
		d.State = ack.StateError
	case r.State == ack.StateQueued, r.State == ack.StateOther:
		d.State = r.State
	case r.Action == ack.ActionSkip && ack.Permanent(r.Reason):
		d.State = ack.StateSkipped
	case r.Action == ack.ActionManual:
		d.State = ack.StateManual
	default:
		return d, false
	}
	return d, true
}

func decisionResult(d ack.Decision) AckResult {
	r := AckResult{MessageID: d.MessageID, From: d.Sender, Subject: d.Subject, Action: ack.ActionSkip, Reason: d.Reason}
	switch d.State {
	case ack.StateError:
		r.State = ack.StateError
	case ack.StateQueued, ack.StateOther:
		r.Action, r.State = ack.ActionAck, d.State
	case ack.StateManual:
		r.Action = ack.ActionManual
	}
	return r
}

// brief bounds an error text kept in the ledger and shown.
func brief(s string) string {
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// acknowledge claims a document (ledger, then server) and queues its
// acknowledgement. It returns the state to report: "" when an earlier pass
// decided it already, StateError with a reason when this message cannot be
// acknowledged now (it is tried again next pass); err stops the pass.
func (p *ackPass) acknowledge(ctx context.Context, it *ackItem) (state, reason string, err error) {
	a, m := p.a, it.msg
	key := m.MessageID
	if key == "" {
		key = fmt.Sprintf("%s/%d/%d", ackFolder, p.validity, it.uid)
	}
	entry, known, err := p.ledger.Get(ctx, a.Name, key)
	if err != nil {
		return "", "", err
	}
	if !known {
		claimed, err := p.ledger.Claim(ctx, ack.Entry{Account: a.Name, Key: key, MessageID: m.MessageID,
			Sender: strings.ToLower(m.From.Address), Subject: m.Subject, State: ack.StateClaimed, Reason: it.reason})
		if err != nil {
			return "", "", err
		}
		if !claimed {
			return "", "", nil // recorded meanwhile by another pass, which carries it on
		}
		p.o.step("recorded")
	} else if entry.State != ack.StateClaimed {
		return "", "", p.ledger.Record(ctx, a.Name, []ack.Decision{{Folder: ackFolder, UIDValidity: p.validity, UID: uint32(it.uid),
			Context: p.context, State: entry.State, Reason: entry.Reason, MessageID: m.MessageID, Sender: m.From.Address, Subject: m.Subject}})
	}
	won, err := p.claimOnServer(ctx, it, known)
	if errors.Is(err, errClaimContended) {
		return ack.StateError, err.Error(), nil
	}
	if err != nil {
		return "", "", err
	}
	if !won {
		if err := p.ledger.SetState(ctx, a.Name, key, ack.StateOther); err != nil {
			return "", "", err
		}
		return ack.StateOther, "", nil
	}
	p.o.step("marked")
	d, err := ack.Compose(a, m, p.o.Lang, p.e.ackTemplate(a, p.o))
	if err != nil {
		return ack.StateError, brief(err.Error()), nil
	}
	built, err := compose.Build(d, a.Signature, time.Now())
	if err != nil {
		return ack.StateError, brief(err.Error()), nil
	}
	ob, err := p.e.Outbox()
	if err != nil {
		return "", "", err
	}
	if _, err := ob.QueueWith(ctx, send.Envelope{Account: a.Name, From: built.From, To: built.Recipients,
		MessageID: built.MessageID, Subject: d.Subject}, built.Raw, func(tx *sql.Tx, id int64) error {
		return ack.MarkQueued(ctx, tx, a.Name, key, id)
	}); err != nil {
		return "", "", err
	}
	p.o.step("queued")
	// Queued for good: this client's claim keyword has done its work.
	p.c.Store(imap.UIDSetNum(it.uid), &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{p.mine}}, nil).Close()
	return ack.StateQueued, "", nil
}

// errClaimContended: the claim kept losing to flag changes; the message
// alone fails, and the next pass tries again.
var errClaimContended = fmt.Errorf("the claim on the server lost %d times to other flag changes", claimAttempts)

// claimOnServer sets $TCVAcked and this client's keyword on the original
// unless it changed meanwhile (UNCHANGEDSINCE), then reads the flags back:
// the claim is won when this client's keyword is there. A change that is
// not a claim (the user read the mail: \Seen) has it tried again with the
// new flags; another client's $TCVAcked makes it stand down. This client's
// keyword found before storing is an unfinished claim of its own when the
// ledger says so (resume: a crash between marking and queueing); else it is
// a leftover of a lost ledger and the mail may have been acknowledged.
// Without CONDSTORE two clients racing within the same instant may both
// win; Dovecot and every current server offer CONDSTORE.
func (p *ackPass) claimOnServer(ctx context.Context, it *ackItem, resume bool) (bool, error) {
	flags, modSeq := it.flags, it.modSeq
	if hasIMAPFlag(flags, p.mine) {
		return resume, nil
	}
	uid := imap.UIDSetNum(it.uid)
	for attempt := 0; ; attempt++ {
		if hasIMAPFlag(flags, ack.Keyword) {
			return false, nil
		}
		if attempt == claimAttempts {
			return false, errClaimContended
		}
		var opts *imap.StoreOptions
		if modSeq != 0 {
			opts = &imap.StoreOptions{UnchangedSince: modSeq}
		}
		if err := p.c.Store(uid, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{ack.Keyword, p.mine}}, opts).Close(); err != nil {
			return false, fmt.Errorf("mark the original acknowledged: %w", err)
		}
		got, err := p.c.Fetch(uid, &imap.FetchOptions{UID: true, Flags: true, ModSeq: modSeq != 0}).Collect()
		if err != nil {
			return false, fmt.Errorf("read back the claim: %w", err)
		}
		if len(got) == 0 {
			return false, nil // expunged meanwhile
		}
		if hasIMAPFlag(got[0].Flags, p.mine) {
			return true, nil
		}
		flags, modSeq = got[0].Flags, got[0].ModSeq
	}
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
