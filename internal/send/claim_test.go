package send

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// received counts the deliveries of each body the server got.
func (b *memBackend) counts() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]int{}
	for _, r := range b.received {
		out[strings.TrimSpace(string(r))]++
	}
	return out
}

func queueN(t *testing.T, ob *Outbox, n int, rcpt func(i int) string) []int64 {
	var ids []int64
	for i := 0; i < n; i++ {
		id, err := ob.Queue(context.Background(), Envelope{Account: "a", From: "a@hanam.gov.vn", To: []string{rcpt(i)}},
			[]byte(fmt.Sprintf("Subject: %d\r\n\r\nmail %d\r\n", i, i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func always(string) func(int) string { return func(int) string { return "b@hanam.gov.vn" } }

// Two processes flush the same store at once: every mail reaches the
// server exactly once and gets exactly one Sent copy.
func TestOutboxTwoStoresNeverSubmitTwice(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	path := filepath.Join(t.TempDir(), "mail.db")
	ob1, ob2 := openOutboxAt(t, path), openOutboxAt(t, path)
	const n = 60
	queueN(t, ob1, n, always(""))
	var mu sync.Mutex
	filed := map[string]int{}
	s := Sender{Account: a, Password: func() (string, error) { return "x", nil },
		AppendSent: func(_ context.Context, raw []byte) error {
			mu.Lock()
			filed[strings.TrimSpace(string(raw))]++
			mu.Unlock()
			return nil
		}}
	var wg sync.WaitGroup
	results := make([]Result, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ob := ob1
			if i%2 == 1 {
				ob = ob2
			}
			res, err := ob.Flush(ctx, s)
			if err != nil {
				t.Errorf("flush %d: %v", i, err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	sent := 0
	for _, r := range results {
		sent += r.Sent
	}
	got := be.counts()
	if sent != n || len(got) != n {
		t.Fatalf("sent %d, %d distinct mails delivered, want %d (%+v)", sent, len(got), n, results)
	}
	for body, c := range got {
		if c != 1 || filed[body] != 1 {
			t.Fatalf("%q delivered %d times, filed %d times", body, c, filed[body])
		}
	}
	if items, _ := ob2.List(ctx); len(items) != 0 {
		t.Fatalf("outbox not empty: %+v", items)
	}
}

// A flush that died holding mail (its process crashed) keeps it from the
// others until its lease ends; then the mail goes, once.
func TestOutboxLeaseRecoversDeadClaim(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	ob := openOutbox(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob.now = func() time.Time { return now }
	queueN(t, ob, 3, always(""))
	dead := &claim{o: ob, owner: "dead process"}
	if rows, err := dead.take(ctx, "a"); err != nil || len(rows) != 3 {
		t.Fatalf("claim: %d %v", len(rows), err)
	}
	appended := 0
	now = now.Add(Lease / 2)
	if res, err := ob.Flush(ctx, sender(a, &appended)); err != nil || res.Sent != 0 || len(be.received) != 0 {
		t.Fatalf("mail held by a live claim was sent: %+v %v", res, err)
	}
	now = now.Add(Lease)
	if res, err := ob.Flush(ctx, sender(a, &appended)); err != nil || res.Sent != 3 {
		t.Fatalf("after the lease: %+v %v", res, err)
	}
	if len(be.received) != 3 || appended != 3 {
		t.Fatalf("delivered %d, filed %d", len(be.received), appended)
	}
}

// A claim of a process of this machine that is gone is taken over at once;
// one of a process that runs is not.
func TestOutboxClaimOfGoneProcess(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	ob := openOutbox(t)
	queueN(t, ob, 2, always(""))
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleeper.Process.Kill()
	live := &claim{o: ob, owner: hostname() + "/" + strconv.Itoa(sleeper.Process.Pid) + "/x"}
	if rows, err := live.take(ctx, "a"); err != nil || len(rows) != 2 {
		t.Fatalf("claim: %d %v", len(rows), err)
	}
	appended := 0
	if res, _ := ob.Flush(ctx, sender(a, &appended)); res.Sent != 0 {
		t.Fatalf("mail of a running process was taken: %+v", res)
	}
	sleeper.Process.Kill()
	sleeper.Wait()
	if res, err := ob.Flush(ctx, sender(a, &appended)); err != nil || res.Sent != 2 || len(be.received) != 2 {
		t.Fatalf("after the process ended: %+v %v, %d delivered", res, err, len(be.received))
	}
}

// The connection drops after a 4xx and the reconnect fails, past the
// outbox lifetime, while the Sent folder is unreachable: the mail the
// server already accepted stays accepted (its copy is retried, never the
// submission), each other mail is deferred once, and `--flush` (Retry)
// later delivers each mail exactly once in all.
func TestOutboxReconnectFailureMidBatch(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	be.answers = map[string]*smtp.SMTPError{"grey@hanam.gov.vn": {Code: 451, Message: "greylisted"}}
	ob := openOutbox(t)
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob.now = func() time.Time { return start }
	ids := queueN(t, ob, 3, func(i int) string {
		if i == 1 {
			return "grey@hanam.gov.vn"
		}
		return "b@hanam.gov.vn"
	})
	ob.now = func() time.Time { return start.Add(Lifetime + time.Hour) }
	dials := 0
	var d net.Dialer
	imapDown := errors.New("IMAP server unreachable")
	s := Sender{Account: a, Password: func() (string, error) { return "x", nil },
		AppendSent: func(context.Context, []byte) error { return imapDown },
		Opts: &Options{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials++; dials > 1 {
				return nil, errors.New("connection refused")
			}
			return d.DialContext(ctx, network, addr)
		}}}
	res, err := ob.Flush(ctx, s)
	if err == nil || res.Sent != 1 || res.Deferred != 2 || res.Failed != 0 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	want := map[int64]string{ids[0]: StateAccepted, ids[1]: StateFailed, ids[2]: StateFailed}
	for id, state := range want {
		it, err := ob.Item(ctx, id)
		if err != nil || it.State != state || (state == StateFailed && it.Attempts != 1) {
			t.Fatalf("mail %d: %+v %v, want %s after one attempt", id, it, err, state)
		}
	}
	// The user retries everything once the servers are back.
	delete(be.answers, "grey@hanam.gov.vn")
	s.AppendSent, s.Opts = func(context.Context, []byte) error { return nil }, nil
	if err := ob.Retry(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := ob.Flush(ctx, s); err != nil || res.Sent != 2 {
		t.Fatalf("after retry: %+v %v", res, err)
	}
	got := be.counts()
	if len(got) != 3 {
		t.Fatalf("delivered: %v", got)
	}
	for body, c := range got {
		if c != 1 {
			t.Fatalf("%q delivered %d times", body, c)
		}
	}
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("outbox not empty: %+v", items)
	}
}

// Writing the acceptance fails (the store refuses the update): the error
// says so, and the mail is not submitted again; once the store works, the
// acceptance is written and the Sent copy filed.
func TestOutboxAcceptanceNotRecorded(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	ob := openOutbox(t)
	queueN(t, ob, 2, always(""))
	if _, err := ob.db.Exec(`CREATE TRIGGER broken BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'accepted'
		BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`); err != nil {
		t.Fatal(err)
	}
	appended := 0
	res, err := ob.Flush(ctx, sender(a, &appended))
	if err == nil || !strings.Contains(err.Error(), "will not be sent again") || res.Sent != 1 {
		t.Fatalf("flush with a failing store: %+v %v", res, err)
	}
	if res, _ := ob.Flush(ctx, sender(a, &appended)); res.Sent != 1 || len(be.received) != 2 {
		t.Fatalf("second flush: %+v, %d delivered", res, len(be.received))
	}
	ob.db.Exec(`DROP TRIGGER broken`)
	if res, err := ob.Flush(ctx, sender(a, &appended)); err != nil || res.Sent != 0 {
		t.Fatalf("flush once the store works: %+v %v", res, err)
	}
	for body, c := range be.counts() {
		if c != 1 {
			t.Fatalf("%q delivered %d times", body, c)
		}
	}
	if items, _ := ob.List(ctx); len(items) != 0 || appended != 2 {
		t.Fatalf("outbox %+v, %d Sent copies", items, appended)
	}
}

// A flush that ran so long that its lease ended renews its claim before
// the next mail, and leaves alone a mail another flush took meanwhile.
func TestOutboxRenewsClaimAndYieldsLostMail(t *testing.T) {
	ctx := context.Background()
	be, a := startSMTP(t)
	ob := openOutbox(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ob.now = func() time.Time { return now }
	ids := queueN(t, ob, 3, always(""))
	ob.AfterAccept = func(id int64) {
		if id != ids[0] {
			return
		}
		// The first submission took a whole lease; another flush took the second mail.
		now = now.Add(Lease + time.Minute)
		if _, err := ob.db.Exec(`UPDATE outbox SET owner = 'another flush', lease = ? WHERE id = ?`,
			now.Add(Lease).Unix(), ids[1]); err != nil {
			t.Fatal(err)
		}
	}
	appended := 0
	res, err := ob.Flush(ctx, sender(a, &appended))
	if err != nil || res.Sent != 2 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	got := be.counts()
	if len(got) != 2 || got["Subject: 1\r\n\r\nmail 1"] != 0 {
		t.Fatalf("delivered: %v", got)
	}
	var owner string
	if err := ob.db.QueryRow(`SELECT owner FROM outbox WHERE id = ?`, ids[1]).Scan(&owner); err != nil || owner != "another flush" {
		t.Fatalf("the other flush's mail: owner %q %v", owner, err)
	}
}
