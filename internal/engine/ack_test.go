package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/ack"
	"thucongvu/internal/compose"
	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
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

// nonDocument is realistic mail that is not a document (R9): notes from
// colleagues at state agencies, newsletters with an HTML part, a photo.
// Its subject and text name no document type; i varies it.
func nonDocument(i int) []byte {
	when := time.Now().Add(-time.Duration(i) * time.Minute).Format(time.RFC1123Z)
	para := strings.Repeat("Chào chị, chiều nay anh em phòng mình đi ăn liên hoan ở quán cũ, chị nhớ đến sớm nhé. ", 12)
	var from, body string
	switch i % 5 {
	case 0, 1: // a colleague at another agency (a trusted domain): plain text
		from = fmt.Sprintf("Nguyễn Văn An <an.%d@sotc.hanam.gov.vn>", i%97)
		body = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + strings.Repeat(para+"\r\n", 3)
	case 2, 3: // a newsletter from outside: text and HTML
		from = fmt.Sprintf("Tin tức <tin%d@baomoi.com.vn>", i%13)
		html := "<html><body><table>" + strings.Repeat("<tr><td style=\"padding:4px;color:#333\">"+para+"</td></tr>", 6) + "</table></body></html>"
		body = "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			para + "\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--alt--\r\n"
	default: // a photo from a colleague
		from = fmt.Sprintf("Trần Thị Bình <binh.%d@vp.hanam.gov.vn>", i%89)
		photo := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0, byte(i), 0x10, 'J', 'F', 'I', 'F'}, 2400))
		var wrapped strings.Builder
		for len(photo) > 76 {
			wrapped.WriteString(photo[:76] + "\r\n")
			photo = photo[76:]
		}
		wrapped.WriteString(photo + "\r\n")
		body = "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + para +
			"\r\n--m\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"anh-lien-hoan.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			wrapped.String() + "--m--\r\n"
	}
	return []byte(fmt.Sprintf("Return-Path: <x%d@sender.vn>\r\nFrom: %s\r\nTo: %s\r\nSubject: Liên hoan cuối tuần %d\r\nMessage-ID: <nd%d.%d@sender.vn>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		i, from, agency, i, i, time.Now().UnixNano(), when) + body)
}

// A pass with nothing new downloads no body: what earlier passes decided
// is recorded by UID. A decision that can change is made again: junk
// unflagged, a new profile, a new UIDVALIDITY.
func TestAckIdlePassDownloadsNoBody(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	a.Added = time.Now().Add(-24 * time.Hour)
	const n = 200
	w.d.AppendMany(t, agency, "INBOX", n, nonDocument)
	for i := 0; i < 2; i++ {
		if err := w.d.DeliverEnvelope(stc, []string{agency}, []byte(msg(stc, agency, fmt.Sprintf("Công văn số %d/STC", i), "", withAttachment("cv.pdf", "application/pdf")))); err != nil {
			t.Fatal(err)
		}
	}
	junk := msg(stc, agency, "Quyết định số 7/QĐ-STC", "", withAttachment("qd.pdf", "application/pdf"))
	if err := w.d.DeliverEnvelope(stc, []string{agency}, []byte(junk)); err != nil {
		t.Fatal(err)
	}
	w.d.WaitMessages(t, agency, "INBOX", n+3)
	admin := imapAs(t, w.d, agency, agencyPass)
	if _, err := admin.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	junkUID := searchSubject(t, admin, "Quyết định số 7")
	if err := admin.Store(imap.UIDSetNum(junkUID), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{"$Junk"}}, nil).Close(); err != nil {
		t.Fatal(err)
	}

	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	var st AckStats
	res, err := e.AckPass(ctx, a, AckOptions{Stats: &st})
	if err != nil || countState(res, "sent") != 2 {
		t.Fatalf("first pass: %v %+v", err, res)
	}
	if st.Candidates != n+2 || st.Headers != n+2 || st.Bodies == 0 || st.Bodies >= n {
		t.Fatalf("first pass downloaded %+v: want every header and only the bodies the header cannot decide", st)
	}

	st = AckStats{}
	if res, err := e.AckPass(ctx, a, AckOptions{Stats: &st}); err != nil || len(res) != 0 {
		t.Fatalf("idle pass: %v %+v", err, res)
	}
	if st.Headers != 0 || st.Bodies != 0 || st.Known != n {
		t.Fatalf("idle pass downloaded %+v, want nothing (%d known)", st, n)
	}
	// Nothing changed since that clean pass (UIDNEXT, HIGHESTMODSEQ): not even searched.
	st = AckStats{}
	if res, err := e.AckPass(ctx, a, AckOptions{Stats: &st}); err != nil || len(res) != 0 || !st.Unchanged || st.Candidates != 0 {
		t.Fatalf("unchanged pass: %v %+v %+v", err, res, st)
	}

	// New mail: only it is downloaded; junk unflagged is acknowledged.
	w.d.AppendMany(t, agency, "INBOX", 1, func(int) []byte { return nonDocument(n + 1) })
	if err := admin.Store(imap.UIDSetNum(junkUID), &imap.StoreFlags{Op: imap.StoreFlagsDel, Flags: []imap.Flag{"$Junk"}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	st = AckStats{}
	if res, err := e.AckPass(ctx, a, AckOptions{Stats: &st}); err != nil || countState(res, "sent") != 1 || res[0].Subject != "Quyết định số 7/QĐ-STC" && res[1].Subject != "Quyết định số 7/QĐ-STC" {
		t.Fatalf("pass after new mail: %v %+v", err, res)
	}
	if st.Headers != 2 || st.Bodies > 2 {
		t.Fatalf("pass after new mail downloaded %+v, want the two new ones", st)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 3)

	// Another profile (other trusted domains): every decision is made again,
	// and nothing is acknowledged twice.
	b := a
	b.Profile = "longan"
	st = AckStats{}
	if res, err := e.AckPass(ctx, b, AckOptions{Stats: &st}); err != nil || countState(res, "sent") != 0 {
		t.Fatalf("pass under another profile: %v %+v", err, res)
	}
	if st.Headers != n+1 {
		t.Fatalf("pass under another profile downloaded %+v, want every header again", st)
	}
	// A new UIDVALIDITY: UIDs name other messages now.
	admin.Logout().Wait()
	w.d.SetUIDValidity(t, agency, "INBOX", w.d.UIDValidity(t, agency, "INBOX")+7)
	st = AckStats{}
	if res, err := e.AckPass(ctx, a, AckOptions{Stats: &st}); err != nil || countState(res, "sent") != 0 {
		t.Fatalf("pass after new UIDVALIDITY: %v %+v", err, res)
	}
	if st.Known != 0 || st.Headers != n+1 {
		t.Fatalf("pass after new UIDVALIDITY: %+v, want every header again", st)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 3)
}

func searchSubject(t *testing.T, c *imapclient.Client, subject string) imap.UID {
	t.Helper()
	found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: subject}}}, nil).Wait()
	if err != nil || len(found.AllUIDs()) != 1 {
		t.Fatalf("search %q: %v %v", subject, found, err)
	}
	return found.AllUIDs()[0]
}

