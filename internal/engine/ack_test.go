package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/ack"
	"thucongvu/internal/compose"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

const (
	agency     = "vanthu@hanam.gov.vn"
	agencyPass = "Vt#2026-van-thu"
	stc        = "stc@hanam.gov.vn" // Sở Tài chính, a sender with a mailbox
	stcPass    = "Stc#2026-abcd"
	laSender   = "ducdv@longan.gov.vn"
	laPass     = "La#2026-efgh"
)

type ackWorld struct {
	d *testsrv.Dovecot
	p *testsrv.Postfix
}

func startAckWorld(t *testing.T) *ackWorld {
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, stc: stcPass, laSender: laPass}})
	return &ackWorld{d: d, p: testsrv.StartPostfix(t, d)}
}

func (w *ackWorld) account(t *testing.T) model.Account {
	ih, ip := hostPort(t, w.d.IMAPSAddr)
	sh, sp := hostPort(t, w.p.SubmissionsAddr)
	return model.Account{Name: "vanthu", Email: agency, Username: agency, Profile: "hanam", Shared: true,
		IMAP:              model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: sh, Port: sp, Security: model.SecurityImplicit},
		TrustedCertSHA256: w.d.CertSHA256 + "," + w.p.CertSHA256,
		Added:             time.Now().Add(-time.Hour),
		Signature: model.Signature{Name: "Trần Thị Mai", Title: "Văn thư", Agency: "Sở Thông tin và Truyền thông tỉnh Hà Nam",
			Address: "Số 2 Lý Thường Kiệt, Phủ Lý", Phone: "0226.3852.701", Email: agency}}
}

