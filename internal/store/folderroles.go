package store

import (
	"context"
	"fmt"
)

// FolderRoles maps each of the account's folders to its role ("" for an
// ordinary folder), without counting their messages.
func (s *Store) FolderRoles(ctx context.Context, account string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, role FROM folders WHERE account = ?`, account)
	if err != nil {
		return nil, fmt.Errorf("list folder roles: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, role string
		if err := rows.Scan(&name, &role); err != nil {
			return nil, fmt.Errorf("list folder roles: %w", err)
		}
		out[name] = role
	}
	return out, rows.Err()
}
