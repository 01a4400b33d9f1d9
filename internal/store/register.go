package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// The document register (sổ đăng ký văn bản, HN 9.2, R8, R10): one row per
// document received in INBOX or filed in Sent, numbered in sequence per
// account, direction and year. A row is keyed by the document's Message-ID
// (or, without one, by sender, date and subject), so a re-sync that gives
// the mail new UIDs finds the same row and number. Corrections the clerk
// makes are kept apart in register_fixes and laid over the row again
// whenever its fields are read anew from the mail.
const registerSchema = `
CREATE TABLE IF NOT EXISTS register (
	id              INTEGER PRIMARY KEY,
	account         TEXT NOT NULL,
	direction       TEXT NOT NULL,
	year            INTEGER NOT NULL,
	number          INTEGER NOT NULL,
	message_key     TEXT NOT NULL,
	message_id      TEXT NOT NULL DEFAULT '',
	received_at     INTEGER NOT NULL,
	from_name       TEXT NOT NULL DEFAULT '',
	from_addr       TEXT NOT NULL DEFAULT '',
	recipients      TEXT NOT NULL DEFAULT '[]',
	agency          TEXT NOT NULL DEFAULT '',
	doc_number      TEXT NOT NULL DEFAULT '',
	doc_date        TEXT NOT NULL DEFAULT '',
	doc_type        TEXT NOT NULL DEFAULT '',
	summary         TEXT NOT NULL DEFAULT '',
	attachments     TEXT NOT NULL DEFAULT '[]',
	extracted       INTEGER NOT NULL DEFAULT 0,
	acknowledged_at INTEGER NOT NULL DEFAULT 0,
	assigned_to     TEXT NOT NULL DEFAULT '[]',
	note            TEXT NOT NULL DEFAULT '',
	deadline        TEXT NOT NULL DEFAULT '',
	forward_id      TEXT NOT NULL DEFAULT '',
	assigned_at     INTEGER NOT NULL DEFAULT 0,
	progress_at     INTEGER NOT NULL DEFAULT 0,
	done_at         INTEGER NOT NULL DEFAULT 0,
	signatures      TEXT NOT NULL DEFAULT '[]',
	packed          TEXT NOT NULL DEFAULT '',
	UNIQUE (account, direction, message_key),
	UNIQUE (account, direction, year, number)
);
CREATE INDEX IF NOT EXISTS register_by_date ON register (received_at);
CREATE INDEX IF NOT EXISTS register_by_forward ON register (forward_id);
CREATE INDEX IF NOT EXISTS messages_by_in_reply_to ON messages (in_reply_to);
CREATE TABLE IF NOT EXISTS register_fixes (
	account     TEXT NOT NULL,
	direction   TEXT NOT NULL,
	message_key TEXT NOT NULL,
	field       TEXT NOT NULL,
	value       TEXT NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (account, direction, message_key, field)
) WITHOUT ROWID;
`

// Register directions.
const (
	DirectionIn  = "in"  // số đến: received in INBOX
	DirectionOut = "out" // số đi: filed in Sent
)

// RegisterRow is one register entry as stored.
type RegisterRow struct {
	ID             int64
	Account        string
	Direction      string
	Year, Number   int
	MessageKey     string
	MessageID      string
	ReceivedAt     time.Time
	From           model.Address
	Recipients     []model.Address
	Agency         string
	DocNumber      string
	DocDate        string
	DocType        string
	Summary        string
	Attachments    []string
	Extracted      bool
	AcknowledgedAt time.Time
	AssignedTo     []string
	Note           string
	Deadline       string
	ForwardID      string
	AssignedAt     time.Time
	ProgressAt     time.Time
	DoneAt         time.Time
	// Signatures is the JSON of the attached documents' digital signatures.
	Signatures string
}

// RegisterCandidate is a stored document not yet in the register.
type RegisterCandidate struct {
	MessageID   int64 // the messages row
	Key         string
	HeaderID    string
	Date        time.Time
	From        model.Address
	Recipients  []model.Address
	Subject     string
	Attachments []string
}

// messageKey is the register key of a messages row (alias m).
const messageKey = `CASE WHEN m.message_id != '' THEN m.message_id ELSE m.from_addr || '|' || m.date || '|' || m.subject END`

