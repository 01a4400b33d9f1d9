package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// KeywordAcked marks on the server a message this client (or another
// delegate's) acknowledged (R2, LA 6.2).
const KeywordAcked = "$TCVAcked"

// Record is one message as the sync engine stores it.
type Record struct {
	UID            uint32
	ModSeq         uint64
	MessageID      string
	InReplyTo      string
	Subject        string
	From           model.Address
	To, Cc         []model.Address
	Date           time.Time
	InternalDate   time.Time
	Size           int64
	Flags          []string
	HasAttachments bool
	Document       bool
	Secret         string
	// Attachments are the attachment file names, for search and the list.
	Attachments []string

	stored *storedForm // set by Prepare
}

// storedForm is a record as its row and index entry hold it.
type storedForm struct {
	subject, fromName, to, cc, flags, attachments string
	seen, flagged, answered                       bool
}

// Prepare computes what Put stores and indexes for r (normal forms,
// folded text, encoded lists). Put does it itself when the caller has not;
// the sync engine calls it beside the writer so both cores work. r must
// not change after.
func (r *Record) Prepare() { r.stored = r.storedForm() }

func (r *Record) storedForm() *storedForm {
	to, _ := json.Marshal(nonNil(r.To))
	cc, _ := json.Marshal(nonNil(r.Cc))
	f := &storedForm{subject: vntext.NFC(r.Subject), fromName: vntext.NFC(r.From.Name), to: string(to), cc: string(cc),
		flags: strings.Join(r.Flags, " "), attachments: strings.Join(r.Attachments, "\n"),
		seen: hasFlag(r.Flags, `\Seen`), flagged: hasFlag(r.Flags, `\Flagged`), answered: hasFlag(r.Flags, `\Answered`)}
	return f
}

// Batch writes many records in one transaction; the sync engine commits a
// batch at a time so an interrupted sync resumes where it stopped.
type Batch struct {
	ctx         context.Context
	tx          *sql.Tx
	insert      *sql.Stmt
	chunkInsert *sql.Stmt // insertChunk messages at once, prepared when first needed
	flags       *sql.Stmt
	queue       []queued // put, not yet inserted
	nextID      int64    // the id the next new message gets (0: not read yet)
	unindexed   []int64  // new messages, queued for the index at Commit
	store       *Store
	deleted     bool // messages were deleted: their bodies' space is reclaimed after Commit
}

// BeginBatch starts a write batch.
func (s *Store) BeginBatch(ctx context.Context) (*Batch, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	b := &Batch{ctx: ctx, tx: tx, store: s}
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	b.insert = prep(insertColumns + insertRow + insertConflict)
	b.flags = prep(`UPDATE messages SET flags = ?, seen = ?, flagged = ?, answered = ?, modseq = ? WHERE folder_id = ? AND uid = ?`)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("begin batch: %w", err)
	}
	return b, nil
}

// Put stores a message; one already stored under the same UID only has its
// flags updated, so replaying a batch never duplicates. Messages go in
// insertChunk at a time; an error may come from a later call for an
// earlier message, and leaves the batch to be rolled back.
func (b *Batch) Put(folderID int64, r *Record) error {
	f := r.stored
	if f == nil {
		f = r.storedForm()
	}
	b.queue = append(b.queue, queued{folderID: folderID, r: r, f: f})
	if len(b.queue) >= insertChunk {
		return b.flush()
	}
	return nil
}

// queued is a message waiting for its chunk's statement.
type queued struct {
	folderID int64
	r        *Record
	f        *storedForm
}

// insertChunk is how many messages one statement inserts (23 parameters a
// message, far below SQLite's limit): one statement a message spent as
// long in the driver as in SQLite.
const insertChunk = 100

const insertColumns = `INSERT INTO messages (id, folder_id, uid, modseq, message_id, in_reply_to, subject,
	from_name, from_addr, to_json, cc_json, date, internal_date, size, flags, seen, flagged, answered,
	has_attachments, document, secret, attachments, search_key) VALUES `

const insertRow = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Only a message already stored under its UID is skipped: any other
// conflict (a search key taken) fails the statement.
const insertConflict = ` ON CONFLICT (folder_id, uid) DO NOTHING`

