package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/compose"
	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/send"
	"thucongvu/internal/testsrv"
)

const (
	officerA = "nguyenthithanhha@hanam.gov.vn"
	passA    = "Hn@2026-abcd"
	officerB = "ducdv@longan.gov.vn"
	passB    = "La#2026-efgh"
)

type mailWorld struct {
	d *testsrv.Dovecot
	p *testsrv.Postfix
}

func startWorld(t *testing.T) *mailWorld { return startWorldB(t) }

func startWorldB(t testing.TB) *mailWorld {
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{officerA: passA, officerB: passB}})
	p := testsrv.StartPostfix(t, d)
	return &mailWorld{d: d, p: p}
}

func hostPort(t testing.TB, addr string) (string, int) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

func (w *mailWorld) account(t *testing.T) model.Account { return w.accountB(t) }

func (w *mailWorld) accountB(t testing.TB) model.Account {
	ih, ip := hostPort(t, w.d.IMAPSAddr)
	sh, sp := hostPort(t, w.p.SubmissionsAddr)
	return model.Account{
		Name: "canhan", Email: officerA, Username: officerA, Profile: "hanam",
		IMAP:              model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: sh, Port: sp, Security: model.SecurityImplicit},
		TrustedCertSHA256: w.d.CertSHA256 + "," + w.p.CertSHA256,
		Signature: model.Signature{Name: "Nguyễn Thị Thanh Hà", Title: "Chuyên viên", Agency: "Sở Thông tin và Truyền thông tỉnh Hà Nam",
			Address: "Số 2 Lý Thường Kiệt, Phủ Lý", Phone: "0226.3852.701", Email: officerA},
	}
}

// openEngine opens an engine on home with the account's password in a
// memory keychain (the keychain itself is tested in package secret).
func openEngine(t *testing.T, home string, a model.Account, password string) *Engine {
	return openEngineAt(t, home, a, password)
}

func openEngineB(b *testing.B, a model.Account) *Engine {
	return openEngineAt(b, b.TempDir(), a, passA)
}

func openEngineAt(t testing.TB, home string, a model.Account, password string) *Engine {
	sec := secret.NewMemory()
	e, err := Open(home, sec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.Config.Account(a.Name); err != nil {
		if err := e.AddAccount(context.Background(), a, password); err != nil {
			t.Fatal(err)
		}
	} else {
		sec.Set(secretKey(a), password)
	}
	return e
}

func draft(subject string) compose.Draft {
	return compose.Draft{
		To:      []model.Address{{Name: "Đỗ Văn Đức", Address: officerB}},
		Subject: subject, Body: "Kính gửi anh Đức,\nSở gửi kèm báo cáo.",
		Attachments: []compose.Attachment{{Name: "Báo cáo quý III.pdf", Data: []byte("%PDF-1.4\n%âãÏÓ\n")}},
	}
}

// count returns how many messages with subject sit in user's mailbox.
func count(t *testing.T, d *testsrv.Dovecot, user, pass, mailbox, subject string) int {
	c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	// Dovecot makes its "auto" folders on first use and may answer a
	// session that raced with that creation ALREADYEXISTS: it is there then.
	_, err = c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	for try := 0; try < 3 && imapsync.HasCode(err, imap.ResponseCodeAlreadyExists); try++ {
		_, err = c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	}
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: subject}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return len(data.AllUIDs())
}

// waitCount waits for Postfix's asynchronous delivery to reach want.
func waitCount(t *testing.T, d *testsrv.Dovecot, user, pass, mailbox, subject string, want int) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		n := count(t, d, user, pass, mailbox, subject)
		if n == want {
			// Hold on a moment longer: a duplicate would show up now.
			time.Sleep(300 * time.Millisecond)
			if n = count(t, d, user, pass, mailbox, subject); n == want {
				return
			}
		}
		if n > want || time.Now().After(deadline) {
			t.Fatalf("%s/%s has %d × %q, want %d", user, mailbox, n, subject, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSendDeliversOnceAndFilesSent(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	if _, _, err := e.Queue(ctx, a, draft("Báo cáo quý III năm 2026"), "vi"); err != nil {
		t.Fatal(err)
	}
	res, err := e.Flush(ctx, a)
	if err != nil || res.Sent != 1 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	ob, _ := e.Outbox()
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("outbox not empty after delivery: %+v", items)
	}
	waitCount(t, w.d, officerB, passB, "INBOX", "Báo cáo quý III năm 2026", 1)
	if n := count(t, w.d, officerA, passA, "Sent", "Báo cáo quý III năm 2026"); n != 1 {
		t.Fatalf("Sent copies: %d", n)
	}
}

func TestSendBlockedByRuleQueuesNothing(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	_, report, err := e.Queue(ctx, a, draft("[MẬT] Phương án bảo vệ"), "vi")
	if !errors.Is(err, failure.ErrBlocked) || !report.Blocked {
		t.Fatalf("secret mail: %v %+v", err, report)
	}
	ob, _ := e.Outbox()
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("blocked mail queued: %+v", items)
	}
}