// submit sends raw through Postfix as an authenticated officer.
func (w *ackWorld) submit(t *testing.T, user, pass string, rcpts []string, raw string) {
	c, err := smtp.DialTLS(w.p.SubmissionsAddr, w.p.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(user, rcpts, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
}

func msg(from, to, subject, extra, body string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%d.%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\n%s",
		from, to, subject, time.Now().UnixNano(), strings.ReplaceAll(from, "<", ""), time.Now().Format(time.RFC1123Z), extra) + body
}

func withAttachment(name, ctype string) string {
	return "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n" +
		"--b\r\nContent-Type: " + ctype + "\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
}

const plain = "Content-Type: text/plain; charset=utf-8\r\n\r\nNội dung.\r\n"

// TestAckMatrix: each kind of incoming mail, delivered for real, gets the
// decision the rules give (R2 and RFC 3834), and each document gets exactly
// one acknowledgement, even over a second pass.
func TestAckMatrix(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	pdf := withAttachment("cong-van-15.pdf", "application/pdf")
	type kase struct {
		name, subject, action, reason string
		deliver                       func(subject string)
	}
	viaPostfix := func(user, pass, extra, body string) func(string) {
		return func(subject string) {
			w.submit(t, user, pass, []string{agency}, msg(user, agency, subject, extra, body))
		}
	}
	viaLMTP := func(envFrom, from, to, extra, body string, rcpts ...string) func(string) {
		if len(rcpts) == 0 {
			rcpts = []string{agency}
		}
		return func(subject string) {
			if err := w.d.DeliverEnvelope(envFrom, rcpts, []byte(msg(from, to, subject, extra, body))); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []kase{
		{"gov.vn document with PDF", "Công văn số 15/STC-NS về dự toán", ack.ActionAck, ack.ReasonDocument, viaPostfix(stc, stcPass, "", pdf)},
		{"invitation with DOCX", "Giấy mời họp giao ban", ack.ActionAck, ack.ReasonDocument,
			viaPostfix(laSender, laPass, "", withAttachment("giay-moi.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))},
		{"read-receipt request", "Báo cáo quý III", ack.ActionAck, ack.ReasonDocument,
			viaPostfix(stc, stcPass, "Disposition-Notification-To: "+stc+"\r\n", pdf)},
		{"forwarded document", "Fwd: Quyết định số 112/QĐ-UBND", ack.ActionAck, ack.ReasonDocument,
			viaPostfix(stc, stcPass, "Content-Type: multipart/mixed; boundary=\"f\"\r\n\r\n", "--f\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nChuyển tiếp.\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n"+
				msg("vp@hanam.gov.vn", stc, "Quyết định số 112/QĐ-UBND", "", pdf)+"\r\n--f--\r\n")},
		{"plain note", "Hỏi thăm sức khoẻ", ack.ActionSkip, ack.ReasonNotDocument, viaPostfix(stc, stcPass, "", plain)},
		{"mailing-list post", "[cntt-hanam] Bản tin tuần", ack.ActionSkip, ack.ReasonList,
			viaLMTP("cntt-hanam-bounces@lists.hanam.gov.vn", "cntt@lists.hanam.gov.vn", agency, "List-Id: <cntt-hanam.lists.hanam.gov.vn>\r\n", pdf)},
		{"precedence bulk", "Thông báo chung", ack.ActionSkip, ack.ReasonList, viaLMTP("tb@hanam.gov.vn", "tb@hanam.gov.vn", agency, "Precedence: bulk\r\n", pdf)},
		{"vacation auto-reply", "Trả lời tự động: Vắng mặt", ack.ActionSkip, ack.ReasonAutoSubmitted,
			viaLMTP(laSender, laSender, agency, "Auto-Submitted: auto-replied\r\n", pdf)},
		{"bounce", "Undelivered Mail Returned to Sender", ack.ActionSkip, ack.ReasonNullSender,
			viaLMTP("", "MAILER-DAEMON@mail.hanam.gov.vn", agency, "", pdf)},
		{"suppressed", "Báo cáo tự động", ack.ActionSkip, ack.ReasonSuppress,
			viaLMTP(stc, stc, agency, "X-Auto-Response-Suppress: OOF, AutoReply\r\n", pdf)},
		{"no-reply robot", "Thông báo hệ thống văn bản", ack.ActionSkip, ack.ReasonSystemSender,
			viaLMTP("no-reply@qlvb.hanam.gov.vn", "no-reply@qlvb.hanam.gov.vn", agency, "", pdf)},
		{"mail from self", "Báo cáo gửi chính mình", ack.ActionSkip, ack.ReasonOwnAddress, viaLMTP(agency, agency, agency, "", pdf)},
		{"gmail sender with attachment", "Gửi văn bản qua gmail", ack.ActionSkip, ack.ReasonForeign,
			viaLMTP("canbo.longan@gmail.com", "canbo.longan@gmail.com", agency, "", pdf)},
		{"bcc to a list", "Công văn gửi danh sách", ack.ActionSkip, ack.ReasonNotRecipient,
			viaLMTP(stc, stc, "undisclosed-recipients:;", "", pdf)},
		{"acknowledgement of an acknowledgement", "Đã nhận được văn bản: Công văn 12", ack.ActionSkip, ack.ReasonAcknowledge,
			viaLMTP(laSender, laSender, agency, "", pdf)},
	}
	for _, c := range cases {
		c.deliver(c.name + " — " + c.subject)
	}
	// Junk: delivered, then flagged by the user.
	viaLMTP(stc, stc, agency, "", pdf)("junk-flagged — Quảng cáo có tệp")
	// Old: it arrived before the account was added.
	old := imapAs(t, w.d, agency, agencyPass)
	oldRaw := msg(stc, agency, "old message — Công văn cũ số 3", "", pdf)
	cmd := old.Append("INBOX", int64(len(oldRaw)), &imap.AppendOptions{Time: time.Now().Add(-48 * time.Hour)})
	cmd.Write([]byte(oldRaw))
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	n := w.d.WaitMessages(t, agency, "INBOX", len(cases)+2)
	if n != len(cases)+2 {
		t.Fatalf("delivered %d", n)
	}
	if _, err := old.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	found, _ := old.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "junk-flagged"}}}, nil).Wait()
	old.Store(imap.UIDSetNum(found.AllUIDs()...), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{"$Junk"}}, nil).Close()
	cases = append(cases, kase{name: "junk-flagged", action: ack.ActionSkip, reason: ack.ReasonJunk},
		kase{name: "old message", action: ack.ActionSkip, reason: ack.ReasonBeforeAccount})

	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	dry, err := e.AckPass(ctx, a, AckOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	bySubject := map[string]AckResult{}
	for _, r := range dry {
		bySubject[strings.SplitN(r.Subject, " — ", 2)[0]] = r
	}
	for _, c := range cases {
		r, ok := bySubject[c.name]
		if !ok {
			t.Errorf("%s: not among the candidates", c.name)
			continue
		}
		if r.Action != c.action || r.Reason != c.reason {
			t.Errorf("%s: %s/%s, want %s/%s", c.name, r.Action, r.Reason, c.action, c.reason)
		}
	}

	res, err := e.AckPass(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range res {
		if r.State == "sent" {
			sent++
		}
	}
	if sent != 4 {
		t.Fatalf("acknowledgements sent: %d, want 4: %+v", sent, res)
	}
	// A second pass, and a pass by a second client, add nothing.
	if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 0 {
		t.Fatalf("second pass: %+v %v", res, err)
	}
	e2 := openEngineAt(t, t.TempDir(), a, agencyPass)
	if res, err := e2.AckPass(ctx, a); err != nil || countState(res, "sent") != 0 {
		t.Fatalf("second client: %+v %v", res, err)
	}
	// stc sent three documents (PDF, read receipt, forward); Long An one.
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 3)
	waitCount(t, w.d, laSender, laPass, "INBOX", "Đã nhận được văn bản", 1)
	ackRaw := fetchFirst(t, w.d, laSender, laPass, "Đã nhận được văn bản")
	for _, h := range []string{"Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All", "Precedence: bulk", "In-Reply-To:", "References:"} {
		if !strings.Contains(ackRaw, h) {
			t.Errorf("acknowledgement lacks %q:\n%s", h, ackRaw)
		}
	}
	parsed, err := mail.Parse([]byte(ackRaw))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"đã nhận được văn bản", "Giấy mời họp giao ban", "giay-moi.docx", "Văn thư", "0226.3852.701"} {
		if !strings.Contains(parsed.Text, s) {
			t.Errorf("acknowledgement text lacks %q:\n%s", s, parsed.Text)
		}
	}
}

func countState(rs []AckResult, state string) int {
	n := 0
	for _, r := range rs {
		if r.State == state {
			n++
		}
	}
	return n
}

func imapAs(t *testing.T, d *testsrv.Dovecot, user, pass string) *imapclient.Client {
	c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func fetchFirst(t *testing.T, d *testsrv.Dovecot, user, pass, subject string) string {
	c := imapAs(t, d, user, pass)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: subject}}}, nil).Wait()
	if err != nil || len(found.AllUIDs()) == 0 {
		t.Fatalf("no %q in %s", subject, user)
	}
	section := &imap.FetchItemBodySection{}
	msgs, err := c.Fetch(imap.UIDSetNum(found.AllUIDs()[0]), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil || len(msgs) == 0 {
		t.Fatal(err)
	}
	return string(msgs[0].FindBodySection(section))
}