// flush inserts the queued messages.
func (b *Batch) flush() error {
	q := b.queue
	b.queue = b.queue[:0]
	if len(q) == 0 {
		return nil
	}
	if b.nextID == 0 {
		// The transaction holds the write lock: ids are handed out here,
		// as SQLite would (one above the highest), so each message's
		// search key goes in with its row.
		if err := b.tx.QueryRowContext(b.ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM messages`).Scan(&b.nextID); err != nil {
			return fmt.Errorf("store message %d: %w", q[0].r.UID, err)
		}
	}
	if len(q) > 1 {
		done, err := b.insertMany(q)
		if done || err != nil {
			return err
		}
	}
	for _, e := range q {
		if err := b.insertOne(e); err != nil {
			return err
		}
	}
	return nil
}

// insertMany inserts q in one statement; false when a search key was
// taken, the statement undone and q to go in one by one.
func (b *Batch) insertMany(q []queued) (bool, error) {
	args := make([]any, 0, 23*len(q))
	for i, e := range q {
		args = e.args(args, b.nextID+int64(i), searchKey(e.r.Date, b.nextID+int64(i)))
	}
	var rows *sql.Rows
	var err error
	if len(q) == insertChunk {
		if b.chunkInsert == nil {
			b.chunkInsert, err = b.tx.PrepareContext(b.ctx, insertColumns+
				strings.TrimSuffix(strings.Repeat(insertRow+",", insertChunk), ",")+insertConflict+` RETURNING id`)
			if err != nil {
				return false, fmt.Errorf("store messages: %w", err)
			}
		}
		rows, err = b.chunkInsert.QueryContext(b.ctx, args...)
	} else {
		rows, err = b.tx.QueryContext(b.ctx, insertColumns+
			strings.TrimSuffix(strings.Repeat(insertRow+",", len(q)), ",")+insertConflict+` RETURNING id`, args...)
	}
	inserted := make(map[int64]bool, len(q))
	if err == nil {
		for rows.Next() {
			var id int64
			if err = rows.Scan(&id); err != nil {
				break
			}
			inserted[id] = true
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	if err != nil {
		if strings.Contains(err.Error(), "messages.search_key") {
			return false, nil // nothing of the statement stays
		}
		return false, fmt.Errorf("store messages %d to %d: %w", q[0].r.UID, q[len(q)-1].r.UID, err)
	}
	for i, e := range q {
		id := b.nextID + int64(i)
		if !inserted[id] {
			if err := b.setFlags(e.folderID, e.r.UID, e.r.Flags, e.r.ModSeq); err != nil {
				return false, err
			}
			continue
		}
		b.unindexed = append(b.unindexed, id)
	}
	b.nextID += int64(len(q))
	return true, nil
}

// insertOne inserts one message, moving its search key on while another
// message holds it.
func (b *Batch) insertOne(e queued) error {
	r, id := e.r, b.nextID
	key := searchKey(r.Date, id)
	for {
		res, err := b.insert.ExecContext(b.ctx, e.args(nil, id, key)...)
		if err != nil {
			if strings.Contains(err.Error(), "messages.search_key") {
				key++ // two messages of the same second whose ids share their low bits
				continue
			}
			return fmt.Errorf("store message %d: %w", r.UID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return b.setFlags(e.folderID, r.UID, r.Flags, r.ModSeq)
		}
		break
	}
	b.unindexed = append(b.unindexed, id)
	b.nextID++
	return nil
}

// args appends the message's row values, in insertColumns' order.
func (e queued) args(to []any, id, key int64) []any {
	r, f := e.r, e.f
	return append(to, id, e.folderID, r.UID, r.ModSeq, r.MessageID, r.InReplyTo, f.subject,
		f.fromName, r.From.Address, f.to, f.cc, unix(r.Date), unix(r.InternalDate), r.Size,
		f.flags, f.seen, f.flagged, f.answered, r.HasAttachments, r.Document, r.Secret, f.attachments, key)
}

// searchKey is a message's date-ordered index key (see searchKeyShift).
func searchKey(date time.Time, id int64) int64 {
	return max(unix(date), 0)<<searchKeyShift | id&(1<<searchKeyShift-1)
}

// SetFlags replaces a message's flags.
func (b *Batch) SetFlags(folderID int64, uid uint32, flags []string, modSeq uint64) error {
	if err := b.flush(); err != nil {
		return err
	}
	return b.setFlags(folderID, uid, flags, modSeq)
}

func (b *Batch) setFlags(folderID int64, uid uint32, flags []string, modSeq uint64) error {
	_, err := b.flags.ExecContext(b.ctx, strings.Join(flags, " "), hasFlag(flags, `\Seen`), hasFlag(flags, `\Flagged`),
		hasFlag(flags, `\Answered`), modSeq, folderID, uid)
	if err != nil {
		return fmt.Errorf("store flags of %d: %w", uid, err)
	}
	return nil
}

// Delete removes the messages with these UIDs (expunged on the server).
func (b *Batch) Delete(folderID int64, uids []uint32) error {
	if err := b.flush(); err != nil {
		return err
	}
	for _, uid := range uids {
		if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM messages WHERE folder_id = ? AND uid = ?`, folderID, uid); err != nil {
			return fmt.Errorf("delete message %d: %w", uid, err)
		}
		b.deleted = true
	}
	return nil
}

