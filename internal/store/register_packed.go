package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/model"
)

// The register is listed from memory. Each row carries packed: its fields
// in registerColumns order, each written as its byte length, a colon and
// its text; and rev, the value of the register_rev counter when it was last
// written. Triggers bump the counter and rebuild packed and rev after every
// insert, update and delete, whoever writes (this process, the CLI, another
// client on the same store), so packed never disagrees with the row's
// columns. The store loads the packed rows once and then reads only the
// rows whose rev is newer than what it holds: listing and filtering the
// whole register of 50,000 documents costs no SQL per row.
var packedColumns = strings.Fields(strings.ReplaceAll(registerColumns, ",", " "))

// packExpr is the SQL expression of a row's packed text.
var packExpr = func() string {
	parts := make([]string, len(packedColumns))
	for i, c := range packedColumns {
		parts[i] = fmt.Sprintf("length(CAST(%s AS BLOB)) || ':' || %s", c, c)
	}
	return strings.Join(parts, " || ")
}()

// registerPackSchema adds packed to a register of an older install, fills
// it and keeps it in step with the row.
func registerPackSchema(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	defer tx.Rollback()
	added := false
	for _, col := range []string{`packed TEXT NOT NULL DEFAULT ''`, `rev INTEGER NOT NULL DEFAULT 0`} {
		_, err = tx.Exec(`ALTER TABLE register ADD COLUMN ` + col)
		added = added || err == nil
		if err != nil && !strings.Contains(err.Error(), "duplicate column") {
			return fmt.Errorf("register: %w", err)
		}
	}
	const bump = `UPDATE register_rev SET v = v + 1;`
	write := bump + `
	UPDATE register SET packed = ` + packExpr + `, rev = (SELECT v FROM register_rev) WHERE id = new.id;`
	q := `
CREATE TABLE IF NOT EXISTS register_rev (v INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS register_by_rev ON register (rev);
INSERT INTO register_rev (v) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM register_rev);
CREATE TRIGGER IF NOT EXISTS register_pack_insert AFTER INSERT ON register BEGIN ` + write + ` END;
CREATE TRIGGER IF NOT EXISTS register_pack_update AFTER UPDATE OF ` + registerColumns + ` ON register BEGIN ` + write + ` END;
CREATE TRIGGER IF NOT EXISTS register_pack_delete AFTER DELETE ON register BEGIN ` + bump + ` END;`
	if added { // an older register: pack its rows once
		q += bump + `UPDATE register SET packed = ` + packExpr + `, rev = (SELECT v FROM register_rev);`
	}
	if _, err := tx.Exec(q); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	return tx.Commit()
}

var errPacked = errors.New("register: damaged packed row")

// unpacker reads the fields of a packed row in turn.
type unpacker struct {
	s   string
	err error
}

func (u *unpacker) text() string {
	if u.err != nil {
		return ""
	}
	colon := strings.IndexByte(u.s, ':')
	if colon < 0 {
		u.err = errPacked
		return ""
	}
	n, err := strconv.Atoi(u.s[:colon])
	if err != nil || n < 0 || n > len(u.s)-colon-1 {
		u.err = errPacked
		return ""
	}
	v := u.s[colon+1 : colon+1+n]
	u.s = u.s[colon+1+n:]
	return v
}

func (u *unpacker) int() int64 {
	t := u.text()
	if u.err != nil {
		return 0
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		u.err = errPacked
	}
	return v
}

func (u *unpacker) time() time.Time { return unixOrZero(u.int()) }

// unpackRow decodes a packed row.
func unpackRow(s string) (RegisterRow, error) {
	u := unpacker{s: s}
	var r RegisterRow
	r.ID = u.int()
	r.Account = u.text()
	r.Direction = u.text()
	r.Year = int(u.int())
	r.Number = int(u.int())
	r.MessageKey = u.text()
	r.MessageID = u.text()
	r.ReceivedAt = time.Unix(u.int(), 0)
	r.From = model.Address{Name: u.text(), Address: u.text()}
	rcpts := u.text()
	r.Agency = u.text()
	r.DocNumber = u.text()
	r.DocDate = u.text()
	r.DocType = u.text()
	r.Summary = u.text()
	r.Attachments = stringList(u.text())
	r.Extracted = u.int() != 0
	r.AcknowledgedAt = u.time()
	r.AssignedTo = stringList(u.text())
	r.Note = u.text()
	r.Deadline = u.text()
	r.ForwardID = u.text()
	r.AssignedAt = u.time()
	r.ProgressAt = u.time()
	r.DoneAt = u.time()
	r.Signatures = u.text()
	if u.err == nil && u.s != "" {
		u.err = errPacked
	}
	if u.err != nil {
		return RegisterRow{}, u.err
	}
	if rcpts != "[]" && rcpts != "" {
		json.Unmarshal([]byte(rcpts), &r.Recipients)
	}
	return r, nil
}

// stringList decodes a JSON list of strings; a list without escapes, the
// common case, is split without the JSON decoder.
func stringList(text string) []string {
	if text == "[]" || text == "" {
		return nil
	}
	if len(text) >= 4 && strings.HasPrefix(text, `["`) && strings.HasSuffix(text, `"]`) && !strings.Contains(text, `\`) {
		return strings.Split(text[2:len(text)-2], `","`)
	}
	var l []string
	json.Unmarshal([]byte(text), &l)
	return l
}

// registerCache is the register in memory, in register order.
type registerCache struct {
	mu   sync.Mutex
	rev  int64 // the newest row rev held
	rows []RegisterRow
}

// update reads the rows written since the last update; the first update,
// or one that finds rows deleted, reads the register whole.
func (c *registerCache) update(ctx context.Context, db *sql.DB) error {
	var now int64
	var count int
	if err := db.QueryRowContext(ctx, `SELECT v, (SELECT COUNT(*) FROM register) FROM register_rev`).Scan(&now, &count); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if c.rows != nil && now == c.rev && count == len(c.rows) {
		return nil
	}
	since := c.rev
	if c.rows == nil || count < len(c.rows) {
		since = -1
	}
	q, args := `SELECT packed, rev FROM register WHERE rev > ?`, []any{since}
	if since < 0 {
		q, args = `SELECT packed, rev FROM register`, nil
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	defer rows.Close()
	var fresh []RegisterRow
	if since < 0 {
		fresh = make([]RegisterRow, 0, count)
	}
	newest := since
	for rows.Next() {
		var packed string
		var rev int64
		if err := rows.Scan(&packed, &rev); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		r, err := unpackRow(packed)
		if err != nil {
			return err
		}
		fresh = append(fresh, r)
		newest = max(newest, rev)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if since < 0 {
		c.rows = fresh
	} else {
		at := make(map[int64]int, len(fresh))
		for i := range c.rows {
			at[c.rows[i].ID] = i
		}
		for _, r := range fresh {
			if i, ok := at[r.ID]; ok {
				c.rows[i] = r
			} else {
				c.rows = append(c.rows, r)
			}
		}
	}
	if c.rows == nil {
		c.rows = []RegisterRow{}
	}
	slices.SortFunc(c.rows, func(a, b RegisterRow) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Direction, b.Direction),
			cmp.Compare(a.Year, b.Year), cmp.Compare(a.Number, b.Number))
	})
	// All rows written up to now were read: the second query sees at least
	// what the first one did.
	c.rev = max(newest, now)
	if len(c.rows) != count && since >= 0 {
		c.rows = nil // rows were deleted, or written in between: read it whole
		return c.update(ctx, db)
	}
	return nil
}
