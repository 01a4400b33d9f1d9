package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
)

// The header pass stores rows only, and the body pass raw bodies only;
// their text goes into the search index afterwards (IndexHeaders, then
// IndexBodies), so the sync keeps up with the wire. A message waits in
// body_index until its text is indexed: with headers = 0 until its
// subject, sender and attachment names are, then (when its body is stored)
// until its body's text is. The queue is in the database, so indexing
// resumes after a crash or a restart where it stopped; a search first
// indexes the headers still waiting (a few milliseconds a thousand), so it
// always finds every stored message by its headers.
//
// tries counts the batches that began on a message and never ended (a
// batch that stops cleanly takes its try back): a body that kills the
// process while it is decoded (a decoder that never returns, runs out of
// memory) is met again after the restart, tried alone, and after
// maxIndexTries is set aside with its reason instead of stopping every
// later pass.
const bodyIndexSchema = `
CREATE TABLE IF NOT EXISTS body_index (
	message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	tries   INTEGER NOT NULL DEFAULT 0,
	headers INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS body_index_tried ON body_index (message) WHERE tries > 0;
CREATE INDEX IF NOT EXISTS body_index_headers ON body_index (message) WHERE headers = 0;
`

const (
	// maxIndexTries: a body whose decoding stopped the client this many
	// times is not decoded again.
	maxIndexTries = 3
	// maxIndexedRaw: a larger body is not decoded for the index (its
	// headers and attachment names stay searchable).
	maxIndexedRaw = 64 << 20
	// maxIndexedText bounds the text one message puts into the index.
	maxIndexedText = 1 << 20
	// indexBatchBytes bounds the raw bytes one batch decodes (each body is
	// dropped once decoded: this bounds a batch's time, not its memory).
	indexBatchBytes = 32 << 20
)