// Commit makes the batch durable.
func (b *Batch) Commit() error {
	if err := b.flush(); err != nil {
		b.tx.Rollback()
		return err
	}
	if err := queueHeaders(b.ctx, b.tx, b.unindexed); err != nil {
		b.tx.Rollback()
		return fmt.Errorf("commit batch: %w", err)
	}
	b.unindexed = nil
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("commit batch: %w", err)
	}
	if b.deleted {
		// The batch is durable; packs that fail to compact now stay
		// readable and are compacted after the next deletion.
		b.store.ReclaimBodies(b.ctx)
	}
	return nil
}

// Rollback abandons the batch.
func (b *Batch) Rollback() { b.tx.Rollback() }

// FolderUIDs returns the folder's stored UIDs in ascending order.
func (s *Store) FolderUIDs(ctx context.Context, folderID int64) ([]uint32, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT uid FROM messages WHERE folder_id = ? ORDER BY uid`, folderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uint32
	for rows.Next() {
		var u uint32
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FolderExtent returns the highest stored UID and the number of messages.
func (s *Store) FolderExtent(ctx context.Context, folderID int64) (maxUID uint32, count int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(uid), 0), COUNT(*) FROM messages WHERE folder_id = ?`, folderID).
		Scan(&maxUID, &count)
	return maxUID, count, err
}

// BodyRef names a message whose body is still to download.
type BodyRef struct {
	ID       int64
	FolderID int64
	Folder   string
	UID      uint32
	Size     int64
}

const missingBodiesQuery = `
	SELECT m.id, f.id, f.name, m.uid, m.size FROM messages m JOIN folders f ON f.id = m.folder_id
	WHERE f.account = ? AND m.has_body = 0
	ORDER BY f.role = 'inbox' DESC, f.id, m.uid DESC LIMIT ?`

