package send

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// Outbox states.
const (
	StateQueued   = "queued"   // waiting for (another) submission attempt
	StateAccepted = "accepted" // the server took it; the Sent copy is still to file
	StateFailed   = "failed"   // refused for good (5xx) or given up
)

// Lifetime is how long a temporarily failing mail is retried before the
// outbox gives up (as a mail server's queue lifetime).
const Lifetime = 5 * 24 * time.Hour

const outboxSchema = `
CREATE TABLE IF NOT EXISTS outbox (
	id           INTEGER PRIMARY KEY,
	account      TEXT NOT NULL,
	message_id   TEXT NOT NULL DEFAULT '',
	subject      TEXT NOT NULL DEFAULT '',
	mail_from    TEXT NOT NULL,
	rcpts        TEXT NOT NULL,
	raw          BLOB NOT NULL,
	state        TEXT NOT NULL DEFAULT 'queued',
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	queued_at    INTEGER NOT NULL,
	accepted_at  INTEGER NOT NULL DEFAULT 0,
	file_sent    INTEGER NOT NULL DEFAULT 1,
	owner        TEXT NOT NULL DEFAULT '',
	lease        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (account, state, next_attempt);
`

// Lease is how long a flush holds the rows it claimed without renewing
// the claim; a row of a process that died is free again after it.
const Lease = 10 * time.Minute

// Item is one outbox row as the faces show it.
type Item struct {
	ID          int64     `json:"id"`
	Account     string    `json:"account"`
	MessageID   string    `json:"message_id"`
	Subject     string    `json:"subject"`
	From        string    `json:"from"`
	To          []string  `json:"to"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
	QueuedAt    time.Time `json:"queued_at"`
	Size        int       `json:"size"`
}

// Envelope is what the outbox needs to know of a mail besides its bytes.
type Envelope struct {
	Account   string
	From      string
	To        []string
	MessageID string
	Subject   string
	// NoSentCopy: the mail is already in Sent (a document sent again to
	// the recipients who did not acknowledge it).
	NoSentCopy bool
}

// Outbox is the durable queue of outgoing mail. Flushes, in one process or
// in several on the same store, claim rows atomically: a mail is never
// submitted by two of them.
type Outbox struct {
	db  *sql.DB
	now func() time.Time
	// AfterAccept, if set, runs right after the server accepted a mail and
	// that fact is on disk (tests kill the process here).
	AfterAccept func(id int64)

	mu sync.Mutex
	// unrecorded holds mails the server accepted whose acceptance could
	// not be written; they are never submitted again by this process.
	unrecorded map[int64]bool
}

// OpenOutbox prepares the outbox in db.
func OpenOutbox(db *sql.DB) (*Outbox, error) {
	if _, err := db.Exec(outboxSchema); err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	// Stores made before claims existed lack their columns.
	for _, col := range []string{"owner TEXT NOT NULL DEFAULT ''", "lease INTEGER NOT NULL DEFAULT 0"} {
		name, _, _ := strings.Cut(col, " ")
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info('outbox') WHERE name = ?`, name).Scan(&n); err != nil {
			return nil, fmt.Errorf("open outbox: %w", err)
		}
		if n == 0 {
			if _, err := db.Exec(`ALTER TABLE outbox ADD COLUMN ` + col); err != nil && !strings.Contains(err.Error(), "duplicate column") {
				return nil, fmt.Errorf("open outbox: %w", err)
			}
		}
	}
	return &Outbox{db: db, now: time.Now, unrecorded: map[int64]bool{}}, nil
}

