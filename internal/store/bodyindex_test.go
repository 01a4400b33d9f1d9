package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
)

// mailText is what the engine indexes of a body: its decoded text.
func mailText(raw []byte) (string, error) {
	m, err := mail.Parse(raw)
	if err != nil {
		return "", err
	}
	return m.Text, nil
}

func bodyMail(i int) []byte {
	return []byte(fmt.Sprintf("From: a@hanam.gov.vn\r\nSubject: thư %d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi phòng %d: đề nghị rà soát hồ sơ quyết toán mã M%dX.\r\n", i, i, i))
}

func storeLater(t *testing.T, s *Store, ids []int64) {
	t.Helper()
	var batch []Body
	for i, id := range ids {
		batch = append(batch, Body{ID: id, Raw: bodyMail(i), IndexLater: true})
	}
	if err := s.PutBodies(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

func hits(t *testing.T, s *Store, q string) int {
	t.Helper()
	found, err := s.Search(context.Background(), q, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(found)
}

// TestIndexLaterQueuesAndIndexes: a body stored by the body pass is
// readable at once, its headers searchable, its text only once indexed;
// every message then has one index row, none twice.
func TestIndexLaterQueuesAndIndexes(t *testing.T) {
	ctx := context.Background()
	s, _, ids := packedStore(t, 30)
	storeLater(t, s, ids)
	if n, err := s.IndexPending(ctx); err != nil || n != 30 {
		t.Fatalf("pending %d, %v", n, err)
	}
	if raw, err := s.Body(ctx, ids[3]); err != nil || string(raw) != string(bodyMail(3)) {
		t.Fatalf("body before indexing: %q, %v", raw, err)
	}
	if hits(t, s, "cong van") != 30 || hits(t, s, "ra soat ho so") != 0 {
		t.Fatalf("before indexing: headers %d, text %d", hits(t, s, "cong van"), hits(t, s, "ra soat ho so"))
	}
	total := 0
	for {
		n, err := s.IndexBodies(ctx, mailText, 7)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total != 30 {
		t.Fatalf("indexed %d", total)
	}
	if n, _ := s.IndexPending(ctx); n != 0 {
		t.Fatalf("pending after indexing: %d", n)
	}
	if hits(t, s, "ra soat ho so") != 30 || hits(t, s, "cong van") != 30 || hits(t, s, "m17x") != 1 {
		t.Fatalf("after indexing: text %d, headers %d", hits(t, s, "ra soat ho so"), hits(t, s, "cong van"))
	}
	// A body pass replayed (a cut-off sync) queues again; indexing again
	// leaves one row a message.
	storeLater(t, s, ids[:5])
	if n, err := IndexAll(s, mailText); err != nil || n != 5 {
		t.Fatalf("replay indexed %d, %v", n, err)
	}
	if hits(t, s, "ra soat ho so") != 30 {
		t.Fatalf("after replay: %d", hits(t, s, "ra soat ho so"))
	}
}

// IndexAll drains the queue.
func IndexAll(s *Store, decode func([]byte) (string, error)) (int, error) {
	total := 0
	for {
		n, err := s.IndexBodies(context.Background(), decode, 100)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// TestIndexResumesAfterRestart: a pass stopped half way (its context
// ended) leaves the rest queued in the database; the store opened again
// indexes only what is left.
func TestIndexResumesAfterRestart(t *testing.T) {
	s, path, ids := packedStore(t, 40)
	storeLater(t, s, ids)
	ctx, cancel := context.WithCancel(context.Background())
	decoded := 0
	_, err := s.IndexBodies(ctx, mailText, 10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.IndexBodies(ctx, func(raw []byte) (string, error) {
		decoded++
		if decoded == 3 {
			cancel() // the window closes in the middle of a batch
		}
		return mailText(raw)
	}, 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped pass: %v", err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.IndexPending(context.Background()); n != 30 {
		t.Fatalf("pending after restart: %d", n)
	}
	if n, err := IndexAll(s, mailText); err != nil || n != 30 {
		t.Fatalf("resumed: %d, %v", n, err)
	}
	if hits(t, s, "ra soat ho so") != 40 {
		t.Fatalf("text hits %d", hits(t, s, "ra soat ho so"))
	}
}

// TestIndexIsolatesHostileBodies: a decoder error or panic becomes that
// message's reason and the pass goes on. Passes stopped cleanly in the
// middle of a batch (the window closed) do not count against its messages:
// only a crash does (TestDovecotIndexerCrashResumes in imapsync).
func TestIndexIsolatesHostileBodies(t *testing.T) {
	ctx := context.Background()
	s, path, ids := packedStore(t, 6)
	storeLater(t, s, ids)
	decode := func(raw []byte) (string, error) {
		switch {
		case strings.Contains(string(raw), "phòng 1:"):
			panic("decoder bug")
		case strings.Contains(string(raw), "phòng 2:"):
			return "", errors.New("not a readable mail message")
		}
		return mailText(raw)
	}
	for run := 0; run < maxIndexTries+1; run++ {
		ctx, cancel := context.WithCancel(ctx)
		_, err := s.IndexBodies(ctx, func(raw []byte) (string, error) {
			if strings.Contains(string(raw), "phòng 4:") {
				cancel()
			}
			return mailText(raw)
		}, 100)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped pass: %v", err)
		}
		s.Close()
		if s, err = Open(path); err != nil {
			t.Fatal(err)
		}
	}
	defer s.Close()
	if n, err := IndexAll(s, decode); err != nil || n != 6 {
		t.Fatalf("indexed %d, %v", n, err)
	}
	want := map[int]string{1: "decoder failed: decoder bug", 2: "not a readable mail message"}
	for i, id := range ids {
		r, err := s.ParseError(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if w := want[i]; (w == "") != (r == "") || !strings.Contains(r, w) {
			t.Errorf("message %d: reason %q, want %q", i, r, w)
		}
	}
	if got := hits(t, s, "ra soat ho so"); got != 4 {
		t.Errorf("text hits %d, want 4", got)
	}
	if got := hits(t, s, "cong van"); got != 6 {
		t.Errorf("header hits %d, want 6 (the hostile ones stay findable by subject)", got)
	}
}

// TestIndexSkipsDeletedMessages: a message expunged while queued leaves
// the queue with its row; the pass goes on.
func TestIndexSkipsDeletedMessages(t *testing.T) {
	ctx := context.Background()
	s, _, ids := packedStore(t, 5)
	storeLater(t, s, ids)
	f, err := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.BeginBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(f.ID, []uint32{2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.IndexPending(ctx); n != 3 {
		t.Fatalf("pending %d", n)
	}
	if n, err := IndexAll(s, mailText); err != nil || n != 3 {
		t.Fatalf("indexed %d, %v", n, err)
	}
	if got := hits(t, s, "ra soat ho so"); got != 3 {
		t.Fatalf("hits %d", got)
	}
}

// FuzzIndexBodies: any body, through the engine's decoder, leaves the
// queue in one pass with its text or its reason, and reads back intact.
func FuzzIndexBodies(f *testing.F) {
	f.Add(bodyMail(1))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n"))
	f.Add([]byte("\r\nno header"))
	f.Add([]byte{})
	s, err := Open(filepath.Join(f.TempDir(), "mail.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	folder, err := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	if err != nil {
		f.Fatal(err)
	}
	uid := uint32(0)
	f.Fuzz(func(t *testing.T, raw []byte) {
		uid++
		b, err := s.BeginBatch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put(folder.ID, &Record{UID: uid, Subject: "thư", Date: time.Unix(1_700_000_000, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := b.Commit(); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := s.db.QueryRow(`SELECT id FROM messages WHERE folder_id = ? AND uid = ?`, folder.ID, uid).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := s.PutBodies(ctx, []Body{{ID: id, Raw: raw, IndexLater: true}}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.IndexBodies(ctx, mailText, 10); err != nil || n != 1 {
			t.Fatalf("indexed %d, %v", n, err)
		}
		if n, _ := s.IndexPending(ctx); n != 0 {
			t.Fatalf("still pending: %d", n)
		}
		back, err := s.Body(ctx, id)
		if err != nil || string(back) != string(raw) {
			t.Fatalf("body read back: %d of %d bytes, %v", len(back), len(raw), err)
		}
	})
}

// TestIndexLeavesConnectionsDurable: the indexer's lighter commits stay
// its own; every connection of the pool commits with FULL afterwards.
func TestIndexLeavesConnectionsDurable(t *testing.T) {
	ctx := context.Background()
	s, _, ids := packedStore(t, 3)
	storeLater(t, s, ids)
	if _, err := IndexAll(s, mailText); err != nil {
		t.Fatal(err)
	}
	var held []interface{ Close() error }
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 4 {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, conn)
		var mode int
		if err := conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil || mode != 2 {
			t.Fatalf("synchronous %d, %v", mode, err)
		}
	}
}

// TestPendingNeedsNoSort: each batch reads the queue along an index, so a
// backlog of 50,000 costs a batch no more than one of 50.
func TestPendingNeedsNoSort(t *testing.T) {
	s := openTest(t)
	for _, q := range []string{pickTried, pickNext} {
		if plan := queryPlan(t, s, q, 10); strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN m") {
			t.Fatalf("plan of %s:\n%s", q, plan)
		}
	}
}
