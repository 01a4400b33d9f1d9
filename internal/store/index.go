package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"thucongvu/internal/vntext"
)

// indexRow is one message's folded text in the full-text index.
type indexRow struct {
	key                   int64
	subject, sender, body string
}

// newIndexRow folds a message's searchable text: the subject with the
// attachments' names (stored one a line), the sender's name and address,
// and the body's text.
func newIndexRow(key int64, subject, attachments, sender, body string) indexRow {
	return indexRow{key: key, subject: vntext.Fold(subject + " " + strings.ReplaceAll(attachments, "\n", " ")),
		sender: vntext.Fold(sender), body: vntext.Fold(body)}
}

// indexChunk bounds one statement (4 parameters a row, below SQLite's
// limit of 32,766). Every statement ends in one more index segment to
// merge, so a whole header batch goes in one.
const indexChunk = 4000

// writeIndex puts rows into the index with a few multi-row statements.
// FTS5 flushes its pending terms at every statement savepoint: one
// statement a message would write one tiny segment a message and spend
// the sync merging them. FTS5 also flushes whenever a rowid comes lower
// than the one before, so the rows go in ascending key order (the body
// pass downloads newest first). With replace, the rows' old entries go
// first.
func writeIndex(ctx context.Context, tx txExec, rows []indexRow, replace bool) error {
	slices.SortFunc(rows, func(a, b indexRow) int { return cmp.Compare(a.key, b.key) })
	for len(rows) > 0 {
		n := min(len(rows), indexChunk)
		chunk := rows[:n]
		rows = rows[n:]
		marks := strings.TrimSuffix(strings.Repeat("?,", n), ",")
		if replace {
			args := make([]any, n)
			for i, r := range chunk {
				args[i] = r.key
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (`+marks+`)`, args...); err != nil {
				return fmt.Errorf("update index: %w", err)
			}
		}
		args := make([]any, 0, 4*n)
		for _, r := range chunk {
			args = append(args, r.key, r.subject, r.sender, r.body)
		}
		values := strings.TrimSuffix(strings.Repeat("(?,?,?,?),", n), ",")
		if _, err := tx.ExecContext(ctx, `INSERT INTO search (rowid, subject, sender, body) VALUES `+values, args...); err != nil {
			return fmt.Errorf("update index: %w", err)
		}
	}
	return nil
}