// arrival is when a messages row (alias m) reached the mailbox: its
// INTERNALDATE, else its Date header.
const arrival = `CASE WHEN m.internal_date > 0 THEN m.internal_date ELSE m.date END`

// RegisterCandidates lists the account's documents of one direction that
// have no register entry yet, oldest first. The client's own processing
// forwards and the answers to them are not documents of the register.
func (s *Store) RegisterCandidates(ctx context.Context, account, direction string) ([]RegisterCandidate, error) {
	where := `f.name = 'INBOX'`
	if direction == DirectionOut {
		where = `f.role = 'sent'`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, `+messageKey+`, m.message_id, `+arrival+`, m.from_name, m.from_addr,
		m.to_json, m.cc_json, m.subject, m.attachments
		FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND `+where+` AND m.document = 1
		AND NOT EXISTS (SELECT 1 FROM register r WHERE r.account = f.account AND r.direction = ? AND r.message_key = `+messageKey+`)
		AND NOT EXISTS (SELECT 1 FROM register r WHERE r.forward_id != '' AND r.forward_id IN (m.message_id, m.in_reply_to))
		ORDER BY `+arrival+`, m.id`, account, direction)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	defer rows.Close()
	var out []RegisterCandidate
	seen := map[string]bool{}
	for rows.Next() {
		var c RegisterCandidate
		var date int64
		var to, cc, atts string
		if err := rows.Scan(&c.MessageID, &c.Key, &c.HeaderID, &date, &c.From.Name, &c.From.Address, &to, &cc, &c.Subject, &atts); err != nil {
			return nil, err
		}
		if seen[c.Key] { // the same document in two copies
			continue
		}
		seen[c.Key] = true
		c.Date = time.Unix(date, 0)
		var toList, ccList []model.Address
		json.Unmarshal([]byte(to), &toList)
		json.Unmarshal([]byte(cc), &ccList)
		c.Recipients = append(toList, ccList...)
		if atts != "" {
			c.Attachments = strings.Split(atts, "\n")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddRegisterEntry gives r the next number of its account, direction and
// year and stores it; an entry already stored under the same key keeps its
// number and is returned unchanged.
func (s *Store) AddRegisterEntry(ctx context.Context, r *RegisterRow) error {
	return s.inTx(ctx, func(tx txExec) error {
		err := tx.QueryRowContext(ctx, `SELECT id, number FROM register WHERE account = ? AND direction = ? AND message_key = ?`,
			r.Account, r.Direction, r.MessageKey).Scan(&r.ID, &r.Number)
		if err == nil {
			return nil
		}
		if err != sql.ErrNoRows {
			return err
		}
		r.Year = r.ReceivedAt.Year()
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM register WHERE account = ? AND direction = ? AND year = ?`,
			r.Account, r.Direction, r.Year).Scan(&r.Number); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO register (account, direction, year, number, message_key, message_id,
			received_at, from_name, from_addr, recipients, agency, doc_number, doc_date, doc_type, summary, attachments, extracted, signatures)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Account, r.Direction, r.Year, r.Number, r.MessageKey, r.MessageID, r.ReceivedAt.Unix(), r.From.Name, r.From.Address,
			jsonText(nonNil(r.Recipients)), r.Agency, r.DocNumber, r.DocDate, r.DocType, r.Summary, jsonText(nonNilStrings(r.Attachments)), r.Extracted, signaturesText(r.Signatures))
		if err != nil {
			return fmt.Errorf("register entry: %w", err)
		}
		r.ID, err = res.LastInsertId()
		return err
	})
}

// RegisterFilter selects register entries; zero fields select all.
type RegisterFilter struct {
	Account   string
	Direction string
	From, To  time.Time // received in [From, To)
	ID        int64
	Key       string // the entry of this message key
	Unread    bool   // only entries whose fields were not read from the whole mail yet
	Assigned  bool   // only entries forwarded for processing and not done
	// Following keeps entries still awaited: sent documents not yet
	// acknowledged by all, forwards without an assignee's answer.
	Following bool
	Limit     int
}

const registerColumns = `id, account, direction, year, number, message_key, message_id, received_at, from_name, from_addr,
	recipients, agency, doc_number, doc_date, doc_type, summary, attachments, extracted, acknowledged_at, assigned_to,
	note, deadline, forward_id, assigned_at, progress_at, done_at, signatures`

