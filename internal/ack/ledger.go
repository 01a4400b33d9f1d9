package ack

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Ledger states.
const (
	StateClaimed = "claimed" // decided and being marked on the server
	StateQueued  = "queued"  // in the outbox: it will go
	StateOther   = "other"   // another client or delegate acknowledged it
	StateSkipped = "skipped" // decided against, for good
	StateManual  = "manual"  // left to the user to acknowledge (ActionManual)
	StateError   = "error"   // could not be read or decided; Reason says why
)

const ledgerSchema = `
CREATE TABLE IF NOT EXISTS acks (
	id          INTEGER PRIMARY KEY,
	account     TEXT NOT NULL,
	message_key TEXT NOT NULL,
	message_id  TEXT NOT NULL DEFAULT '',
	sender      TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	outbox_id   INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	UNIQUE (account, message_key)
);
CREATE INDEX IF NOT EXISTS acks_by_sender ON acks (account, sender, created_at);
CREATE TABLE IF NOT EXISTS ack_decided (
	account     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uid         INTEGER NOT NULL,
	uidvalidity INTEGER NOT NULL,
	context     TEXT NOT NULL,
	state       TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	message_id  TEXT NOT NULL DEFAULT '',
	sender      TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (account, folder, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ack_folders (
	account     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL,
	context     TEXT NOT NULL,
	floor       INTEGER NOT NULL,
	uidnext     INTEGER NOT NULL,
	modseq      INTEGER NOT NULL,
	clean       INTEGER NOT NULL,
	PRIMARY KEY (account, folder)
) WITHOUT ROWID;
`

// Ledger records every acknowledgement decision before anything is sent.
type Ledger struct {
	db  *sql.DB
	now func() time.Time
}

// Entry is one ledger row.
type Entry struct {
	Account, Key, MessageID, Sender, Subject, State, Reason string
	OutboxID                                                int64
	Created                                                 time.Time
}

// OpenLedger prepares the ledger in db.
func OpenLedger(db *sql.DB) (*Ledger, error) {
	if _, err := db.Exec(ledgerSchema); err != nil {
		return nil, fmt.Errorf("open acknowledgement ledger: %w", err)
	}
	return &Ledger{db: db, now: time.Now}, nil
}

// Get returns the entry for a message, if any.
func (l *Ledger) Get(ctx context.Context, account, key string) (Entry, bool, error) {
	e := Entry{Account: account, Key: key}
	var created int64
	err := l.db.QueryRowContext(ctx, `SELECT message_id, sender, subject, state, reason, outbox_id, created_at
		FROM acks WHERE account = ? AND message_key = ?`, account, key).
		Scan(&e.MessageID, &e.Sender, &e.Subject, &e.State, &e.Reason, &e.OutboxID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return e, false, nil
	}
	e.Created = time.Unix(created, 0)
	return e, err == nil, err
}

// Claim records the decision to acknowledge; false when the message is
// already in the ledger (decided before, here or in a crashed run).
func (l *Ledger) Claim(ctx context.Context, e Entry) (bool, error) {
	res, err := l.db.ExecContext(ctx, `INSERT OR IGNORE INTO acks (account, message_key, message_id, sender, subject, state, reason, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Account, e.Key, e.MessageID, e.Sender, e.Subject, e.State, e.Reason, l.now().Unix())
	if err != nil {
		return false, fmt.Errorf("record acknowledgement: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetState moves an entry on.
func (l *Ledger) SetState(ctx context.Context, account, key, state string) error {
	_, err := l.db.ExecContext(ctx, `UPDATE acks SET state = ? WHERE account = ? AND message_key = ?`, state, account, key)
	return err
}

// MarkQueued records, inside the outbox's transaction, that the
// acknowledgement is queued: both happen or neither does.
func MarkQueued(ctx context.Context, tx *sql.Tx, account, key string, outboxID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE acks SET state = ?, outbox_id = ? WHERE account = ? AND message_key = ?`,
		StateQueued, outboxID, account, key)
	return err
}

// RecentToSender counts acknowledgements queued to addr in the last hour.
func (l *Ledger) RecentToSender(ctx context.Context, account, addr string) int {
	var n int
	l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM acks WHERE account = ? AND sender = ? AND state = ? AND created_at > ?`,
		account, addr, StateQueued, l.now().Add(-time.Hour).Unix()).Scan(&n)
	return n
}

// Recent counts the account's acknowledgements claimed or queued in the
// last hour (R2: the hourly cap).
func (l *Ledger) Recent(ctx context.Context, account string) int {
	var n int
	l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM acks WHERE account = ? AND state IN (?, ?) AND created_at > ?`,
		account, StateClaimed, StateQueued, l.now().Add(-time.Hour).Unix()).Scan(&n)
	return n
}

// QueuedAt returns when the acknowledgement of a message was queued.
func (l *Ledger) QueuedAt(ctx context.Context, account, messageID string) (time.Time, bool) {
	var created int64
	err := l.db.QueryRowContext(ctx, `SELECT created_at FROM acks WHERE account = ? AND message_id = ? AND state = ?`,
		account, messageID, StateQueued).Scan(&created)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(created, 0), true
}