// IndexPending returns how many stored messages still wait for their text
// to be indexed: search does not find words of their bodies yet.
func (s *Store) IndexPending(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM body_index`).Scan(&n)
	return n, err
}

// pendingText is one queued message with what its index row needs.
type pendingText struct {
	id, key                    int64
	tries                      int
	subject, from, attachments string
	size                       int64
	raw                        []byte
	text, reason               string
}

// IndexBodies decodes up to limit queued bodies with decode and puts their
// text into the search index, in one transaction. It returns how many
// messages left the queue; 0 means none is left. A decoder error or panic,
// or a body too large to decode, becomes that message's parse error
// (Store.ParseError): its headers stay searchable and the pass goes on.
func (s *Store) IndexBodies(ctx context.Context, decode func([]byte) (string, error), limit int) (int, error) {
	if s.headersWaiting(ctx) {
		if _, err := s.IndexHeaders(ctx); err != nil {
			return 0, err
		}
	}
	batch, err := s.nextPending(ctx, limit)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	// Count the try first: if decoding kills the process, the next run
	// knows which messages were in hand.
	if err := s.inIndexTx(ctx, func(tx txExec) error {
		for _, p := range batch {
			if _, err := tx.ExecContext(ctx, `UPDATE body_index SET tries = tries + 1 WHERE message = ?`, p.id); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("index bodies: %w", err)
	}
	for i := range batch {
		if ctx.Err() != nil {
			break
		}
		p := &batch[i]
		switch {
		case p.tries >= maxIndexTries:
			p.reason = fmt.Sprintf("not indexed: decoding this message stopped the client %d times", p.tries)
		case p.size > maxIndexedRaw:
			p.reason = fmt.Sprintf("not indexed: %.1f MB, more than the %.0f MB the index decodes", float64(p.size)/(1<<20), float64(maxIndexedRaw)/(1<<20))
		default:
			raw, err := s.Body(ctx, p.id)
			if err != nil {
				p.reason = "not indexed: " + err.Error()
				break
			}
			p.text, p.reason = decodeText(decode, raw)
		}
	}
	if ctx.Err() != nil {
		return 0, s.untry(batch, ctx.Err())
	}
	err = s.inIndexTx(ctx, func(tx txExec) error {
		rows := make([]indexRow, 0, len(batch))
		for _, p := range batch {
			// A message deleted meanwhile has left the queue with its row.
			res, err := tx.ExecContext(ctx, `DELETE FROM body_index WHERE message = ?`, p.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := setParseError(ctx, tx, p.id, p.reason); err != nil {
				return err
			}
			rows = append(rows, newIndexRow(p.key, p.subject, p.attachments, p.from, p.text))
		}
		return writeIndex(ctx, tx, rows, true)
	})
	if err != nil {
		return 0, s.untry(batch, err)
	}
	return len(batch), nil
}

// untry takes back the try of a batch that stopped without a crash (the
// window closed, the database refused): only crashes count against a
// message. It returns why the batch stopped.
func (s *Store) untry(batch []pendingText, why error) error {
	err := s.inIndexTx(context.Background(), func(tx txExec) error {
		for _, p := range batch {
			if _, err := tx.ExecContext(context.Background(), `UPDATE body_index SET tries = tries - 1 WHERE message = ? AND tries > 0`, p.id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index bodies: %w (and %v)", why, err)
	}
	return fmt.Errorf("index bodies: %w", why)
}

// inIndexTx runs fn in a transaction committed without waiting for the
// disk (synchronous NORMAL: WAL order kept, no fsync). The index is derived
// from the packs: a power cut may undo the last batches, queue and index
// rows together, and the next pass does them again.
func (s *Store) inIndexTx(ctx context.Context, fn func(txExec) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return err
	}
	defer func() {
		// The connection goes back to the pool as every other: FULL, or closed.
		if _, err := conn.ExecContext(context.Background(), `PRAGMA synchronous = FULL`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// nextPending reads the next queued messages, newest first, at most limit
// of them and about indexBatchBytes of body. A message that was in hand
// when a run stopped comes alone, so it cannot take others down with it.
func (s *Store) nextPending(ctx context.Context, limit int) ([]pendingText, error) {
	tried, err := s.pending(ctx, pickTried)
	if err != nil || len(tried) > 0 {
		return tried, err
	}
	return s.pending(ctx, pickNext, max(limit, 1))
}

const pickPending = `SELECT q.message, q.tries, m.search_key, m.subject, m.from_name, m.from_addr,
	m.attachments, COALESCE(p.size, 0)
	FROM body_index q JOIN messages m ON m.id = q.message LEFT JOIN body_packs p ON p.message = q.message `

// pickTried finds a message a stopped run had in hand; pickNext the newest
// queued ones, along the queue's key: no sort, whatever its length.
const (
	pickTried = pickPending + `WHERE q.tries > 0 AND q.headers = 1 ORDER BY q.message DESC LIMIT 1`
	pickNext  = pickPending + `WHERE q.headers = 1 ORDER BY q.message DESC LIMIT ?`
)

func (s *Store) pending(ctx context.Context, query string, args ...any) ([]pendingText, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("index bodies: %w", err)
	}
	defer rows.Close()
	var out []pendingText
	var bytes int64
	for rows.Next() {
		var p pendingText
		var name, addr string
		if err := rows.Scan(&p.id, &p.tries, &p.key, &p.subject, &name, &addr, &p.attachments, &p.size); err != nil {
			return nil, fmt.Errorf("index bodies: %w", err)
		}
		p.from = name + " " + addr
		if len(out) > 0 && bytes+min(p.size, maxIndexedRaw) > indexBatchBytes {
			break
		}
		out = append(out, p)
		bytes += min(p.size, maxIndexedRaw)
	}
	return out, rows.Err()
}

// decodeText runs the decoder on one body. Its error or panic becomes the
// reason; the text is cut to maxIndexedText.
func decodeText(decode func([]byte) (string, error), raw []byte) (text, reason string) {
	defer func() {
		if p := recover(); p != nil {
			text, reason = "", fmt.Sprintf("the mail decoder failed: %v", p)
		}
	}()
	text, err := decode(raw)
	if err != nil {
		return "", err.Error()
	}
	if len(text) > maxIndexedText {
		text = strings.ToValidUTF8(text[:maxIndexedText], "")
	}
	return text, ""
}

// queueText puts messages whose headers are indexed on the index queue
// for their bodies' text (called in the body pass's transaction).
func queueText(ctx context.Context, tx txExec, ids []int64) error {
	return enqueue(ctx, tx, ids, "(?, 1),")
}

// queueHeaders puts new messages on the index queue for their headers
// (called in the header batch's transaction). A message already queued
// keeps its place.
func queueHeaders(ctx context.Context, tx txExec, ids []int64) error {
	return enqueue(ctx, tx, ids, "(?, 0),")
}

// enqueue inserts ids into body_index, each row shaped by row.
func enqueue(ctx context.Context, tx txExec, ids []int64, row string) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		values := strings.TrimSuffix(strings.Repeat(row, n), ",")
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO body_index (message, headers) VALUES `+values, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// headersChunk is how many messages' headers one IndexHeaders transaction
// indexes (one index statement: writeIndex's indexChunk).
const headersChunk = indexChunk

// IndexHeaders puts the subject, sender and attachment names of every
// message waiting for them into the search index, a chunk a transaction,
// and returns how many it indexed. A message whose body is stored then
// waits for IndexBodies; any other leaves the queue. Only messages no
// entry names wait here (a body indexed at once takes its message off the
// queue), so nothing is indexed twice.
func (s *Store) IndexHeaders(ctx context.Context) (int, error) {
	done := 0
	for {
		n := 0
		err := s.inIndexTx(ctx, func(tx txExec) error {
			rows, err := tx.QueryContext(ctx, `SELECT q.message, m.search_key, m.subject, m.from_name, m.from_addr,
				m.attachments, m.has_body FROM body_index q JOIN messages m ON m.id = q.message
				WHERE q.headers = 0 ORDER BY q.message LIMIT ?`, headersChunk)
			if err != nil {
				return err
			}
			var entries []indexRow
			var withBody, headerOnly []any
			for rows.Next() {
				var id, key int64
				var subject, name, addr, attachments string
				var hasBody bool
				if err := rows.Scan(&id, &key, &subject, &name, &addr, &attachments, &hasBody); err != nil {
					rows.Close()
					return err
				}
				entries = append(entries, newIndexRow(key, subject, attachments, name+" "+addr, ""))
				if hasBody {
					withBody = append(withBody, id)
				} else {
					headerOnly = append(headerOnly, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if n = len(entries); n == 0 {
				return nil
			}
			if err := writeIndex(ctx, tx, entries, false); err != nil {
				return err
			}
			for _, set := range []struct {
				query string
				ids   []any
			}{
				{`DELETE FROM body_index WHERE message IN `, headerOnly},
				{`UPDATE body_index SET headers = 1 WHERE message IN `, withBody},
			} {
				for len(set.ids) > 0 {
					k := min(len(set.ids), 500)
					marks := "(" + strings.TrimSuffix(strings.Repeat("?,", k), ",") + ")"
					if _, err := tx.ExecContext(ctx, set.query+marks, set.ids[:k]...); err != nil {
						return err
					}
					set.ids = set.ids[k:]
				}
			}
			return nil
		})
		done += n
		if err != nil {
			return done, fmt.Errorf("index headers: %w", err)
		}
		if n == 0 {
			return done, nil
		}
	}
}

// headersWaiting reports whether a message waits for its headers to be
// indexed (one probe of a partial index).
func (s *Store) headersWaiting(ctx context.Context) bool {
	var waiting bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM body_index WHERE headers = 0)`).Scan(&waiting)
	return err == nil && waiting
}
