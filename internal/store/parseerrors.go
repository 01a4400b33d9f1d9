package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// A body that could not be decoded is stored all the same, with the
// reason kept here, so the sync goes on and the reader and the
// acknowledgement pass can say why that one message is unreadable.
const parseErrorsSchema = `
CREATE TABLE IF NOT EXISTS parse_errors (
	message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	reason  TEXT NOT NULL
);
`

// maxReasonBytes bounds a stored reason.
const maxReasonBytes = 1 << 10

// ParseError returns why a message's body could not be decoded; "" when
// it could or has not been tried.
func (s *Store) ParseError(ctx context.Context, id int64) (string, error) {
	var reason string
	err := s.db.QueryRowContext(ctx, `SELECT reason FROM parse_errors WHERE message = ?`, id).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return reason, err
}

// SetParseError records why a message's body could not be decoded; an
// empty reason clears it.
func (s *Store) SetParseError(ctx context.Context, id int64, reason string) error {
	return setParseError(ctx, s.db, id, reason)
}

func setParseError(ctx context.Context, db txExec, id int64, reason string) error {
	if reason == "" {
		_, err := db.ExecContext(ctx, `DELETE FROM parse_errors WHERE message = ?`, id)
		return err
	}
	if len(reason) > maxReasonBytes {
		reason = strings.ToValidUTF8(reason[:maxReasonBytes], "")
	}
	_, err := db.ExecContext(ctx, `INSERT OR REPLACE INTO parse_errors (message, reason) VALUES (?, ?)`, id, reason)
	return err
}
