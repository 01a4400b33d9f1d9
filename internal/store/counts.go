package store

import (
	"context"
	"fmt"
)

// InboxCounts counts the account's INBOX: unread messages and documents
// not yet acknowledged (R1 reminders, R2), over every stored message.
func (s *Store) InboxCounts(ctx context.Context, account string) (unread, unacked int, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT COALESCE(SUM(m.seen = 0), 0),
		       COALESCE(SUM(m.document <> 0 AND (' ' || m.flags || ' ') NOT LIKE ?), 0)
		FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.name = 'INBOX'`, "% "+KeywordAcked+" %", account).Scan(&unread, &unacked)
	if err != nil {
		return 0, 0, fmt.Errorf("count INBOX: %w", err)
	}
	return unread, unacked, nil
}
