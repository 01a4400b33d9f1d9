package imapsync

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/store"
)

// bodyBatch is how many bodies one FETCH asks for; batches are also capped
// by size so a run of large mails does not sit in memory at once.
const (
	bodyBatch      = 100
	bodyBatchBytes = 32 << 20
)

// SyncBodies downloads every body not yet stored (INBOX first, newest
// first). Storing runs beside the download, in batches. The bodies' text
// is indexed afterwards, off the sync's path (IndexBodies,
// BodyIndexer): Options.Stored hears after each pass.
// It returns how many bodies it stored.
func (s *Syncer) SyncBodies(ctx context.Context, c *Conn) (int, error) {
	w := s.startWriter(ctx)
	_, err := s.fetchAllBodies(ctx, c, w)
	stored, werr := w.finish()
	if err == nil {
		err = werr
	}
	s.stored()
	return stored, err
}

func (s *Syncer) fetchAllBodies(ctx context.Context, c *Conn, w *bodyWriter) (int, error) {
	fetched := 0
	seen := map[int64]bool{}
	for {
		refs, err := s.Store.MissingBodies(ctx, s.Account.Name, 2000)
		if err != nil {
			return fetched, err
		}
		var todo []store.BodyRef
		for _, r := range refs {
			if !seen[r.ID] { // queued to the writer, perhaps not stored yet
				todo = append(todo, r)
			}
		}
		todo = s.skipOversized(todo, w, seen)
		if len(todo) == 0 {
			if !w.idle() {
				w.wait() // let the writer catch up, then look again
				continue
			}
			return fetched, nil
		}
		progressed := false
		for len(todo) > 0 {
			folder := todo[0].Folder
			var group []store.BodyRef
			var size int64
			for len(todo) > 0 && todo[0].Folder == folder && len(group) < bodyBatch && (size < bodyBatchBytes || len(group) == 0) {
				group = append(group, todo[0])
				size += todo[0].Size
				seen[todo[0].ID] = true
				todo = todo[1:]
			}
			n, err := s.fetchBodies(ctx, c, folder, group, w)
			fetched += n
			if err != nil {
				return fetched, err
			}
			if err := w.err(); err != nil {
				return fetched, err
			}
			if n > 0 {
				progressed = true
			}
			s.progress(Progress{Folder: folder, Stage: "bodies", Done: fetched})
		}
		if !progressed {
			return fetched, nil // what is left is gone from the server; the next envelope pass removes it
		}
	}
}

// defaultMaxBody is the default of Options.MaxBodyBytes.
const defaultMaxBody = 256 << 20

// maxBody is Options.MaxBodyBytes or its default.
func (s *Syncer) maxBody() int64 {
	if s.Opts != nil && s.Opts.MaxBodyBytes > 0 {
		return s.Opts.MaxBodyBytes
	}
	return defaultMaxBody
}

// skipOversized stores each message larger than Options.MaxBodyBytes
// empty, with its reason, and returns the others.
func (s *Syncer) skipOversized(refs []store.BodyRef, w *bodyWriter, seen map[int64]bool) []store.BodyRef {
	limit := s.maxBody()
	kept := refs[:0]
	for _, r := range refs {
		if r.Size <= limit {
			kept = append(kept, r)
			continue
		}
		seen[r.ID] = true
		w.put(store.Body{ID: r.ID, Raw: []byte{}, ParseError: fmt.Sprintf(
			"not downloaded: %.1f MB, more than the %.1f MB the client keeps", float64(r.Size)/(1<<20), float64(limit)/(1<<20))})
	}
	return kept
}

func (s *Syncer) fetchBodies(ctx context.Context, c *Conn, folder string, refs []store.BodyRef, w *bodyWriter) (int, error) {
	if mbox := c.Mailbox(); mbox == nil || mbox.Name != folder {
		if err := c.guard(ctx, func() error {
			_, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
			return err
		}); err != nil {
			return 0, fmt.Errorf("select %s: %w", folder, err)
		}
	}
	ids := map[uint32]int64{}
	var set imap.UIDSet
	for _, r := range refs {
		ids[r.UID] = r.ID
		set.AddNum(imap.UID(r.UID))
	}
	section := &imap.FetchItemBodySection{Peek: true}
	limit := s.maxBody()
	fetched := 0
	err := c.guard(ctx, func() error {
		cmd := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var uid imap.UID
			var raw []byte
			var over int64
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = item.UID
				case imapclient.FetchItemDataBodySection:
					var err error
					if raw, over, err = readLiteral(item.Literal, limit); err != nil {
						return err
					}
				}
			}
			id, ok := ids[uint32(uid)]
			switch {
			case !ok:
			case over > 0: // larger than RFC822.SIZE said: kept out as skipOversized does
				w.put(store.Body{ID: id, Raw: []byte{}, ParseError: fmt.Sprintf(
					"not downloaded: %.1f MB, more than the %.1f MB the client keeps", float64(over)/(1<<20), float64(limit)/(1<<20))})
				fetched++
			case raw != nil:
				w.add(id, raw)
				fetched++
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return fetched, fmt.Errorf("fetch bodies in %s: %w", folder, err)
	}
	return fetched, nil
}