// Decision is what a pass settled about one message on the server, so
// that later passes neither download nor decide it again (R2). Context
// fingerprints what the decision depended on besides the mail (profile,
// addresses, account date): a decision made under another context is
// made again.
type Decision struct {
	Folder      string
	UIDValidity uint32
	UID         uint32
	Context     string
	State       string // StateSkipped, StateManual, StateQueued, StateOther, StateError
	Reason      string
	MessageID   string
	Sender      string
	Subject     string
}

// Decided returns the decisions recorded for a folder under one
// UIDVALIDITY and context, by UID; with details false only errors carry
// their reason, sender and subject (the rest is not read, for speed).
func (l *Ledger) Decided(ctx context.Context, account, folder string, uidValidity uint32, context string, details bool) (map[uint32]Decision, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT uid, state, CASE WHEN ? OR state = ? THEN reason || char(0) || message_id || char(0) || sender || char(0) || subject ELSE '' END
		FROM ack_decided WHERE account = ? AND folder = ? AND uidvalidity = ? AND context = ?`, details, StateError, account, folder, uidValidity, context)
	if err != nil {
		return nil, fmt.Errorf("read acknowledgement decisions: %w", err)
	}
	defer rows.Close()
	out := map[uint32]Decision{}
	for rows.Next() {
		d := Decision{Folder: folder, UIDValidity: uidValidity, Context: context}
		var more string
		if err := rows.Scan(&d.UID, &d.State, &more); err != nil {
			return nil, fmt.Errorf("read acknowledgement decisions: %w", err)
		}
		if more != "" {
			f := strings.SplitN(more, "\x00", 4)
			d.Reason, d.MessageID, d.Sender, d.Subject = f[0], f[1], f[2], f[3]
		}
		out[d.UID] = d
	}
	return out, rows.Err()
}

// Record keeps decisions and, when f is given, where the folder stands,
// in one transaction; a decision for the same message replaces the one
// before.
func (l *Ledger) Record(ctx context.Context, account string, ds []Decision, f ...FolderState) error {
	if len(ds) == 0 && len(f) == 0 {
		return nil
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record acknowledgement decisions: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO ack_decided
		(account, folder, uid, uidvalidity, context, state, reason, message_id, sender, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("record acknowledgement decisions: %w", err)
	}
	defer st.Close()
	for _, d := range ds {
		if _, err := st.ExecContext(ctx, account, d.Folder, d.UID, d.UIDValidity, d.Context, d.State, d.Reason, d.MessageID, d.Sender, d.Subject); err != nil {
			return fmt.Errorf("record acknowledgement decisions: %w", err)
		}
	}
	for _, f := range f {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ack_folders (account, folder, uidvalidity, context, floor, uidnext, modseq, clean)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, account, f.Folder, f.UIDValidity, f.Context, f.Floor, f.UIDNext, int64(f.ModSeq), f.Clean); err != nil {
			return fmt.Errorf("record acknowledgement folder state: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record acknowledgement decisions: %w", err)
	}
	return nil
}

// Manual lists the documents left to the user to acknowledge (StateManual:
// "cần báo nhận thủ công") in a folder, under its current UIDVALIDITY.
func (l *Ledger) Manual(ctx context.Context, account, folder string) ([]Decision, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT d.uid, d.uidvalidity, d.context, d.reason, d.message_id, d.sender, d.subject
		FROM ack_decided d JOIN ack_folders f ON f.account = d.account AND f.folder = d.folder AND f.uidvalidity = d.uidvalidity
		WHERE d.account = ? AND d.folder = ? AND d.state = ? ORDER BY d.uid`, account, folder, StateManual)
	if err != nil {
		return nil, fmt.Errorf("read manual acknowledgements: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d := Decision{Folder: folder, State: StateManual}
		if err := rows.Scan(&d.UID, &d.UIDValidity, &d.Context, &d.Reason, &d.MessageID, &d.Sender, &d.Subject); err != nil {
			return nil, fmt.Errorf("read manual acknowledgements: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ForgetOtherValidity drops a folder's decisions made under another
// UIDVALIDITY: those UIDs name other messages now.
func (l *Ledger) ForgetOtherValidity(ctx context.Context, account, folder string, uidValidity uint32) error {
	_, err := l.db.ExecContext(ctx, `DELETE FROM ack_decided WHERE account = ? AND folder = ? AND uidvalidity != ?`, account, folder, uidValidity)
	return err
}

// FolderState is where a folder stood after the last pass over it.
type FolderState struct {
	Folder      string
	UIDValidity uint32
	Context     string
	// Floor is the lowest UID a pass looks at: mail below it arrived
	// before the account was added.
	Floor   uint32
	UIDNext uint32
	ModSeq  uint64 // HIGHESTMODSEQ when the pass began; 0 without CONDSTORE
	// Clean: the pass finished and left nothing to decide again.
	Clean bool
}

// FolderState returns the state a pass left, if any.
func (l *Ledger) FolderState(ctx context.Context, account, folder string) (FolderState, bool, error) {
	f := FolderState{Folder: folder}
	err := l.db.QueryRowContext(ctx, `SELECT uidvalidity, context, floor, uidnext, modseq, clean FROM ack_folders
		WHERE account = ? AND folder = ?`, account, folder).Scan(&f.UIDValidity, &f.Context, &f.Floor, &f.UIDNext, &f.ModSeq, &f.Clean)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("read acknowledgement folder state: %w", err)
	}
	return f, true, nil
}