// MissingBodies lists messages without a downloaded body: INBOX first,
// newest first.
func (s *Store) MissingBodies(ctx context.Context, account string, limit int) ([]BodyRef, error) {
	rows, err := s.db.QueryContext(ctx, missingBodiesQuery, account, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BodyRef
	for rows.Next() {
		var r BodyRef
		if err := rows.Scan(&r.ID, &r.FolderID, &r.Folder, &r.UID, &r.Size); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Body is a downloaded message body and its searchable text.
type Body struct {
	ID   int64
	Raw  []byte
	Text string
	// ParseError is why the body could not be decoded ("" when it could);
	// see Store.ParseError.
	ParseError string
	// IndexLater queues the body for IndexBodies instead of indexing Text
	// now: the body pass stores raw bytes only.
	IndexLater bool
}

// PutBody stores a message's raw body and indexes its text for search.
func (s *Store) PutBody(ctx context.Context, id int64, raw []byte, text string) error {
	return s.PutBodies(ctx, []Body{{ID: id, Raw: raw, Text: text}})
}

// PutBodies stores several bodies in one transaction.
func (s *Store) PutBodies(ctx context.Context, bodies []Body) error {
	return s.inTx(ctx, func(tx txExec) error {
		// The transaction holds the write lock: append the raw bodies now.
		raws := make([][]byte, len(bodies))
		for i, b := range bodies {
			raws[i] = b.Raw
		}
		pack, offsets, err := s.appendPack(raws)
		if err != nil {
			return err
		}
		prep := func(q string) *sql.Stmt {
			if err != nil {
				return nil
			}
			var st *sql.Stmt
			st, err = tx.PrepareContext(ctx, q)
			return st
		}
		// One statement marks the body present and returns what the index needs.
		mark := prep(`UPDATE messages SET has_body = 1 WHERE id = ? RETURNING subject, from_name, from_addr, attachments, search_key`)
		put := prep(`INSERT OR REPLACE INTO body_packs (message, pack, at, size) VALUES (?, ?, ?, ?)`)
		dropBlob := prep(`DELETE FROM bodies WHERE message = ?`) // kept there by an older version
		clearReason := prep(`DELETE FROM parse_errors WHERE message = ?`)
		// Indexed now, whole: nothing of it may wait in the queue.
		unqueue := prep(`DELETE FROM body_index WHERE message = ?`)
		if err != nil {
			return fmt.Errorf("store bodies: %w", err)
		}
		defer mark.Close()
		defer put.Close()
		defer dropBlob.Close()
		defer clearReason.Close()
		defer unqueue.Close()
		rows := make([]indexRow, 0, len(bodies))
		var later []int64
		for i, b := range bodies {
			var subject, fromName, fromAddr, attachments string
			var key int64
			if err := mark.QueryRowContext(ctx, b.ID).Scan(&subject, &fromName, &fromAddr, &attachments, &key); err != nil {
				return fmt.Errorf("store body of %d: %w", b.ID, err)
			}
			if _, err := put.ExecContext(ctx, b.ID, pack, offsets[i], len(b.Raw)); err != nil {
				return fmt.Errorf("store body of %d: %w", b.ID, err)
			}
			if _, err := dropBlob.ExecContext(ctx, b.ID); err != nil {
				return fmt.Errorf("store body of %d: %w", b.ID, err)
			}
			if b.ParseError == "" {
				_, err = clearReason.ExecContext(ctx, b.ID)
			} else {
				err = setParseError(ctx, tx, b.ID, b.ParseError)
			}
			if err != nil {
				return fmt.Errorf("store body of %d: %w", b.ID, err)
			}
			if b.IndexLater && b.ParseError == "" {
				later = append(later, b.ID)
				continue
			}
			if _, err := unqueue.ExecContext(ctx, b.ID); err != nil {
				return fmt.Errorf("store body of %d: %w", b.ID, err)
			}
			rows = append(rows, newIndexRow(key, subject, attachments, fromName+" "+fromAddr, b.Text))
		}
		if err := queueText(ctx, tx, later); err != nil {
			return fmt.Errorf("store bodies: %w", err)
		}
		return writeIndex(ctx, tx, rows, true)
	})
}

// Body returns a message's raw body.
func (s *Store) Body(ctx context.Context, id int64) ([]byte, error) {
	if raw, ok, err := s.packedBody(ctx, id); ok || err != nil {
		return raw, err
	}
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT raw FROM bodies WHERE message = ?`, id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: body of message %d not downloaded", failure.ErrNotFound, id)
	}
	return raw, err
}

// SortKey orders a message list.
type SortKey string

const (
	SortDate    SortKey = "date"
	SortFrom    SortKey = "from"
	SortSubject SortKey = "subject"
	SortSize    SortKey = "size"
)

var sortColumns = map[SortKey]string{SortDate: "m.date", SortFrom: "m.from_name", SortSubject: "m.subject", SortSize: "m.size"}

const summaryColumns = `m.id, f.account, f.name, m.uid, m.message_id, m.subject, m.from_name, m.from_addr, m.to_json,
	m.date, m.size, m.seen, m.flagged, m.answered, m.has_attachments, m.document, m.secret, m.flags`

// Messages returns one window of a folder's list, sorted.
func (s *Store) Messages(ctx context.Context, account, folder string, sort SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error) {
	col, ok := sortColumns[sort]
	if !ok {
		col = "m.date"
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryColumns+`
		FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.name = ?
		ORDER BY `+col+` `+dir+`, m.uid `+dir+` LIMIT ? OFFSET ?`, account, folder, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return scanSummaries(rows)
}

// CountMessages returns how many messages a folder holds.
func (s *Store) CountMessages(ctx context.Context, account, folder string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.name = ?`, account, folder).Scan(&n)
	return n, err
}

// Message returns one message's summary.
func (s *Store) Message(ctx context.Context, id int64) (model.MessageSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryColumns+` FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?`, id)
	if err != nil {
		return model.MessageSummary{}, err
	}
	list, err := scanSummaries(rows)
	if err != nil {
		return model.MessageSummary{}, err
	}
	if len(list) == 0 {
		return model.MessageSummary{}, fmt.Errorf("%w: message %d", failure.ErrNotFound, id)
	}
	return list[0], nil
}

func scanSummaries(rows *sql.Rows) ([]model.MessageSummary, error) {
	defer rows.Close()
	var out []model.MessageSummary
	for rows.Next() {
		var m model.MessageSummary
		var to, flags string
		var date int64
		if err := rows.Scan(&m.ID, &m.Account, &m.Folder, &m.UID, &m.MessageID, &m.Subject, &m.From.Name, &m.From.Address,
			&to, &date, &m.Size, &m.Seen, &m.Flagged, &m.Answered, &m.HasAttachments, &m.Document, &m.Secret, &flags); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(to), &m.To)
		if date != 0 {
			m.Date = time.Unix(date, 0)
		}
		m.Acked = hasFlag(strings.Fields(flags), KeywordAcked)
		out = append(out, m)
	}
	return out, rows.Err()
}