// RegisterRows lists entries in register order (account, direction, year,
// number), from the in-memory register brought up to date first.
func (s *Store) RegisterRows(ctx context.Context, f RegisterFilter) ([]RegisterRow, error) {
	var out []RegisterRow
	err := s.EachRegisterRow(ctx, f, func(n int) { out = make([]RegisterRow, 0, n) }, func(r *RegisterRow) { out = append(out, *r) })
	return out, err
}

// EachRegisterRow calls each with the entries f selects, in register order,
// after telling count how many there are; the rows must not be kept or
// changed, and count and each must not call the store's register.
func (s *Store) EachRegisterRow(ctx context.Context, f RegisterFilter, count func(int), each func(*RegisterRow)) error {
	s.register.mu.Lock()
	defer s.register.mu.Unlock()
	if err := s.register.update(ctx, s.db); err != nil {
		return err
	}
	n := 0
	for i := range s.register.rows {
		if f.Limit > 0 && n == f.Limit {
			break
		}
		if f.matches(&s.register.rows[i]) {
			n++
		}
	}
	count(n)
	for i := range s.register.rows {
		if n == 0 {
			break
		}
		if r := &s.register.rows[i]; f.matches(r) {
			each(r)
			n--
		}
	}
	return nil
}

// matches says whether f selects r.
func (f RegisterFilter) matches(r *RegisterRow) bool {
	switch {
	case f.Account != "" && r.Account != f.Account,
		f.Direction != "" && r.Direction != f.Direction,
		!f.From.IsZero() && r.ReceivedAt.Unix() < f.From.Unix(),
		!f.To.IsZero() && r.ReceivedAt.Unix() >= f.To.Unix(),
		f.ID != 0 && r.ID != f.ID,
		f.Key != "" && r.MessageKey != f.Key,
		f.Unread && r.Extracted,
		f.Assigned && (r.ForwardID == "" || !r.DoneAt.IsZero()),
		f.Following && !((r.Direction == DirectionOut && r.AcknowledgedAt.IsZero()) || (r.ForwardID != "" && r.ProgressAt.IsZero())):
		return false
	}
	return true
}