// readLiteral reads a body straight from the connection into one buffer of
// the size the server announced, instead of a buffer grown and copied as
// it fills. A body over limit is read past and not kept: over is its size.
func readLiteral(lit imap.LiteralReader, limit int64) (raw []byte, over int64, err error) {
	if lit == nil {
		return nil, 0, nil
	}
	size := lit.Size()
	if size < 0 || size > limit {
		_, err := io.Copy(io.Discard, lit)
		return nil, max(size, 1), err
	}
	raw = make([]byte, size)
	if _, err := io.ReadFull(lit, raw); err != nil {
		return nil, 0, err
	}
	return raw, 0, nil
}

// bodyWriter stores bodies in batches beside the download, so fetching
// and storing overlap. At most three batches are in memory: one being
// stored, one waiting, one being gathered.
type bodyWriter struct {
	in      chan store.Body
	done    chan struct{}
	mu      sync.Mutex
	cond    *sync.Cond
	queued  int
	stored  int
	failure error
}

// Bodies stored per transaction: one pack write and one fsync a batch.
const (
	storeBatch      = 400
	storeBatchBytes = 6 << 20
)

func (s *Syncer) startWriter(ctx context.Context) *bodyWriter {
	w := &bodyWriter{in: make(chan store.Body, 16), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	// With a decoder, the text is indexed later (Store.IndexBodies); the
	// body pass only stores the raw bytes.
	later := s.Opts != nil && s.Opts.BodyText != nil
	// One goroutine gathers batches, another stores them: the download and
	// the gathering of the next batch go on while one is written and synced.
	full := make(chan []store.Body, 1)
	go func() {
		defer close(w.done)
		for batch := range full {
			err := s.Store.PutBodies(ctx, batch)
			w.mu.Lock()
			if err != nil && w.failure == nil {
				w.failure = err
			}
			if err == nil {
				w.stored += len(batch)
			}
			w.queued -= len(batch)
			w.cond.Broadcast()
			w.mu.Unlock()
		}
	}()
	go func() {
		defer close(full)
		var batch []store.Body
		size := 0
		flush := func() {
			if len(batch) > 0 {
				full <- batch
			}
			batch, size = nil, 0
		}
		// A batch is stored when full, or once no body has come for a
		// moment: one transaction (and one fsync) per batch, not per body.
		idle := time.NewTimer(time.Hour)
		defer idle.Stop()
		for {
			select {
			case b, ok := <-w.in:
				if !ok {
					flush()
					return
				}
				b.IndexLater = later
				batch = append(batch, b)
				size += len(b.Raw)
				if len(batch) >= storeBatch || size >= storeBatchBytes {
					flush()
				}
				idle.Reset(50 * time.Millisecond)
			case <-idle.C:
				flush()
			}
		}
	}()
	return w
}

func (w *bodyWriter) add(id int64, raw []byte) { w.put(store.Body{ID: id, Raw: raw}) }

func (w *bodyWriter) put(b store.Body) {
	w.mu.Lock()
	w.queued++
	w.mu.Unlock()
	w.in <- b
}

func (w *bodyWriter) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure
}

func (w *bodyWriter) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.queued == 0
}

// wait blocks until the writer has stored everything queued so far.
func (w *bodyWriter) wait() {
	w.mu.Lock()
	for w.queued > 0 {
		w.cond.Wait()
	}
	w.mu.Unlock()
}

// finish stores what is left and returns how many bodies were stored.
func (w *bodyWriter) finish() (int, error) {
	close(w.in)
	<-w.done
	return w.stored, w.failure
}

// stored tells Options.Stored that a pass ended, also when it stored
// nothing new: the indexer then does what a restart left.
func (s *Syncer) stored() {
	if s.Opts != nil && s.Opts.Stored != nil {
		s.Opts.Stored()
	}
}
