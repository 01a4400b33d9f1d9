package send

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
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
	file_sent    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (account, state, next_attempt);
`

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

// Outbox is the durable queue of outgoing mail.
type Outbox struct {
	db  *sql.DB
	now func() time.Time
	// AfterAccept, if set, runs right after the server accepted a mail and
	// that fact is on disk (tests kill the process here).
	AfterAccept func(id int64)
}

// OpenOutbox prepares the outbox in db.
func OpenOutbox(db *sql.DB) (*Outbox, error) {
	if _, err := db.Exec(outboxSchema); err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	return &Outbox{db: db, now: time.Now}, nil
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
// ones, the Sent copy for accepted ones. Temporary failures reschedule with
// backoff; a 5xx marks the mail failed with the server's words. Sent copies
// are filed by a second goroutine while the next mail is submitted.
func (o *Outbox) Flush(ctx context.Context, s Sender) (Result, error) {
	var res Result
	rows, err := o.dueRows(ctx, s.Account.Name)
	if err != nil || len(rows) == 0 {
		return res, err
	}
	filer := o.startFiling(ctx, s)
	var client *Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	var firstErr error
	fatal := false
	for _, r := range rows {
		if fatal {
			break
		}
		if r.state == StateAccepted {
			filer.queue <- r
			continue
		}
		if client == nil {
			pw, err := s.Password()
			if err == nil {
				client, err = Connect(ctx, s.Account, pw, s.Opts)
			}
			if err != nil {
				// Nothing can go now: every due mail waits for the next attempt.
				for _, q := range rows {
					if q.state == StateQueued {
						o.defer_(ctx, q, err)
						res.Deferred++
					}
				}
				firstErr, fatal = err, true
				continue
			}
		}
		err := client.Send(r.from, r.rcpts, r.raw)
		switch {
		case err == nil:
			if _, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, accepted_at = ?, last_error = '' WHERE id = ?`,
				StateAccepted, o.now().Unix(), r.id); err != nil {
				firstErr, fatal = fmt.Errorf("record acceptance: %w", err), true
				continue
			}
			res.Sent++
			if o.AfterAccept != nil {
				o.AfterAccept(r.id)
			}
			filer.queue <- r
		case errors.Is(err, ErrRejected):
			o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
				StateFailed, err.Error(), r.id)
			res.Failed++
			if firstErr == nil {
				firstErr = err
			}
		default:
			o.defer_(ctx, r, err)
			res.Deferred++
			if firstErr == nil {
				firstErr = err
			}
			client.Close()
			client = nil
		}
	}
	if err := filer.finish(); err != nil && firstErr == nil {
		firstErr = err
	}
	return res, firstErr
}

// filing files Sent copies and lets accepted rows leave the outbox, a few
// at a time in one transaction.
type filing struct {
	queue chan due
	done  chan error
}

func (o *Outbox) startFiling(ctx context.Context, s Sender) *filing {
	f := &filing{queue: make(chan due, 256), done: make(chan error, 1)}
	go func() {
		var firstErr error
		var filed []int64
		leave := func() {
			if len(filed) > 0 {
				if err := o.remove(ctx, filed); err != nil && firstErr == nil {
					firstErr = err
				}
				filed = filed[:0]
			}
		}
		for r := range f.queue {
			if r.fileSent && !s.Account.ServerSavesSent && s.AppendSent != nil {
				if err := s.AppendSent(ctx, r.raw); err != nil {
					o.db.ExecContext(ctx, `UPDATE outbox SET last_error = ? WHERE id = ?`, "copy to Sent: "+err.Error(), r.id)
					if firstErr == nil {
						firstErr = fmt.Errorf("copy to Sent: %w", err)
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
func (o *Outbox) remove(ctx context.Context, ids []int64) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, id); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

func (o *Outbox) dueRows(ctx context.Context, account string) ([]due, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT id, mail_from, rcpts, raw, state, attempts, queued_at, file_sent FROM outbox
		WHERE account = ? AND ((state = ? AND next_attempt <= ?) OR state = ?) ORDER BY id`,
		account, StateQueued, o.now().Unix(), StateAccepted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []due
	for rows.Next() {
		var d due
		var rcpts string
		if err := rows.Scan(&d.id, &d.from, &rcpts, &d.raw, &d.state, &d.attempts, &d.queued, &d.fileSent); err != nil {
			return nil, err
		}
		d.rcpts = strings.Split(rcpts, "\n")
		out = append(out, d)
	}
	return out, rows.Err()
}

// defer_ reschedules a mail after a temporary failure: 1 min doubling to
// 1 h, with jitter; past Lifetime it gives up.
func (o *Outbox) defer_(ctx context.Context, r due, cause error) {
	now := o.now()
	if now.Sub(time.Unix(r.queued, 0)) > Lifetime {
		o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ?`,
			StateFailed, "gave up after "+Lifetime.String()+": "+cause.Error(), r.id)
		return
	}
	delay := time.Minute << min(r.attempts, 6)
	delay = min(delay, time.Hour)
	delay = delay/2 + rand.N(delay/2+1)
	o.db.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ? WHERE id = ?`,
		now.Add(delay).Unix(), cause.Error(), r.id)
}

// Retry makes every queued or failed mail of the outbox due now.
func (o *Outbox) Retry(ctx context.Context) error {
	_, err := o.db.ExecContext(ctx, `UPDATE outbox SET state = ?, next_attempt = 0 WHERE state IN (?, ?)`,
		StateQueued, StateQueued, StateFailed)
	return err
}

// Remove deletes a mail from the outbox (the user gave up on it).
func (o *Outbox) Remove(ctx context.Context, id int64) error {
	_, err := o.db.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, id)
	return err
}