// Queue puts a mail on disk; when it returns nil the mail survives a crash.
func (o *Outbox) Queue(ctx context.Context, env Envelope, raw []byte) (int64, error) {
	if len(env.To) == 0 {
		return 0, fmt.Errorf("%w: no recipient", failure.ErrUsage)
	}
	res, err := o.db.ExecContext(ctx, `INSERT INTO outbox (account, message_id, subject, mail_from, rcpts, raw, queued_at, file_sent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, env.Account, env.MessageID, env.Subject, env.From, strings.Join(env.To, "\n"), raw, o.now().Unix(), !env.NoSentCopy)
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return res.LastInsertId()
}

// QueueWith queues a mail and runs also inside the same transaction, so
// that a record elsewhere (the acknowledgement ledger) and the queued mail
// exist together or not at all.
func (o *Outbox) QueueWith(ctx context.Context, env Envelope, raw []byte, also func(tx *sql.Tx, id int64) error) (int64, error) {
	if len(env.To) == 0 {
		return 0, fmt.Errorf("%w: no recipient", failure.ErrUsage)
	}
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (account, message_id, subject, mail_from, rcpts, raw, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, env.Account, env.MessageID, env.Subject, env.From, strings.Join(env.To, "\n"), raw, o.now().Unix())
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := also(tx, id); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// List returns every mail still in the outbox.
func (o *Outbox) List(ctx context.Context) ([]Item, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT id, account, message_id, subject, mail_from, rcpts, state, attempts,
		next_attempt, last_error, queued_at, length(raw) FROM outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		var rcpts string
		var next, queued int64
		if err := rows.Scan(&it.ID, &it.Account, &it.MessageID, &it.Subject, &it.From, &rcpts, &it.State, &it.Attempts,
			&next, &it.LastError, &queued, &it.Size); err != nil {
			return nil, err
		}
		it.To = strings.Split(rcpts, "\n")
		it.NextAttempt, it.QueuedAt = time.Unix(next, 0), time.Unix(queued, 0)
		out = append(out, it)
	}
	return out, rows.Err()
}

// Item returns one row.
func (o *Outbox) Item(ctx context.Context, id int64) (Item, error) {
	items, err := o.List(ctx)
	if err != nil {
		return Item{}, err
	}
	for _, it := range items {
		if it.ID == id {
			return it, nil
		}
	}
	return Item{}, fmt.Errorf("%w: outbox item %d", failure.ErrNotFound, id)
}

// Result counts what a flush did.
type Result struct {
	Sent     int `json:"sent"`
	Deferred int `json:"deferred"`
	Failed   int `json:"failed"`
}

// Sender is what a flush needs of the outside world for one account.
type Sender struct {
	Account model.Account
	// Password reads the keychain.
	Password func() (string, error)
	// AppendSent files the accepted mail in the Sent folder (IMAP APPEND).
	AppendSent func(ctx context.Context, raw []byte) error
	Opts       *Options
}

type due struct {
	id       int64
	from     string
	rcpts    []string
	raw      []byte
	state    string
	attempts int
	queued   int64
	fileSent bool
}

// Flush delivers every due mail of the account: submission for queued
// ones, the Sent copy for accepted ones. It first claims them, so that a
// concurrent flush (this process or another) leaves them alone. Temporary
// failures reschedule with backoff; a 5xx marks the mail failed with the
// server's words. A mail the server accepted is never submitted again,
// whatever fails afterwards: only its Sent copy is retried. Sent copies
// are filed by a second goroutine while the next mail is submitted.
func (o *Outbox) Flush(ctx context.Context, s Sender) (res Result, firstErr error) {
	note := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	note(o.recordPending(ctx))
	cl := &claim{o: o, owner: newOwner()}
	defer func() { note(cl.release()) }()
	rows, err := cl.take(ctx, s.Account.Name)
	if err != nil || len(rows) == 0 {
		note(err)
		return res, firstErr
	}
	filer := o.startFiling(ctx, s, cl)
	var queued []due
	for _, r := range rows {
		if r.state == StateAccepted {
			filer.queue <- r
		} else {
			queued = append(queued, r)
		}
	}
	var client *Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
submit:
	for i, r := range queued {
		if o.isUnrecorded(r.id) {
			continue // accepted already; its acceptance is still to write
		}
		if held, err := cl.hold(ctx, r.id); err != nil || !held {
			note(err)
			continue
		}
		if client == nil {
			pw, err := s.Password()
			if err == nil {
				client, err = Connect(ctx, s.Account, pw, s.Opts)
			}
			if err != nil {
				// Nothing more can go now: what is left waits for the next attempt.
				for _, q := range queued[i:] {
					if o.isUnrecorded(q.id) {
						continue
					}
					done, derr := o.defer_(ctx, cl.owner, q, err)
					note(derr)
					if done {
						res.Deferred++
					}
				}
				note(err)
				break
			}
		}
		err := client.Send(r.from, r.rcpts, r.raw)
		switch {
		case err == nil:
			res.Sent++
			if err := o.accepted(ctx, r.id); err != nil {
				// The server has it: never again from here. Stop, the store is failing.
				o.mu.Lock()
				o.unrecorded[r.id] = true
				o.mu.Unlock()
				note(unrecordedError(r.id, err))
				break submit
			}
			if o.AfterAccept != nil {
				o.AfterAccept(r.id)
			}
			filer.queue <- r
		case errors.Is(err, ErrRejected):
			_, serr := o.setState(ctx, cl.owner, r.id, StateFailed, err.Error())
			note(serr)
			res.Failed++
			note(err)
		default:
			_, derr := o.defer_(ctx, cl.owner, r, err)
			note(derr)
			res.Deferred++
			note(err)
			client.Close()
			client = nil
		}
	}
	note(filer.finish())
	return res, firstErr
}

func unrecordedError(id int64, err error) error {
	return fmt.Errorf("mail %d was accepted by the server but recording that failed; it will not be sent again: %w", id, err)
}

// accepted records that the server took a mail.
func (o *Outbox) accepted(ctx context.Context, id int64) error {
	_, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, accepted_at = ?, last_error = '' WHERE id = ?`,
		StateAccepted, o.now().Unix(), id)
	return err
}

