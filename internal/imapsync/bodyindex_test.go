package imapsync

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/mail"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

// crashMarker in a body makes the child's decoder kill its process, as a
// decoder that exhausts memory or never returns would.
const crashMarker = "X-Test-Decoder: crash"

func mailTextOf(raw []byte) (string, error) {
	m, err := mail.Parse(raw)
	if err != nil {
		return "", err
	}
	return m.Text, nil
}

// TestDovecotBodyIndexerAfterSync: the body pass from Dovecot leaves every
// body readable with its text not yet searchable; the background indexer,
// woken by the pass, makes it searchable, and a body the decoder cannot
// read keeps its reason without stopping the others.
func TestDovecotBodyIndexerAfterSync(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	for i := 1; i <= 5; i++ {
		d.Deliver(t, userHa, officialMail(i))
	}
	d.AppendMany(t, userHa, "INBOX", 1, func(int) []byte { return []byte("\r\nno header at all, only a body\r\n") })
	opts := &Options{BodyText: mailTextOf}
	s := dovecotSyncer(t, dovecotAccount(d, true), opts)
	x := NewBodyIndexer(s.Store, mailTextOf)
	defer x.Close()
	passes := make(chan int, 4)
	x.Indexed = func(n int, err error) {
		if err != nil {
			t.Error(err)
		}
		passes <- n
	}
	woken := 0
	opts.Stored = func() { woken++; x.Wake() }
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SyncBodies(ctx, c); err != nil || n != 6 {
		t.Fatalf("bodies: %d, %v", n, err)
	}
	if woken != 2 {
		t.Fatalf("indexer woken %d times, want after the header pass and after the body pass", woken)
	}
	list, err := s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, false, 0, 10)
	if err != nil || len(list) != 6 {
		t.Fatalf("%d messages, %v", len(list), err)
	}
	for _, m := range list { // offline copy complete before any indexing
		if raw, err := s.Store.Body(ctx, m.ID); err != nil || len(raw) == 0 {
			t.Fatalf("body of %d: %d bytes, %v", m.ID, len(raw), err)
		}
	}
	// The pass woken by the header pass may already take some bodies.
	for indexed := 0; indexed < 6; {
		indexed += <-passes
	}
	if pending, _ := s.Store.IndexPending(ctx); pending != 0 {
		t.Fatalf("pending %d", pending)
	}
	if hits, _ := s.Store.Search(ctx, "Kinh gui So Thong tin", "", 10); len(hits) != 5 {
		t.Errorf("body text hits: %d", len(hits))
	}
	if hits, _ := s.Store.Search(ctx, "van ban so 3/STC-NS", "", 10); len(hits) != 1 {
		t.Errorf("one message's text: %d hits", len(hits))
	}
	reasons := 0
	for _, m := range list {
		if r, _ := s.Store.ParseError(ctx, m.ID); r != "" {
			reasons++
			if m.Subject != "" || !strings.Contains(r, "not a readable mail message") {
				t.Errorf("message %q: reason %q", m.Subject, r)
			}
		}
	}
	if reasons != 1 {
		t.Errorf("%d reasons", reasons)
	}
	// Nothing new: the pass stores nothing and still wakes the indexer
	// (for a backlog a restart left), which finds nothing to do.
	if n, err := s.SyncBodies(ctx, c); n != 0 || err != nil || woken != 3 {
		t.Errorf("second pass: %d bodies, %v, woken %d", n, err, woken)
	}
	if n := <-passes; n != 0 {
		t.Errorf("second background pass indexed %d", n)
	}
}

// TestDovecotIndexerCrashResumes: a body whose decoding kills the process
// (a real crash, in a child process) is tried again after each restart,
// alone, and after three crashes set aside with its reason; every other
// body synced from Dovecot is indexed once, none twice.
func TestDovecotIndexerCrashResumes(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	for i := 1; i <= 8; i++ {
		d.Deliver(t, userHa, officialMail(i))
	}
	d.AppendMany(t, userHa, "INBOX", 1, func(int) []byte { return append([]byte(crashMarker+"\r\n"), officialMail(9)...) })
	path := filepath.Join(t.TempDir(), "mail.db")
	synced, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &Syncer{Account: dovecotAccount(d, true), Store: synced, Opts: &Options{BodyText: mailTextOf},
		Password: func() (string, error) { return passHa, nil }}
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SyncBodies(ctx, c); err != nil || n != 9 {
		t.Fatalf("bodies: %d, %v", n, err)
	}
	synced.Close()
	for run := 1; run <= 3; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestIndexerCrashChild$")
		cmd.Env = append(os.Environ(), "TCV_INDEX_CRASH_CHILD="+path)
		out, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 7 {
			t.Fatalf("run %d did not crash in the decoder: %v\n%s", run, err, out)
		}
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := IndexBodies(ctx, st, crashingText); err != nil {
		t.Fatal(err)
	}
	if pending, _ := st.IndexPending(ctx); pending != 0 {
		t.Fatalf("pending %d", pending)
	}
	hits, _ := st.Search(ctx, "Kinh gui So Thong tin", "", 20)
	if len(hits) != 8 {
		t.Fatalf("body text hits: %d, want the 8 readable ones once each", len(hits))
	}
	crashed, _ := st.Search(ctx, "cong van so 9", "", 5)
	if len(crashed) != 1 {
		t.Fatalf("the crashing message by its subject: %d hits", len(crashed))
	}
	if r, _ := st.ParseError(ctx, crashed[0].ID); !strings.Contains(r, "stopped the client 3 times") {
		t.Errorf("reason %q", r)
	}
	if raw, err := st.Body(ctx, crashed[0].ID); err != nil || !bytes.HasPrefix(raw, []byte(crashMarker)) {
		t.Errorf("the crashing message's body is kept: %d bytes, %v", len(raw), err)
	}
}

func crashingText(raw []byte) (string, error) {
	if bytes.HasPrefix(raw, []byte(crashMarker)) {
		fmt.Println("decoder crash")
		os.Exit(7)
	}
	return mailTextOf(raw)
}

// TestIndexerCrashChild is the child of TestDovecotIndexerCrashResumes:
// it indexes the store until its decoder kills it.
func TestIndexerCrashChild(t *testing.T) {
	path := os.Getenv("TCV_INDEX_CRASH_CHILD")
	if path == "" {
		t.Skip("child process of TestDovecotIndexerCrashResumes")
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	IndexBodies(context.Background(), st, crashingText)
	t.Fatal("the decoder did not crash")
}
