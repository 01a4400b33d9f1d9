package store

import (
	"context"
	"time"
)

// The check log records every time the user checked mail: evidence for
// the compliance figures the agencies report (R1, R10: LA 16.1, HN 11.8).
const checksSchema = `
CREATE TABLE IF NOT EXISTS checks (
	id      INTEGER PRIMARY KEY,
	account TEXT NOT NULL,
	at      INTEGER NOT NULL,
	how     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS checks_by_account ON checks (account, at);
`

// CheckLog is the store's check log; it satisfies remind.CheckLog.
type CheckLog struct{ s *Store }

// Checks returns the check log.
func (s *Store) Checks() *CheckLog { return &CheckLog{s} }

// RecordCheck logs a check ("open", "check-now", "tray").
func (l *CheckLog) RecordCheck(account string, when time.Time, how string) error {
	_, err := l.s.db.Exec(`INSERT INTO checks (account, at, how) VALUES (?, ?, ?)`, account, when.UnixMilli(), how)
	return err
}

// LastCheck returns the account's latest check, or the zero time.
func (l *CheckLog) LastCheck(account string) time.Time {
	var at int64
	if err := l.s.db.QueryRow(`SELECT COALESCE(MAX(at), 0) FROM checks WHERE account = ?`, account).Scan(&at); err != nil || at == 0 {
		return time.Time{}
	}
	return time.UnixMilli(at)
}

// Check is one logged check.
type Check struct {
	Account string    `json:"account"`
	At      time.Time `json:"at"`
	How     string    `json:"how"`
}

// Between lists the checks in [from, to).
func (l *CheckLog) Between(ctx context.Context, from, to time.Time) ([]Check, error) {
	rows, err := l.s.db.QueryContext(ctx, `SELECT account, at, how FROM checks WHERE at >= ? AND at < ? ORDER BY at`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		var at int64
		if err := rows.Scan(&c.Account, &at, &c.How); err != nil {
			return nil, err
		}
		c.At = time.UnixMilli(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