// A message that cannot be read, and one whose decoder panics, are listed
// with state "error" and their reason, in this pass and the next, and the
// documents around them are acknowledged.
func TestAckPoisonMessageIsolated(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	a.Added = time.Now().Add(-24 * time.Hour)
	w.d.AppendMany(t, agency, "INBOX", 4, func(i int) []byte {
		switch i {
		case 1: // no header field at all
			return []byte("\x00\x01 this is no mail\r\n\r\n--broken\r\n")
		case 2: // the decoder panics on this one
			return []byte(msg(stc, agency, "Công văn PANIC-ME số 2", "", withAttachment("cv2.pdf", "application/pdf")))
		}
		// Appended, so the Return-Path a delivering server writes is added here.
		return []byte("Return-Path: <" + stc + ">\r\n" + msg(stc, agency, fmt.Sprintf("Công văn số %d/STC", i), "", withAttachment("cv.pdf", "application/pdf")))
	})
	parse := func(raw []byte) (*mail.Message, error) {
		if bytes.Contains(raw, []byte("PANIC-ME")) {
			var m map[string]int
			m["boom"]++ // a decoder bug
		}
		return mail.Parse(raw)
	}
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	check := func(res []AckResult, sent int) {
		t.Helper()
		if countState(res, "sent") != sent || countState(res, ack.StateError) != 2 {
			t.Fatalf("want %d sent and 2 errors: %+v", sent, res)
		}
		for _, r := range res {
			if r.State == ack.StateError && (r.Reason == "" || r.Action != ack.ActionSkip) {
				t.Fatalf("error without its reason: %+v", r)
			}
			if r.State == ack.StateError && strings.Contains(r.Subject, "PANIC-ME") && !strings.Contains(r.Reason, "nil map") {
				t.Fatalf("panic not named: %+v", r)
			}
		}
	}
	res, err := e.AckPass(ctx, a, AckOptions{Parse: parse})
	if err != nil {
		t.Fatal(err)
	}
	check(res, 2)
	var st AckStats
	res, err = e.AckPass(ctx, a, AckOptions{Parse: parse, Stats: &st})
	if err != nil {
		t.Fatal(err)
	}
	check(res, 0)
	if st.Headers != 0 || st.Bodies != 0 {
		t.Fatalf("recorded errors downloaded again: %+v", st)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 2)
}