// Two delegates of the agency mailbox acknowledge at the same moment:
// each document is acknowledged once in all.
func TestAckTwoClientsRace(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	for i := 0; i < 6; i++ {
		w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, fmt.Sprintf("Công văn số %d/STC", i), "", withAttachment("cv.pdf", "application/pdf")))
	}
	w.d.WaitMessages(t, agency, "INBOX", 6)
	e1 := openEngineAt(t, t.TempDir(), a, agencyPass)
	e2 := openEngineAt(t, t.TempDir(), a, agencyPass)
	var wg sync.WaitGroup
	var r1, r2 []AckResult
	var err1, err2 error
	wg.Add(2)
	go func() { defer wg.Done(); r1, err1 = e1.AckPass(ctx, a) }()
	go func() { defer wg.Done(); r2, err2 = e2.AckPass(ctx, a) }()
	wg.Wait()
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if total := countState(r1, "sent") + countState(r2, "sent"); total != 6 {
		t.Fatalf("acknowledged %d times in all, want 6 (%d + %d)", total, countState(r1, "sent"), countState(r2, "sent"))
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 6)
}

// The process dies at each step of an acknowledgement — recorded in the
// ledger, marked on the server, queued, accepted by the server: the next
// pass (or the outbox) sends it, and only once.
func TestAckCrashAtEveryStep(t *testing.T) {
	for _, step := range []string{"recorded", "marked", "queued", "accepted"} {
		t.Run(step, func(t *testing.T) {
			ctx := context.Background()
			w := startAckWorld(t)
			a := w.account(t)
			w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Kế hoạch số 9/KH-STC", "", withAttachment("kh.pdf", "application/pdf")))
			w.d.WaitMessages(t, agency, "INBOX", 1)
			home := t.TempDir()
			e := openEngineAt(t, home, a, agencyPass)
			e.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestAckCrashChild$")
			cmd.Env = append(os.Environ(), "TCV_ACK_HOME="+home, "TCV_ACK_PW="+agencyPass, "TCV_ACK_STEP="+step)
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
				t.Fatalf("child did not die at %s: %v\n%s", step, err, out)
			}
			e2 := openEngineAt(t, home, a, agencyPass)
			if _, err := e2.AckPass(ctx, a); err != nil {
				t.Fatal(err)
			}
			if _, err := e2.Flush(ctx, a); err != nil {
				t.Fatal(err)
			}
			if res, _ := e2.AckPass(ctx, a); countState(res, "sent") != 0 {
				t.Fatalf("sent again: %+v", res)
			}
			waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 1)
		})
	}
}

