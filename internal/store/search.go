package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// Search finds messages whose subject, sender, attachment names or body
// contain every word of query, diacritics and case ignored, newest first.
// account "" searches every account. Headers a sync stored but the
// background pass has not indexed yet are indexed first (IndexHeaders); if
// that fails (a full disk), the search still answers from what is indexed.
func (s *Store) Search(ctx context.Context, query, account string, limit int) ([]model.MessageSummary, error) {
	match := matchExpr(query)
	if match == "" {
		return nil, nil
	}
	if s.headersWaiting(ctx) {
		s.IndexHeaders(ctx)
	}
	if limit <= 0 {
		limit = 50
	}
	q := `SELECT ` + summaryColumns + `
		FROM search JOIN messages m ON m.search_key = search.rowid JOIN folders f ON f.id = m.folder_id
		WHERE search MATCH ?`
	args := []any{match}
	if account != "" {
		q += ` AND f.account = ?`
		args = append(args, account)
	}
	q += ` ORDER BY search.rowid DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanSummaries(rows)
}

// matchExpr turns free text into an FTS5 expression: every folded word
// must occur, each as a prefix.
func matchExpr(query string) string {
	words := strings.FieldsFunc(vntext.Fold(query), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}
