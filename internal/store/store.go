// Package store is the client's local SQLite database (pure-Go driver
// modernc.org/sqlite): folders with their sync state, messages with flags
// and structure, raw bodies, and a full-text index whose text is folded with
// vntext.Fold so that searches ignore diacritics ("van ban" finds "văn bản").
// It knows no network and no UI; callers pass plain records.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"
)

// The full-text index's rowid is a message's search key: its date in
// seconds shifted left 20 bits, plus the low bits of its id. The index then
// yields matches newest first by itself, and a search stops after the first
// LIMIT hits instead of sorting every match.
const searchKeyShift = 20

// Store is one open database.
type Store struct {
	db       *sql.DB
	packs    string // directory of the body packs (packs.go)
	register registerCache
}

const schema = `
CREATE TABLE IF NOT EXISTS folders (
	id            INTEGER PRIMARY KEY,
	account       TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL DEFAULT '',
	uidvalidity   INTEGER NOT NULL DEFAULT 0,
	uidnext       INTEGER NOT NULL DEFAULT 0,
	highestmodseq INTEGER NOT NULL DEFAULT 0,
	UNIQUE (account, name)
);
CREATE TABLE IF NOT EXISTS messages (
	id              INTEGER PRIMARY KEY,
	folder_id       INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
	uid             INTEGER NOT NULL,
	modseq          INTEGER NOT NULL DEFAULT 0,
	message_id      TEXT NOT NULL DEFAULT '',
	in_reply_to     TEXT NOT NULL DEFAULT '',
	subject         TEXT NOT NULL DEFAULT '',
	from_name       TEXT NOT NULL DEFAULT '',
	from_addr       TEXT NOT NULL DEFAULT '',
	to_json         TEXT NOT NULL DEFAULT '[]',
	cc_json         TEXT NOT NULL DEFAULT '[]',
	date            INTEGER NOT NULL DEFAULT 0,
	internal_date   INTEGER NOT NULL DEFAULT 0,
	size            INTEGER NOT NULL DEFAULT 0,
	flags           TEXT NOT NULL DEFAULT '',
	seen            INTEGER NOT NULL DEFAULT 0,
	flagged         INTEGER NOT NULL DEFAULT 0,
	answered        INTEGER NOT NULL DEFAULT 0,
	has_attachments INTEGER NOT NULL DEFAULT 0,
	document        INTEGER NOT NULL DEFAULT 0,
	secret          TEXT NOT NULL DEFAULT '',
	attachments     TEXT NOT NULL DEFAULT '',
	has_body        INTEGER NOT NULL DEFAULT 0,
	search_key      INTEGER,
	UNIQUE (folder_id, uid)
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_search_key ON messages (search_key);
CREATE INDEX IF NOT EXISTS messages_by_date ON messages (folder_id, date DESC);
CREATE INDEX IF NOT EXISTS messages_by_msgid ON messages (message_id);
-- Covers the folder list's totals and unread counts: a cold start reads
-- the index, not every message row.
CREATE INDEX IF NOT EXISTS messages_by_folder_seen ON messages (folder_id, seen);
CREATE TABLE IF NOT EXISTS bodies (
	message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	raw     BLOB NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
	subject, sender, body,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER IF NOT EXISTS messages_unindex AFTER DELETE ON messages BEGIN
	DELETE FROM search WHERE rowid = old.search_key;
END;
`

// Open opens (creating if needed) the database file at path.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if _, err := db.Exec(schema + checksSchema + parseErrorsSchema + registerSchema + packsSchema + pdfSignaturesSchema + bodyIndexSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := registerPackSchema(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Store{db: db, packs: packDir(path)}, nil
}

// ownerOnly creates the database file 0600 before SQLite does (SQLite
// creates it 0644 and gives -wal, -shm and -journal the database's mode),
// and brings existing files of an older install down to 0600.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// OpenHome opens the store in the state folder home.
func OpenHome(home string) (*Store, error) {
	return Open(filepath.Join(home, "mail.db"))
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the database to sibling engine packages (outbox, ledger).
func (s *Store) DB() *sql.DB { return s.db }

// txExec is what a transaction body may call.
type txExec interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func (s *Store) inTx(ctx context.Context, fn func(txExec) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