// TestAckCrashChild is the process that dies in TestAckCrashAtEveryStep.
func TestAckCrashChild(t *testing.T) {
	home := os.Getenv("TCV_ACK_HOME")
	if home == "" {
		t.Skip("child process of TestAckCrashAtEveryStep")
	}
	e, err := Open(home, secretWith(os.Getenv("TCV_ACK_PW")))
	if err != nil {
		t.Fatal(err)
	}
	a := e.Config.Accounts[0]
	e.Secrets.Set(secretKey(a), os.Getenv("TCV_ACK_PW"))
	step := os.Getenv("TCV_ACK_STEP")
	if step == "accepted" {
		ob, _ := e.Outbox()
		ob.AfterAccept = func(int64) { os.Exit(3) }
	}
	e.AckPass(context.Background(), a, AckOptions{Step: func(s string) {
		if s == step {
			os.Exit(3)
		}
	}})
	t.Fatal("the pass never reached " + step)
}

// The sender's side: who acknowledged a sent document, and a resend to
// the others alone.
func TestSenderTrackingAndResend(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	sender := w.account(t)
	se := openEngineAt(t, t.TempDir(), sender, agencyPass)
	d := compose.Draft{To: []model.Address{{Name: "Sở Tài chính", Address: stc}, {Name: "Đỗ Văn Đức", Address: laSender}},
		Subject: "Công văn số 301/STTTT-BCVT về báo cáo chuyển đổi số", Body: "Kính gửi các đơn vị.",
		Attachments: []compose.Attachment{{Name: "cv301.pdf", Data: []byte("%PDF-1.4\n")}}}
	if _, _, err := se.Queue(ctx, sender, d, "vi"); err != nil {
		t.Fatal(err)
	}
	if _, err := se.Flush(ctx, sender); err != nil {
		t.Fatal(err)
	}
	w.d.WaitMessages(t, stc, "INBOX", 1)
	// Sở Tài chính's own client acknowledges; Long An does not.
	ih, ip := hostPort(t, w.d.IMAPSAddr)
	sh, sp := hostPort(t, w.p.SubmissionsAddr)
	stcAcct := model.Account{Name: "stc", Email: stc, Username: stc, Profile: "hanam", Added: time.Now().Add(-time.Hour),
		IMAP: model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit}, SMTP: model.Server{Host: sh, Port: sp, Security: model.SecurityImplicit},
		TrustedCertSHA256: w.d.CertSHA256 + "," + w.p.CertSHA256, Signature: model.Signature{Name: "Lê Văn Tài", Title: "Văn thư", Agency: "Sở Tài chính"}}
	re := openEngineAt(t, t.TempDir(), stcAcct, stcPass)
	if res, err := re.AckPass(ctx, stcAcct); err != nil || countState(res, "sent") != 1 {
		t.Fatalf("recipient ack: %+v %v", res, err)
	}
	waitCount(t, w.d, agency, agencyPass, "INBOX", "Đã nhận được văn bản", 1)
	if _, err := se.SyncOnce(ctx, []model.Account{sender}, false); err != nil {
		t.Fatal(err)
	}
	docs, err := se.Receipts(ctx, sender, time.Now().Add(30*24*time.Hour))
	if err != nil || len(docs) != 1 {
		t.Fatalf("receipts: %+v %v", docs, err)
	}
	doc := docs[0]
	if doc.Acked != 1 || doc.Total != 2 || len(doc.Missing) != 1 || doc.Missing[0] != laSender || !doc.Overdue {
		t.Fatalf("receipts: %+v", doc)
	}
	if !doc.Deadline.After(doc.Date) {
		t.Fatalf("deadline %s not after sending %s", doc.Deadline, doc.Date)
	}
	n, err := se.Resend(ctx, sender, doc.MessageID)
	if err != nil || n != 1 {
		t.Fatalf("resend: %d %v", n, err)
	}
	waitCount(t, w.d, laSender, laPass, "INBOX", "Công văn số 301", 2)
	waitCount(t, w.d, stc, stcPass, "INBOX", "Công văn số 301", 1)
	if c := count(t, w.d, agency, agencyPass, "Sent", "Công văn số 301"); c != 1 {
		t.Fatalf("Sent copies after resend: %d", c)
	}
}