// Machine policy AutoAckDisabled stops every acknowledgement, whatever the
// caller asks (R2 switched off by agency IT); a dry run says why. Mail that
// came meanwhile is acknowledged once the policy allows it again.
func TestAckPolicyDisabled(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Giấy mời số 5/GM-STC", "", withAttachment("gm.pdf", "application/pdf")))
	w.d.WaitMessages(t, agency, "INBOX", 1)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	e.Policy = &config.Policy{AutoAckDisabled: true}
	res, err := e.AckPass(ctx, a)
	if !errors.Is(err, failure.ErrBlocked) || len(res) != 0 {
		t.Fatalf("pass under policy: %+v %v", res, err)
	}
	if dry, err := e.AckPass(ctx, a, AckOptions{DryRun: true}); err != nil || len(dry) != 1 || dry[0].Reason != ack.ReasonDisabled {
		t.Fatalf("dry run under policy: %+v %v", dry, err)
	}
	c := imapAs(t, w.d, agency, agencyPass)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if found, _ := c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{ack.Keyword}}, nil).Wait(); len(found.AllUIDs()) != 0 {
		t.Fatalf("marked acknowledged under policy")
	}
	if n := count(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản"); n != 0 {
		t.Fatalf("%d acknowledgements sent under policy", n)
	}
	e.Policy = &config.Policy{}
	if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 1 {
		t.Fatalf("pass after the policy: %+v %v", res, err)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 1)
}