// RegisterRowByNumber finds the entry with a number; with account or
// direction empty, any account or direction, when only one matches.
func (s *Store) RegisterRowsByNumber(ctx context.Context, account, direction string, year, number int) ([]RegisterRow, error) {
	q := `SELECT id FROM register WHERE number = ? AND year = ?`
	args := []any{number, year}
	if account != "" {
		q += ` AND account = ?`
		args = append(args, account)
	}
	if direction != "" {
		q += ` AND direction = ?`
		args = append(args, direction)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var out []RegisterRow
	for _, id := range ids {
		r, err := s.RegisterRows(ctx, RegisterFilter{ID: id})
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

// RegisterColumns are the columns UpdateRegister may set.
var RegisterColumns = map[string]bool{"agency": true, "doc_number": true, "doc_date": true, "doc_type": true,
	"summary": true, "from_name": true, "extracted": true, "acknowledged_at": true, "assigned_to": true, "note": true,
	"deadline": true, "forward_id": true, "assigned_at": true, "progress_at": true, "done_at": true, "signatures": true}

// UpdateRegister sets columns of one entry; values are strings, integers
// or string lists (stored as JSON).
func (s *Store) UpdateRegister(ctx context.Context, id int64, set map[string]any) error {
	if len(set) == 0 {
		return nil
	}
	var cols []string
	var args []any
	for k, v := range set {
		if !RegisterColumns[k] {
			return fmt.Errorf("register: no column %q", k)
		}
		if l, ok := v.([]string); ok {
			v = jsonText(nonNilStrings(l))
		}
		cols = append(cols, k+" = ?")
		args = append(args, v)
	}
	args = append(args, id)
	_, err := s.db.ExecContext(ctx, `UPDATE register SET `+strings.Join(cols, ", ")+` WHERE id = ?`, args...)
	return err
}

// SetRegisterFix records a correction of one field, to be laid over the
// entry each time its fields are read anew.
func (s *Store) SetRegisterFix(ctx context.Context, account, direction, key, field, value string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO register_fixes (account, direction, message_key, field, value, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, direction, message_key, field) DO UPDATE SET value = excluded.value, at = excluded.at`,
		account, direction, key, field, value, at.Unix())
	return err
}

// RegisterFixes returns the corrections of one entry, by field.
func (s *Store) RegisterFixes(ctx context.Context, account, direction, key string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT field, value FROM register_fixes WHERE account = ? AND direction = ? AND message_key = ?`,
		account, direction, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var f, v string
		if err := rows.Scan(&f, &v); err != nil {
			return nil, err
		}
		out[f] = v
	}
	return out, rows.Err()
}

// RegisterReply is a stored message answering a register entry's mail.
type RegisterReply struct {
	ID      int64 // the messages row
	From    string
	Subject string
	Date    time.Time
}

// RepliesTo lists the account's received messages whose In-Reply-To names
// messageID (acknowledgements, reports back), oldest first.
func (s *Store) RepliesTo(ctx context.Context, account, messageID string) ([]RegisterReply, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.from_addr, m.subject, m.date FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.role != 'sent' AND m.in_reply_to = ? ORDER BY m.date`, account, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegisterReply
	for rows.Next() {
		var r RegisterReply
		var date int64
		if err := rows.Scan(&r.From, &r.Subject, &date); err != nil {
			return nil, err
		}
		r.From = strings.ToLower(r.From)
		r.Date = time.Unix(date, 0)
		out = append(out, r)
	}
	return out, rows.Err()
}

// MessagesFromSince lists the account's received messages from any of
// addrs dated at or after since, oldest first, at most limit: the mail in
// which assignees may answer a forward without naming it in In-Reply-To.
func (s *Store) MessagesFromSince(ctx context.Context, account string, addrs []string, since time.Time, limit int) ([]RegisterReply, error) {
	if len(addrs) == 0 {
		return nil, nil
	}
	args := []any{account, since.Unix()}
	marks := make([]string, len(addrs))
	for i, a := range addrs {
		marks[i] = "?"
		args = append(args, strings.ToLower(strings.TrimSpace(a)))
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.from_addr, m.subject, m.date FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.role != 'sent' AND m.date >= ? AND lower(m.from_addr) IN (`+strings.Join(marks, ", ")+`)
		ORDER BY m.date, m.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegisterReply
	for rows.Next() {
		var r RegisterReply
		var date int64
		if err := rows.Scan(&r.ID, &r.From, &r.Subject, &date); err != nil {
			return nil, err
		}
		r.From = strings.ToLower(r.From)
		r.Date = time.Unix(date, 0)
		out = append(out, r)
	}
	return out, rows.Err()
}

// MessageByHeaderID finds the account's stored message with a Message-ID.
func (s *Store) MessageByHeaderID(ctx context.Context, account, messageID string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND m.message_id = ? ORDER BY (f.name = 'INBOX') DESC, m.id LIMIT 1`, account, messageID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, fmt.Errorf("%w: no message %s in account %s", failure.ErrNotFound, messageID, account)
	}
	return id, err
}

// AckedInbox says when an INBOX message's acknowledgement was queued, or
// when this client learnt another delegate had sent it (R2, LA 6.2).
func (s *Store) AckedInbox(ctx context.Context, account, messageID string) time.Time {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(created_at), 0) FROM acks WHERE account = ? AND message_id = ? AND state IN ('queued', 'other')`,
		account, messageID).Scan(&at)
	if err != nil {
		return time.Time{}
	}
	return unixOrZero(at)
}

func unixOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func nonNilStrings(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// UpdateRegisterAcks fills in when each INBOX document of the account was
// acknowledged, from the acknowledgement ledger (R2, LA 6.2).
func (s *Store) UpdateRegisterAcks(ctx context.Context, account string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE register SET acknowledged_at = (SELECT MIN(a.created_at) FROM acks a
		WHERE a.account = register.account AND a.message_id = register.message_id AND a.state IN ('queued', 'other'))
		WHERE account = ? AND direction = 'in' AND acknowledged_at = 0 AND message_id != ''
		AND EXISTS (SELECT 1 FROM acks a WHERE a.account = register.account AND a.message_id = register.message_id AND a.state IN ('queued', 'other'))`,
		account)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return nil // no acknowledgement was ever decided here
	}
	return err
}

// signaturesText is a row's signatures JSON, "[]" when there are none.
func signaturesText(s string) string {
	if s == "" {
		return "[]"
	}
	return s
}