func hasFlag(flags []string, want string) bool {
	for _, f := range flags {
		if strings.EqualFold(f, want) {
			return true
		}
	}
	return false
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func nonNil(a []model.Address) []model.Address {
	if a == nil {
		return []model.Address{}
	}
	return a
}

// SentDocument is a document the user sent, with the acknowledgements
// that came back for it.
type SentDocument struct {
	ID        int64
	Account   string
	MessageID string
	Subject   string
	Date      time.Time
	To        []model.Address
	// Acks maps a recipient address to when its acknowledgement arrived.
	Acks map[string]time.Time
}

// SentDocuments lists the documents in the account's Sent folders, newest
// first, each with the replies that acknowledge it: messages elsewhere
// whose In-Reply-To names it.
func (s *Store) SentDocuments(ctx context.Context, account string, limit int) ([]SentDocument, error) {
	q := `SELECT m.id, f.account, m.message_id, m.subject, m.date, m.to_json, m.cc_json
		FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.role = 'sent' AND m.document = 1 AND m.message_id != ''`
	args := []any{}
	if account != "" {
		q += ` AND f.account = ?`
		args = append(args, account)
	}
	q += ` ORDER BY m.date DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var docs []SentDocument
	for rows.Next() {
		var d SentDocument
		var date int64
		var to, cc string
		if err := rows.Scan(&d.ID, &d.Account, &d.MessageID, &d.Subject, &date, &to, &cc); err != nil {
			rows.Close()
			return nil, err
		}
		d.Date = time.Unix(date, 0)
		var toList, ccList []model.Address
		json.Unmarshal([]byte(to), &toList)
		json.Unmarshal([]byte(cc), &ccList)
		d.To = append(toList, ccList...)
		d.Acks = map[string]time.Time{}
		docs = append(docs, d)
	}
	rows.Close()
	for i := range docs {
		replies, err := s.db.QueryContext(ctx, `SELECT m.from_addr, m.subject, m.date, m.flags FROM messages m JOIN folders f ON f.id = m.folder_id
			WHERE f.account = ? AND f.role != 'sent' AND m.in_reply_to = ?`, docs[i].Account, docs[i].MessageID)
		if err != nil {
			return nil, err
		}
		for replies.Next() {
			var from, subject, flags string
			var date int64
			if err := replies.Scan(&from, &subject, &date, &flags); err != nil {
				replies.Close()
				return nil, err
			}
			if mail.IsAcknowledgementSubject(subject) {
				if _, seen := docs[i].Acks[from]; !seen {
					docs[i].Acks[strings.ToLower(from)] = time.Unix(date, 0)
				}
			}
		}
		replies.Close()
	}
	return docs, nil
}