// TestSendBccToWebmailBlocked: `send FILE.eml` with foreign webmail only in
// Bcc is blocked, as in To (R7, ST 7.5); Bcc lives in the envelope only.
func TestSendBccToWebmailBlocked(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	a.Profile = "soctrang" // foreign webmail blocks
	e := openEngine(t, t.TempDir(), a, passA)
	d, err := compose.DraftFromEML([]byte("From: " + officerA + "\r\nTo: " + officerB + "\r\nBcc: <canbo.st@gmail.com>\r\n" +
		"Subject: Bao cao\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKinh gui.\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, report, err := e.Queue(ctx, a, d, "vi")
	found := false
	for _, f := range report.Findings {
		found = found || f.Code == "webmail.recipient" && f.Target == "canbo.st@gmail.com" && f.Severity == compose.SeverityBlock
	}
	if !errors.Is(err, failure.ErrBlocked) || !found {
		t.Fatalf("Bcc to webmail: %v %+v", err, report)
	}
	ob, _ := e.Outbox()
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("blocked mail queued: %+v", items)
	}
}

func TestSendSurvivesStoppedServerGreylistAndRejection(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	ob, _ := e.Outbox()

	// Postfix is down: the mail waits, with its error, for the next attempt.
	w.p.Stop()
	id, _, err := e.Queue(ctx, a, draft("Giấy mời họp khi máy chủ tắt"), "vi")
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Flush(ctx, a)
	if !errors.Is(err, send.ErrTemporary) || res.Deferred != 1 {
		t.Fatalf("flush with Postfix down: %+v %v", res, err)
	}
	it, _ := ob.Item(ctx, id)
	if it.State != send.StateQueued || !it.NextAttempt.After(time.Now()) || it.LastError == "" {
		t.Fatalf("after failure: %+v", it)
	}
	if res, _ := e.Flush(ctx, a); res.Sent+res.Deferred != 0 {
		t.Fatalf("retried before its time: %+v", res)
	}
	w.p.Start(t)
	ob.Retry(ctx)
	if res, err := e.Flush(ctx, a); err != nil || res.Sent != 1 {
		t.Fatalf("flush after restart: %+v %v", res, err)
	}
	waitCount(t, w.d, officerB, passB, "INBOX", "Giấy mời họp khi máy chủ tắt", 1)

	// Greylisting: 450, then accepted on the retry.
	w.p.Greylist(1)
	id, _, _ = e.Queue(ctx, a, draft("Thông báo bị greylist"), "vi")
	res, err = e.Flush(ctx, a)
	if !errors.Is(err, send.ErrTemporary) || res.Deferred != 1 || !strings.Contains(err.Error(), "450") {
		t.Fatalf("greylisted: %+v %v", res, err)
	}
	ob.Retry(ctx)
	if res, err := e.Flush(ctx, a); err != nil || res.Sent != 1 {
		t.Fatalf("after greylist: %+v %v", res, err)
	}
	waitCount(t, w.d, officerB, passB, "INBOX", "Thông báo bị greylist", 1)

	// A 5xx stops with the server's own words and is not retried.
	w.p.Reject(officerB)
	id, _, _ = e.Queue(ctx, a, draft("Thư bị từ chối"), "vi")
	res, err = e.Flush(ctx, a)
	if !errors.Is(err, send.ErrRejected) || res.Failed != 1 {
		t.Fatalf("rejected: %+v %v", res, err)
	}
	it, _ = ob.Item(ctx, id)
	if it.State != send.StateFailed || !strings.Contains(it.LastError, "550") {
		t.Fatalf("rejected item: %+v", it)
	}
	if res, _ := e.Flush(ctx, a); res.Sent+res.Failed+res.Deferred != 0 {
		t.Fatalf("failed mail retried by itself: %+v", res)
	}
}

func TestWrongSMTPPasswordKeepsMail(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	e.Secrets.Set(secretKey(a), "mật khẩu sai")
	id, _, _ := e.Queue(ctx, a, draft("Thư chờ mật khẩu đúng"), "vi")
	if _, err := e.Flush(ctx, a); !errors.Is(err, failure.ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	ob, _ := e.Outbox()
	if it, err := ob.Item(ctx, id); err != nil || it.State != send.StateQueued {
		t.Fatalf("mail lost after a wrong password: %+v %v", it, err)
	}
}

// Two processes on one home (the window and `thucongvu outbox --flush`)
// flush at the same moment: each mail reaches the recipient once and is
// filed in Sent once.
func TestTwoFlushesDeliverEachMailOnce(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	home := t.TempDir()
	e1 := openEngine(t, home, a, passA)
	e2 := openEngine(t, home, a, passA)
	const n = 8
	for i := 0; i < n; i++ {
		if _, _, err := e1.Queue(ctx, a, draft(fmt.Sprintf("Giấy mời họp số %d", i)), "vi"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	results := make([]send.Result, 2)
	for i, e := range []*Engine{e1, e2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if results[i], err = e.Flush(ctx, a); err != nil {
				t.Errorf("flush %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if results[0].Sent+results[1].Sent != n {
		t.Fatalf("flushes: %+v", results)
	}
	for i := 0; i < n; i++ {
		subject := fmt.Sprintf("Giấy mời họp số %d", i)
		waitCount(t, w.d, officerB, passB, "INBOX", subject, 1)
		if c := count(t, w.d, officerA, passA, "Sent", subject); c != 1 {
			t.Fatalf("%s: %d Sent copies", subject, c)
		}
	}
}

// The Sent folder the last sync saw was deleted by another client: the
// copy goes to the server's Sent folder, created again on first use, and
// the mail leaves the outbox.
func TestSentCopyWhenSentFolderIsGone(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	if _, err := e.Store.EnsureFolder(ctx, a.Name, "Thư đã gửi", model.RoleSent); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Queue(ctx, a, draft("Báo cáo khi thư mục Đã gửi bị xoá"), "vi"); err != nil {
		t.Fatal(err)
	}
	if res, err := e.Flush(ctx, a); err != nil || res.Sent != 1 {
		t.Fatalf("flush: %+v %v", res, err)
	}
	ob, _ := e.Outbox()
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
	if n := count(t, w.d, officerA, passA, "Sent", "Báo cáo khi thư mục Đã gửi bị xoá"); n != 1 {
		t.Fatalf("Sent copies: %d", n)
	}
}

// The process dies right after the server accepted the mail, before the
// Sent copy: on restart the copy is filed and nothing is delivered twice.
func TestCrashBetweenAcceptanceAndSentCopy(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	home := t.TempDir()
	e := openEngine(t, home, a, passA)
	if _, _, err := e.Queue(ctx, a, draft("Văn bản gửi khi mất điện"), "vi"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), "TCV_CRASH_HOME="+home, "TCV_CRASH_PW="+passA)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("child did not die at acceptance: %v\n%s", err, out)
	}
	e2 := openEngine(t, home, a, passA)
	ob, _ := e2.Outbox()
	items, _ := ob.List(ctx)
	if len(items) != 1 || items[0].State != send.StateAccepted {
		t.Fatalf("after crash: %+v", items)
	}
	if res, err := e2.Flush(ctx, a); err != nil || res.Sent != 0 {
		t.Fatalf("restart flush: %+v %v", res, err)
	}
	if items, _ := ob.List(ctx); len(items) != 0 {
		t.Fatalf("outbox after restart: %+v", items)
	}
	waitCount(t, w.d, officerB, passB, "INBOX", "Văn bản gửi khi mất điện", 1)
	if n := count(t, w.d, officerA, passA, "Sent", "Văn bản gửi khi mất điện"); n != 1 {
		t.Fatalf("Sent copies: %d", n)
	}
}

// TestCrashChild is the process that dies in TestCrashBetweenAcceptanceAndSentCopy.
func TestCrashChild(t *testing.T) {
	home := os.Getenv("TCV_CRASH_HOME")
	if home == "" {
		t.Skip("child process of TestCrashBetweenAcceptanceAndSentCopy")
	}
	sec := secret.NewMemory()
	e, err := Open(home, sec)
	if err != nil {
		t.Fatal(err)
	}
	a := e.Config.Accounts[0]
	sec.Set(secretKey(a), os.Getenv("TCV_CRASH_PW"))
	ob, _ := e.Outbox()
	ob.AfterAccept = func(int64) { os.Exit(3) }
	e.Flush(context.Background(), a)
	t.Fatal("flush returned without reaching acceptance")
}

func secretWith(string) secret.Store { return secret.NewMemory() }

// The one outbox loop delivers what waits at once, and follows an account
// added after it started.
func TestRunOutboxFollowsAccounts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := startWorld(t)
	a := w.account(t)
	e := openEngine(t, t.TempDir(), a, passA)
	if _, _, err := e.Queue(ctx, a, draft("Thư chờ vòng gửi"), "vi"); err != nil {
		t.Fatal(err)
	}
	changed := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.RunOutbox(ctx, 50*time.Millisecond, func() { changed <- struct{}{} })
	}()
	waitChange := func() {
		select {
		case <-changed:
		case <-time.After(30 * time.Second): // a guard against hanging, not a measure
			t.Fatal("the outbox loop did nothing")
		}
	}
	waitChange()
	waitCount(t, w.d, officerB, passB, "INBOX", "Thư chờ vòng gửi", 1)

	// A second account, added while the loop runs.
	b := a
	b.Name, b.Email, b.Username = "ducdv", officerB, officerB
	b.Signature.Email = officerB
	if err := e.AddAccount(ctx, b, passB); err != nil {
		t.Fatal(err)
	}
	d := draft("Thư của tài khoản mới")
	d.To = []model.Address{{Address: officerA}}
	if _, _, err := e.Queue(ctx, b, d, "vi"); err != nil {
		t.Fatal(err)
	}
	waitChange()
	waitCount(t, w.d, officerA, passA, "INBOX", "Thư của tài khoản mới", 1)
	cancel()
	<-done
	ob, _ := e.Outbox()
	if items, _ := ob.List(context.Background()); len(items) != 0 {
		t.Fatalf("outbox: %+v", items)
	}
}
