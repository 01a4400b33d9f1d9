package store

import (
	"context"
	"fmt"
	"strings"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// FolderState is a folder's identity and its IMAP sync state.
type FolderState struct {
	ID            int64
	Account       string
	Name          string
	Role          string
	UIDValidity   uint32
	UIDNext       uint32
	HighestModSeq uint64
}

// EnsureFolder returns the folder, creating it or updating its role.
func (s *Store) EnsureFolder(ctx context.Context, account, name, role string) (FolderState, error) {
	f := FolderState{Account: account, Name: name, Role: role}
	// A known folder with its role is only read: a pass with nothing
	// changed writes (and syncs) nothing.
	var known string
	err := s.db.QueryRowContext(ctx, `SELECT id, role, uidvalidity, uidnext, highestmodseq FROM folders WHERE account = ? AND name = ?`,
		account, name).Scan(&f.ID, &known, &f.UIDValidity, &f.UIDNext, &f.HighestModSeq)
	if err == nil && known == role {
		return f, nil
	}
	err = s.db.QueryRowContext(ctx, `
		INSERT INTO folders (account, name, role) VALUES (?, ?, ?)
		ON CONFLICT (account, name) DO UPDATE SET role = excluded.role
		RETURNING id, uidvalidity, uidnext, highestmodseq`, account, name, role).
		Scan(&f.ID, &f.UIDValidity, &f.UIDNext, &f.HighestModSeq)
	if err != nil {
		return f, fmt.Errorf("store folder %s: %w", name, err)
	}
	return f, nil
}

// SetFolderState records that the folder is in sync up to these values.
func (s *Store) SetFolderState(ctx context.Context, id int64, uidValidity, uidNext uint32, modSeq uint64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE folders SET uidvalidity = ?, uidnext = ?, highestmodseq = ? WHERE id = ?`,
		uidValidity, uidNext, modSeq, id)
	if err != nil {
		return fmt.Errorf("store folder state: %w", err)
	}
	return nil
}

// ResetFolder forgets every message of a folder whose UIDVALIDITY changed:
// its UIDs no longer name the same messages.
func (s *Store) ResetFolder(ctx context.Context, id int64, uidValidity uint32) error {
	err := s.inTx(ctx, func(tx txExec) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE folder_id = ?`, id); err != nil {
			return fmt.Errorf("reset folder: %w", err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE folders SET uidvalidity = ?, uidnext = 0, highestmodseq = 0 WHERE id = ?`, uidValidity, id)
		return err
	})
	if err != nil {
		return err
	}
	return s.ReclaimBodies(ctx)
}

// RemoveFoldersExcept deletes the account's folders that the server no longer lists.
func (s *Store) RemoveFoldersExcept(ctx context.Context, account string, keep []string) error {
	states, err := s.FolderStates(ctx, account)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, k := range keep {
		want[k] = true
	}
	removed := false
	for _, f := range states {
		if !want[f.Name] {
			if _, err := s.db.ExecContext(ctx, `DELETE FROM folders WHERE id = ?`, f.ID); err != nil {
				return fmt.Errorf("remove folder %s: %w", f.Name, err)
			}
			removed = true
		}
	}
	if removed {
		return s.ReclaimBodies(ctx)
	}
	return nil
}

// RemoveAccount deletes everything stored for an account, its bodies'
// bytes in the packs included. No text of its mail stays in the database
// files either: the rows are deleted with secure_delete (freed space is
// zeroed), the search index is rewritten without the account's terms, and
// the write-ahead log is emptied. The register and the check log stay:
// they are the agency's records (R8, R10).
func (s *Store) RemoveAccount(ctx context.Context, account string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
	steps := []struct {
		query string
		args  []any
	}{
		{`DELETE FROM folders WHERE account = ?`, []any{account}},
		// Deleting from a contentless index leaves the terms in its
		// segments until they merge; optimize merges them all now.
		{`INSERT INTO search (search) VALUES ('optimize')`, nil},
	}
	for _, st := range steps {
		if _, err := conn.ExecContext(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("remove account %s: %w", account, err)
		}
	}
	if err := s.PurgeBodies(ctx); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("remove account %s: %w", account, err)
	}
	return nil
}

// FolderStates lists the account's folders with their sync state.
func (s *Store) FolderStates(ctx context.Context, account string) ([]FolderState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, account, name, role, uidvalidity, uidnext, highestmodseq
		FROM folders WHERE account = ? ORDER BY name`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FolderState
	for rows.Next() {
		var f FolderState
		if err := rows.Scan(&f.ID, &f.Account, &f.Name, &f.Role, &f.UIDValidity, &f.UIDNext, &f.HighestModSeq); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// foldersQuery lists an account's folders with their totals and unread
// counts, read from messages_by_folder_seen alone: the unread count seeks
// straight to the folder's unread entries instead of summing every row.
const foldersQuery = `
	SELECT f.name, f.role,
		(SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id),
		(SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id AND m.seen = 0)
	FROM folders f
	WHERE f.account = ?
	ORDER BY CASE f.role WHEN 'inbox' THEN 0 WHEN '' THEN 2 ELSE 1 END, f.name`

// Folders lists the account's folders with message and unread counts,
// INBOX first, then by role, then by name.
func (s *Store) Folders(ctx context.Context, account string) ([]model.Folder, error) {
	rows, err := s.db.QueryContext(ctx, foldersQuery, account)
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	defer rows.Close()
	var out []model.Folder
	for rows.Next() {
		f := model.Folder{Account: account}
		if err := rows.Scan(&f.Name, &f.Role, &f.Total, &f.Unread); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FolderID returns the id of an account's folder.
func (s *Store) FolderID(ctx context.Context, account, name string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM folders WHERE account = ? AND name = ?`, account, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("%w: folder %s of %s", failure.ErrNotFound, name, account)
	}
	return id, nil
}

// MessageFlags returns a message's flags as stored.
func (s *Store) MessageFlags(ctx context.Context, id int64) ([]string, error) {
	var flags string
	if err := s.db.QueryRowContext(ctx, `SELECT flags FROM messages WHERE id = ?`, id).Scan(&flags); err != nil {
		return nil, fmt.Errorf("%w: message %d", failure.ErrNotFound, id)
	}
	return strings.Fields(flags), nil
}