// The user opens the mail (\Seen) between the pass's fetch and its claim:
// the conditional STORE loses to that change, and the claim is tried
// again; another client's $TCVAcked set at that moment makes it stand down.
func TestAckClaimAfterUnrelatedFlagChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []imap.Flag
		state string
		acks  int
	}{
		{"seen", []imap.Flag{imap.FlagSeen}, "sent", 1},
		{"other client", []imap.Flag{ack.Keyword, "$TCVAckByfeedbeef"}, ack.StateOther, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			w := startAckWorld(t)
			a := w.account(t)
			w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Tờ trình số 3/TTr-STC", "", withAttachment("tt.pdf", "application/pdf")))
			w.d.WaitMessages(t, agency, "INBOX", 1)
			user := imapAs(t, w.d, agency, agencyPass)
			if _, err := user.Select("INBOX", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			e := openEngineAt(t, t.TempDir(), a, agencyPass)
			res, err := e.AckPass(ctx, a, AckOptions{Step: func(step string) {
				if step == "recorded" {
					if err := user.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: tc.flags}, nil).Close(); err != nil {
						t.Error(err)
					}
				}
			}})
			if err != nil || len(res) != 1 || res[0].State != tc.state {
				t.Fatalf("pass: %+v %v, want state %s", res, err, tc.state)
			}
			waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", tc.acks)
			if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 0 {
				t.Fatalf("second pass: %+v %v", res, err)
			}
		})
	}
}

// Two engines on one home (the GUI and the command line: one client id,
// one ledger) and a second pass of the same engine, all at once: each
// document is acknowledged once.
func TestAckSingleFlightOnOneHome(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	const docs = 8
	for i := 0; i < docs; i++ {
		if err := w.d.DeliverEnvelope(stc, []string{agency}, []byte(msg(stc, agency, fmt.Sprintf("Công văn số %d/STC", i), "", withAttachment("cv.pdf", "application/pdf")))); err != nil {
			t.Fatal(err)
		}
	}
	w.d.WaitMessages(t, agency, "INBOX", docs)
	home := t.TempDir()
	e1 := openEngineAt(t, home, a, agencyPass)
	e2 := openEngineAt(t, home, a, agencyPass)
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent := 0
	for _, e := range []*Engine{e1, e2, e1, e2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.AckPass(ctx, a)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			sent += countState(res, "sent")
			mu.Unlock()
		}()
	}
	wg.Wait()
	if sent != docs {
		t.Fatalf("acknowledged %d times in all, want %d", sent, docs)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", docs)
}

// The account lock holds across processes: a child process waits while
// this one holds it, and takes it once it is released.
func TestLockAccountAcrossProcesses(t *testing.T) {
	home := t.TempDir()
	e, err := Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	unlock, err := e.LockAccount(context.Background(), "vanthu", DutyAck)
	if err != nil {
		t.Fatal(err)
	}
	// The same process waits too: a cancelled wait gives up.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.LockAccount(cancelled, "vanthu", DutyAck); !errors.Is(err, context.Canceled) {
		t.Fatalf("second lock in the process: %v", err)
	}
	other, err := e.LockAccount(context.Background(), "vanthu", DutyOutbox)
	if err != nil {
		t.Fatalf("another duty is not held: %v", err)
	}
	other()
	child := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$")
		cmd.Env = append(os.Environ(), "TCV_LOCK_HOME="+home)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return 0
	}
	if code := child(); code != 7 {
		t.Fatalf("child took the lock this process holds (exit %d)", code)
	}
	unlock()
	unlock() // twice is harmless
	if code := child(); code != 0 {
		t.Fatalf("child could not take the released lock (exit %d)", code)
	}
}

// TestLockChild is the other process of TestLockAccountAcrossProcesses:
// exit 7 when the lock stays held for the whole wait.
func TestLockChild(t *testing.T) {
	home := os.Getenv("TCV_LOCK_HOME")
	if home == "" {
		t.Skip("child process of TestLockAccountAcrossProcesses")
	}
	e, err := Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	unlock, err := e.LockAccount(ctx, "vanthu", DutyAck)
	if errors.Is(err, context.DeadlineExceeded) {
		os.Exit(7)
	}
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}