// A read receipt goes once, when the message is displayed and the user
// chose "always"; "never" sends none.
func TestReadReceipt(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Báo cáo có yêu cầu xác nhận đã đọc",
		"Disposition-Notification-To: "+stc+"\r\n", withAttachment("bc.pdf", "application/pdf")))
	w.d.WaitMessages(t, agency, "INBOX", 1)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, false); err != nil {
		t.Fatal(err)
	}
	list, _ := e.Store.Search(ctx, "xac nhan da doc", "", 5)
	if len(list) != 1 {
		t.Fatalf("message not synced: %+v", list)
	}
	if d, err := e.ReadReceipt(ctx, list[0].ID, ack.ReceiptNever, false); err != nil || d != ack.ReceiptNone {
		t.Fatalf("never: %s %v", d, err)
	}
	if d, err := e.ReadReceipt(ctx, list[0].ID, ack.ReceiptAlways, false); err != nil || d != ack.ReceiptSend {
		t.Fatalf("always: %s %v", d, err)
	}
	if d, _ := e.ReadReceipt(ctx, list[0].ID, ack.ReceiptAlways, false); d != ack.ReceiptNone {
		t.Fatalf("second display sent again: %s", d)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã đọc", 1)
	raw := fetchFirst(t, w.d, stc, stcPass, "Đã đọc")
	if !strings.Contains(raw, "report-type=disposition-notification") || !strings.Contains(raw, "automatic-action/MDN-sent-automatically; displayed") {
		t.Fatalf("receipt:\n%s", raw)
	}
}

// An account's own acknowledgement text is used for its language.
func TestAccountAckTemplate(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	a.AckTemplates = map[string]string{"vi": "Kính gửi {{.Sender}},\nVăn thư Sở TTTT xác nhận đã nhận \"{{.Subject}}\".\n"}
	w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Thông báo số 4/TB-STC", "", withAttachment("tb.pdf", "application/pdf")))
	w.d.WaitMessages(t, agency, "INBOX", 1)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	if res, err := e.AckPass(ctx, a, AckOptions{Lang: "vi"}); err != nil || countState(res, "sent") != 1 {
		t.Fatalf("ack: %+v %v", res, err)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 1)
	m, err := mail.Parse([]byte(fetchFirst(t, w.d, stc, stcPass, "Đã nhận được văn bản")))
	if err != nil || !strings.Contains(m.Text, "Văn thư Sở TTTT xác nhận đã nhận \"Thông báo số 4/TB-STC\"") {
		t.Fatalf("account template not used: %v\n%s", err, m.Text)
	}
}