// recordPending writes the acceptances that could not be written before.
func (o *Outbox) recordPending(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for id := range o.unrecorded {
		if _, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, accepted_at = ?, last_error = '', owner = '', lease = 0
			WHERE id = ?`, StateAccepted, o.now().Unix(), id); err != nil {
			return unrecordedError(id, err)
		}
		delete(o.unrecorded, id)
	}
	return nil
}

func (o *Outbox) isUnrecorded(id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.unrecorded[id]
}

// setState ends a submission attempt that failed for good; it touches
// only a queued mail that owner holds, never one the server accepted, and
// reports whether it did.
func (o *Outbox) setState(ctx context.Context, owner string, id int64, state, lastError string) (bool, error) {
	res, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, owner = '', lease = 0
		WHERE id = ? AND state = ? AND owner = ?`, state, lastError, id, StateQueued, owner)
	return changed(res, err, id)
}

func changed(res sql.Result, err error, id int64) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("record the outcome of mail %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// claim is one flush's hold on the rows it took.
type claim struct {
	o     *Outbox
	owner string
	mu    sync.Mutex
	until int64          // the lease as last written (Unix seconds)
	held  map[int64]bool // rows still ours at the last renewal
}

// newOwner names a flush: machine, process and a random part, so that
// the claims of a process that is gone can be taken over at once.
func newOwner() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hostname() + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// hostname names the machine and the process-id space of this process
// (see pidSpace): a process id means something only within both.
func hostname() string {
	h, _ := os.Hostname()
	return strings.ReplaceAll(h+pidSpace(), "/", "_")
}

// goneOwners lists the owners of the account's live claims that are
// processes of this machine that no longer exist.
func (c *claim) goneOwners(ctx context.Context, account string, now int64) ([]any, error) {
	rows, err := c.o.db.QueryContext(ctx, `SELECT DISTINCT owner FROM outbox WHERE account = ? AND lease > ?`, account, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gone []any
	host := hostname()
	for rows.Next() {
		var owner string
		if err := rows.Scan(&owner); err != nil {
			return nil, err
		}
		parts := strings.Split(owner, "/")
		if len(parts) != 3 || parts[0] != host {
			continue
		}
		if pid, err := strconv.Atoi(parts[1]); err == nil && pid != os.Getpid() && processGone(pid) {
			gone = append(gone, owner)
		}
	}
	return gone, rows.Err()
}

// take claims the account's due rows in one statement, atomic across
// processes: queued ones whose time has come and accepted ones, unless a
// live claim of another flush holds them (one whose lease runs and whose
// process still exists).
func (c *claim) take(ctx context.Context, account string) ([]due, error) {
	now := c.o.now().Unix()
	c.until = now + int64(Lease/time.Second)
	gone, err := c.goneOwners(ctx, account, now)
	if err != nil {
		return nil, fmt.Errorf("claim outbox mail: %w", err)
	}
	free := `lease <= ?`
	if len(gone) > 0 {
		free = `(lease <= ? OR owner IN (?` + strings.Repeat(", ?", len(gone)-1) + `))`
	}
	args := append([]any{c.owner, c.until, account, now}, gone...)
	rows, err := c.o.db.QueryContext(ctx, `UPDATE outbox SET owner = ?, lease = ?
		WHERE account = ? AND `+free+` AND ((state = ? AND next_attempt <= ?) OR state = ?)
		RETURNING id, mail_from, rcpts, raw, state, attempts, queued_at, file_sent`,
		append(args, StateQueued, now, StateAccepted)...)
	if err != nil {
		return nil, fmt.Errorf("claim outbox mail: %w", err)
	}
	defer rows.Close()
	var out []due
	c.held = map[int64]bool{}
	for rows.Next() {
		var d due
		var rcpts string
		if err := rows.Scan(&d.id, &d.from, &rcpts, &d.raw, &d.state, &d.attempts, &d.queued, &d.fileSent); err != nil {
			return nil, err
		}
		d.rcpts = strings.Split(rcpts, "\n")
		out = append(out, d)
		c.held[d.id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox mail: %w", err)
	}
	slices.SortFunc(out, func(a, b due) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// hold reports whether row id is still this flush's for at least half a
// lease, renewing the claim when half of it has passed.
func (c *claim) hold(ctx context.Context, id int64) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.now().Unix()
	if now < c.until-int64(Lease/time.Second)/2 {
		return c.held[id], nil
	}
	c.until = now + int64(Lease/time.Second)
	rows, err := c.o.db.QueryContext(ctx, `UPDATE outbox SET lease = ? WHERE owner = ? RETURNING id`, c.until, c.owner)
	if err != nil {
		return false, fmt.Errorf("renew the outbox claim: %w", err)
	}
	defer rows.Close()
	held := map[int64]bool{}
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return false, fmt.Errorf("renew the outbox claim: %w", err)
		}
		held[rid] = true
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("renew the outbox claim: %w", err)
	}
	c.held = held
	return held[id], nil
}

// release frees every row this flush still holds, except mails whose
// acceptance could not be written: those stay held for a lease.
func (c *claim) release() error {
	c.o.mu.Lock()
	keep := make([]any, 0, len(c.o.unrecorded))
	for id := range c.o.unrecorded {
		keep = append(keep, id)
	}
	c.o.mu.Unlock()
	q := `UPDATE outbox SET owner = '', lease = 0 WHERE owner = ?`
	if len(keep) > 0 {
		q += ` AND id NOT IN (?` + strings.Repeat(", ?", len(keep)-1) + `)`
	}
	// Released even when the flush's context is done.
	if _, err := c.o.db.Exec(q, append([]any{c.owner}, keep...)...); err != nil {
		return fmt.Errorf("release outbox mail: %w", err)
	}
	return nil
}

// filing files Sent copies and lets accepted rows leave the outbox, a few
// at a time in one transaction.
type filing struct {
	queue chan due
	done  chan error
}

func (o *Outbox) startFiling(ctx context.Context, s Sender, cl *claim) *filing {
	f := &filing{queue: make(chan due, 256), done: make(chan error, 1)}
	go func() {
		var firstErr error
		note := func(err error) {
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
		var filed []int64
		leave := func() {
			if len(filed) > 0 {
				note(o.remove(ctx, cl.owner, filed))
				filed = filed[:0]
			}
		}
		for r := range f.queue {
			if held, err := cl.hold(ctx, r.id); err != nil || !held {
				note(err)
				continue
			}
			if r.fileSent && !s.Account.ServerSavesSent && s.AppendSent != nil {
				if err := s.AppendSent(ctx, r.raw); err != nil {
					note(fmt.Errorf("copy to Sent: %w", err))
					if _, err := o.db.ExecContext(ctx, `UPDATE outbox SET last_error = ? WHERE id = ?`, "copy to Sent: "+err.Error(), r.id); err != nil {
						note(fmt.Errorf("record the outcome of mail %d: %w", r.id, err))
					}
					continue
				}
			}
			if filed = append(filed, r.id); len(filed) >= 16 {
				leave()
			}
		}
		leave()
		f.done <- firstErr
	}()
	return f
}

func (f *filing) finish() error {
	close(f.queue)
	return <-f.done
}

// remove lets filed rows leave the outbox in one transaction.
func (o *Outbox) remove(ctx context.Context, owner string, ids []int64) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remove sent mail from the outbox: %w", err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND owner = ?`, id, owner); err != nil {
			return fmt.Errorf("remove sent mail from the outbox: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remove sent mail from the outbox: %w", err)
	}
	return nil
}

// defer_ reschedules a queued mail owner holds after a temporary
// failure: 1 min doubling to 1 h, with jitter; past Lifetime it gives up.
// A mail the server accepted is left alone. It reports whether it acted.
func (o *Outbox) defer_(ctx context.Context, owner string, r due, cause error) (bool, error) {
	now := o.now()
	if now.Sub(time.Unix(r.queued, 0)) > Lifetime {
		return o.setState(ctx, owner, r.id, StateFailed, "gave up after "+Lifetime.String()+": "+cause.Error())
	}
	delay := time.Minute << min(r.attempts, 6)
	delay = min(delay, time.Hour)
	delay = delay/2 + mrand.N(delay/2+1)
	res, err := o.db.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ?, owner = '', lease = 0
		WHERE id = ? AND state = ? AND owner = ?`, now.Add(delay).Unix(), cause.Error(), r.id, StateQueued, owner)
	return changed(res, err, r.id)
}

// Retry makes every queued or failed mail of the outbox due now. A failed
// mail the server had accepted (stores from before this rule) goes back
// to filing its Sent copy, never to submission.
func (o *Outbox) Retry(ctx context.Context) error {
	_, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = CASE WHEN accepted_at > 0 THEN ? ELSE ? END, next_attempt = 0
		WHERE state IN (?, ?)`, StateAccepted, StateQueued, StateQueued, StateFailed)
	return err
}

// Remove deletes a mail from the outbox (the user gave up on it), unless a
// flush is sending it right now.
func (o *Outbox) Remove(ctx context.Context, id int64) error {
	res, err := o.db.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND lease <= ?`, id, o.now().Unix())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: outbox item %d is being sent or is gone", failure.ErrUsage, id)
	}
	return nil
}