// Two flushes of one account at once, from two engines on one home: every
// queued mail is delivered once.
func TestFlushSingleFlight(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	a := w.account(t)
	home := t.TempDir()
	e1 := openEngineAt(t, home, a, passA)
	e2 := openEngineAt(t, home, a, passA)
	const n = 12
	for i := 0; i < n; i++ {
		if _, _, err := e1.Queue(ctx, a, draft(fmt.Sprintf("Phiếu gửi số %d", i)), "vi"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, e := range []*Engine{e1, e2, e1} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Flush(ctx, a); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	waitCount(t, w.d, officerB, passB, "INBOX", "Phiếu gửi số", n)
	if c := count(t, w.d, officerA, passA, "Sent", "Phiếu gửi số"); c != n {
		t.Fatalf("Sent copies: %d, want %d", c, n)
	}
}

// This client's claim keyword left on a document whose claim the ledger
// does not know (a ledger lost or reset) is no win: the document may have
// been acknowledged, so the pass stands down rather than send it twice.
func TestAckLeftoverKeywordIsNoWin(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, "Chỉ thị số 2/CT-STC", "", withAttachment("ct.pdf", "application/pdf")))
	w.d.WaitMessages(t, agency, "INBOX", 1)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	user := imapAs(t, w.d, agency, agencyPass)
	if _, err := user.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	leftover := []imap.Flag{ack.Keyword, imap.Flag("$TCVAckBy" + e.ClientID())}
	if err := user.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: leftover}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	res, err := e.AckPass(ctx, a)
	if err != nil || len(res) != 1 || res[0].State != ack.StateOther {
		t.Fatalf("pass: %+v %v, want the document left as acknowledged by another", res, err)
	}
	time.Sleep(time.Second)
	if n := count(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản"); n != 0 {
		t.Fatalf("%d acknowledgements sent on a leftover keyword", n)
	}
}

func TestFileSafe(t *testing.T) {
	for in, want := range map[string]string{"vanthu": "vanthu", "văn:thư*": "v%C4%83n%3Ath%C6%B0%2A", "a.b-c_d": "a.b-c_d"} {
		if got := fileSafe(in); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// An oversized message is decided on its head (ackBodyCap), never
// downloaded whole: the document's files are named before the bulk.
func TestAckOversizedMessageCut(t *testing.T) {
	defer func(c int64) { ackBodyCap = c }(ackBodyCap)
	ackBodyCap = 16 << 10
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	bulk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("ảnh chụp hồ sơ "), 20000))
	var wrapped strings.Builder
	for len(bulk) > 76 {
		wrapped.WriteString(bulk[:76] + "\r\n")
		bulk = bulk[76:]
	}
	body := "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"qd-12.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n" +
		"--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"scan.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped.String() + "--b--\r\n"
	raw := msg(stc, agency, "Quyết định số 12/QĐ-STC", "", body)
	if err := w.d.DeliverEnvelope(stc, []string{agency}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	w.d.WaitMessages(t, agency, "INBOX", 1)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	var read atomic.Int64
	e.Sync.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, n: &read}, nil
	}
	var st AckStats
	if res, err := e.AckPass(ctx, a, AckOptions{Stats: &st}); err != nil || countState(res, "sent") != 1 || st.Bodies != 1 {
		t.Fatalf("pass: %+v %v %+v", res, err, st)
	}
	if n := read.Load(); n > int64(len(raw))/4 {
		t.Fatalf("read %d bytes for a %d-byte message cut at %d", n, len(raw), ackBodyCap)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 1)
}

// TestAckSpoofedSenderIsManual (R2): a document whose From names an agency
// address but whose envelope comes from elsewhere is listed for the user
// ("cần báo nhận thủ công") and nothing goes to the address it names, even
// with Authentication-Results and a Return-Path of its own that the sender
// wrote; an aligned document is acknowledged as before.
func TestAckSpoofedSenderIsManual(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	pdf := withAttachment("cv.pdf", "application/pdf")
	forged := "Return-Path: <" + stc + ">\r\nAuthentication-Results: mx.evil.example; dmarc=pass header.from=hanam.gov.vn\r\n" +
		"Authentication-Results: " + a.IMAP.Host + "; dmarc=pass header.from=hanam.gov.vn\r\n"
	if err := w.d.DeliverEnvelope("x@evil.example", []string{agency}, []byte(forged+msg(stc, agency, "spoofed — Công văn số 66/STC", "", pdf))); err != nil {
		t.Fatal(err)
	}
	w.submit(t, laSender, laPass, []string{agency}, msg(laSender, agency, "aligned — Công văn số 67/UBND", "", pdf))
	w.d.WaitMessages(t, agency, "INBOX", 2)

	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	res, err := e.AckPass(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]AckResult{}
	for _, r := range res {
		byName[strings.SplitN(r.Subject, " — ", 2)[0]] = r
	}
	if r := byName["spoofed"]; r.Action != ack.ActionManual || r.Reason != ack.ReasonUnverified || r.State != "" {
		t.Errorf("spoofed: %+v", r)
	}
	if r := byName["aligned"]; r.Action != ack.ActionAck || r.State != "sent" {
		t.Errorf("aligned: %+v", r)
	}
	// Still listed for the user in a dry run, and never marked.
	dry, err := e.AckPass(ctx, a, AckOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	manual := 0
	for _, r := range dry {
		if r.Action == ack.ActionManual && strings.HasPrefix(r.Subject, "spoofed") {
			manual++
		}
	}
	if manual != 1 {
		t.Errorf("dry run: %+v", dry)
	}
	if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 0 {
		t.Fatalf("second pass: %+v %v", res, err)
	}
	c := imapAs(t, w.d, agency, agencyPass)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	spoofed := searchSubject(t, c, "spoofed")
	if found, _ := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{imap.UIDSetNum(spoofed)}, Flag: []imap.Flag{ack.Keyword}}, nil).Wait(); len(found.AllUIDs()) != 0 {
		t.Error("the spoofed mail is marked acknowledged")
	}
	waitCount(t, w.d, laSender, laPass, "INBOX", "Đã nhận được văn bản", 1)
	if n := count(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản"); n != 0 {
		t.Fatalf("%d acknowledgements sent to the address the spoofed mail names", n)
	}
}

// TestAckHourlyCap (R2): beyond the account's acknowledgements of the hour
// (machine policy AckMaxPerHour) a document waits, unmarked, and goes once
// the cap allows it.
func TestAckHourlyCap(t *testing.T) {
	ctx := context.Background()
	w := startAckWorld(t)
	a := w.account(t)
	for i := range 3 {
		w.submit(t, stc, stcPass, []string{agency}, msg(stc, agency, fmt.Sprintf("Công văn số %d/STC", 70+i), "", withAttachment("cv.pdf", "application/pdf")))
	}
	w.d.WaitMessages(t, agency, "INBOX", 3)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	e.Policy = &config.Policy{AckMaxPerHour: 2}
	res, err := e.AckPass(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	waiting := 0
	for _, r := range res {
		if r.Reason == ack.ReasonHourlyLimit && r.Action == ack.ActionSkip {
			waiting++
		}
	}
	if countState(res, "sent") != 2 || waiting != 1 {
		t.Fatalf("first pass: %+v", res)
	}
	if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 0 || len(res) != 1 || res[0].Reason != ack.ReasonHourlyLimit {
		t.Fatalf("second pass: %+v %v", res, err)
	}
	c := imapAs(t, w.d, agency, agencyPass)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if found, _ := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{ack.Keyword}}, nil).Wait(); len(found.AllUIDs()) != 1 {
		t.Fatalf("unmarked: %v", found.AllUIDs())
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 2)
	e.Policy = &config.Policy{AckMaxPerHour: 3}
	if res, err := e.AckPass(ctx, a); err != nil || countState(res, "sent") != 1 {
		t.Fatalf("under a higher cap: %+v %v", res, err)
	}
	waitCount(t, w.d, stc, stcPass, "INBOX", "Đã nhận được văn bản", 3)
}
