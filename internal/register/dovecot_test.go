package register

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/compose"
	"thucongvu/internal/docsign"
	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

const (
	agency     = "vanthu@hanam.gov.vn"
	agencyPass = "Vt#2026-van-thu"
	officer    = "chuyenvien@hanam.gov.vn" // who processes documents
	officerPwd = "Cv#2026-abcd"
	laSender   = "vanthu@longan.gov.vn"
	laPass     = "La#2026-efgh"
)

type world struct {
	d *testsrv.Dovecot
	p *testsrv.Postfix
}

func startWorld(t *testing.T) *world {
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, officer: officerPwd, laSender: laPass}})
	return &world{d: d, p: testsrv.StartPostfix(t, d)}
}

func hostPort(t testing.TB, addr string) (string, int) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return h, n
}

func (w *world) account(t testing.TB) model.Account {
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

func openEngine(t testing.TB, home string, a model.Account) *engine.Engine {
	sec := secret.NewMemory()
	e, err := engine.Open(home, sec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Config.Account(a.Name); err != nil {
		if err := e.AddAccount(context.Background(), a, agencyPass); err != nil {
			t.Fatal(err)
		}
	} else {
		sec.Set(a.Username+"@"+a.IMAP.Host, agencyPass)
	}
	return e
}

// submit sends raw through Postfix (delivered by LMTP into Dovecot).
func (w *world) submit(t *testing.T, user, pass string, rcpts []string, raw string) {
	t.Helper()
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

// document is a mail from the Long An clerk to the agency mailbox.
func document(id, subject, body string, files map[string][]byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Văn thư Sở TT&TT Long An <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@longan.gov.vn>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		laSender, agency, mimeWord(subject), id, time.Now().Format(time.RFC1123Z))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.WriteString(base64.StdEncoding.EncodeToString([]byte(body)) + "\r\n")
	for name, data := range files {
		fmt.Fprintf(&b, "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n",
			name, base64.StdEncoding.EncodeToString(data))
	}
	b.WriteString("--b--\r\n")
	return b.String()
}

func mimeWord(s string) string {
	return "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// docx is a minimal Word file with a paragraph per line.
func docx(t *testing.T, lines ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, _ := zw.Create("word/document.xml")
	io.WriteString(f, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, l := range lines {
		io.WriteString(f, "<w:p><w:r><w:t>"+l+"</w:t></w:r></w:p>")
	}
	io.WriteString(f, `</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serverRaw returns the message with a Message-ID as the server holds it.
func (w *world) serverRaw(t *testing.T, user, pass, mailbox, header, value string) [][]byte {
	t.Helper()
	c, err := imapclient.DialTLS(w.d.IMAPSAddr, &imapclient.Options{TLSConfig: w.d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: header, Value: value}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(found.AllUIDs()) == 0 {
		return nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(found.AllUIDs()...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.FindBodySection(section))
	}
	return out
}

func byNumber(entries []Entry, dir string) map[int]Entry {
	out := map[int]Entry{}
	for _, e := range entries {
		if e.Direction == dir {
			out[e.Number] = e
		}
	}
	return out
}

// TestRegisterOnRealServers: documents delivered through Postfix and LMTP
// into Dovecot are registered in arrival order with their numbers, dates
// and types (HN 9.2, R9); a processing forward carries the original byte
// for byte (ST 12.4, R8) and the assignee's acknowledgement counts as
// progress; corrections survive a restart and a re-sync under a new
// UIDVALIDITY; LibreOffice reads the exported paper register.
func TestRegisterOnRealServers(t *testing.T) {
	w := startWorld(t)
	a := w.account(t)
	home := t.TempDir()
	ctx := context.Background()
	// Documents dated before they arrive: 16 and 11 days ago.
	d1, d2 := time.Now().AddDate(0, 0, -16), time.Now().AddDate(0, 0, -11)
	pdf := []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	docs := []struct {
		id, subject, body string
		files             map[string][]byte
	}{
		{"cv1234", "Công văn số 1234/STTTT-BCVT ngày " + d1.Format("02/01/2006") + " V/v triển khai chữ ký số", "Kính gửi Sở TT&TT Hà Nam.", map[string][]byte{"cv1234.pdf": pdf}},
		{"qd45", "Quyết định ban hành quy chế thư điện tử", "ỦY BAN NHÂN DÂN TỈNH LONG AN\nSố: 45/2026/QĐ-UBND\n" + d2.Format("Long An, ngày 02 tháng 01 năm 2006") + "\n" +
			"Đề nghị báo cáo trước ngày 30 tháng 12 năm 2099.\n" +
			"Căn cứ Quyết định số 62/2009/QĐ-UBND ngày 17 tháng 11 năm 2009;\n", map[string][]byte{"qd45.pdf": pdf}},
		{"gm88", "Giấy mời dự hội nghị", "Kính mời.", map[string][]byte{"giaymoi.docx": docx(t, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 88/GM-STTTT", "Long An, ngày 31 tháng 02 năm 2026")}},
		{"tb-no-number", "Thông báo lịch công tác tuần 48", "Kính gửi các phòng ban.", map[string][]byte{"lich.pdf": pdf}},
		{"cv1234-again", "Công văn số 1234/STTTT-BCVT (gửi lại)", "Gửi lại do lỗi tệp.", map[string][]byte{"cv1234.pdf": pdf}},
		{"kh77", "Gửi kế hoạch", "Kính gửi.", map[string][]byte{"77_KH-UBND.pdf": pdf}},
	}
	for i, d := range docs {
		w.submit(t, laSender, laPass, []string{agency}, document(d.id, d.subject, d.body, d.files))
		w.d.WaitMessages(t, agency, "INBOX", i+1)
	}
	// The same document delivered twice is one entry.
	w.submit(t, laSender, laPass, []string{agency}, document("cv1234", docs[0].subject, docs[0].body, docs[0].files))
	w.d.WaitMessages(t, agency, "INBOX", len(docs)+1)

	e := openEngine(t, home, a)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AckPass(ctx, a); err != nil {
		t.Fatal(err)
	}
	reg := New(e)
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	list, err := reg.List(ctx, Filter{Account: a.Name})
	if err != nil {
		t.Fatal(err)
	}
	in := byNumber(list, store.DirectionIn)
	if len(in) != len(docs) {
		t.Fatalf("%d entries, want %d: %+v", len(in), len(docs), list)
	}
	year := time.Now().Year()
	want := []struct{ number, date, typ, from string }{
		{"1234/STTTT-BCVT", d1.Format(time.DateOnly), "Công văn", "subject"},
		{"45/2026/QĐ-UBND", d2.Format(time.DateOnly), "Quyết định", "body"},
		{"88/GM-STTTT", "", "Giấy mời", "attachment"}, // 31/02 is no date
		{"", "", "Thông báo", ""},
		{"1234/STTTT-BCVT", "", "Công văn", "subject"}, // a duplicate number is its own entry
		{"77/KH-UBND", "", "Kế hoạch", "filename"},
	}
	for i, wnt := range want {
		got := in[i+1]
		if got.Year != year || got.MessageID != docs[i].id+"@longan.gov.vn" || got.DocNumber != wnt.number ||
			got.DocDate != wnt.date || got.DocType != wnt.typ {
			t.Errorf("số đến %d: %+v, want %s %+v", i+1, got, docs[i].id, wnt)
		}
		if got.Agency != "Văn thư Sở TT&TT Long An" || got.AcknowledgedAt == nil || got.State != StateAcknowledged {
			t.Errorf("số đến %d: agency %q, acknowledged %v, state %s", i+1, got.Agency, got.AcknowledgedAt, got.State)
		}
		// The stand-in PDFs cannot be read: each says so as a broken
		// signature of its file (R4); the DOCX lists none.
		pdfs := 0
		for name := range docs[i].files {
			if strings.HasSuffix(name, ".pdf") {
				pdfs++
			}
		}
		if got.Signatures == nil || len(got.Signatures) != pdfs {
			t.Errorf("số đến %d: signatures %+v, want one per PDF", i+1, got.Signatures)
		}
		for _, s := range got.Signatures {
			if s.State != docsign.Broken || s.Reason == "" {
				t.Errorf("số đến %d: an unreadable PDF gave %+v", i+1, s)
			}
		}
	}

	// Forward the first for processing, past its deadline.
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	res, err := reg.Process(ctx, ProcessRequest{Account: a.Name, MessageID: "<cv1234@longan.gov.vn>",
		To: []model.Address{{Name: "Chuyên viên", Address: officer}}, Note: "Giao phòng BCVT chủ trì, báo cáo trước hạn.", Deadline: yesterday, Lang: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entry.Number != 1 || res.Entry.State != StateOverdue || res.Entry.Note == "" || res.Entry.Deadline != yesterday {
		t.Fatalf("after process: %+v", res.Entry)
	}
	if _, err := e.Flush(ctx, a); err != nil {
		t.Fatal(err)
	}
	w.d.WaitMessages(t, officer, "INBOX", 1)
	fwd := w.serverRaw(t, officer, officerPwd, "INBOX", "Message-ID", res.ForwardID)
	orig := w.serverRaw(t, agency, agencyPass, "INBOX", "Message-ID", "cv1234@longan.gov.vn")
	if len(fwd) != 1 || len(orig) == 0 {
		t.Fatalf("%d forwards, %d originals", len(fwd), len(orig))
	}
	inner, text := forwardedParts(t, fwd[0])
	if !bytes.Equal(inner, orig[0]) {
		t.Errorf("the forwarded original differs from the server's: %d bytes, want %d", len(inner), len(orig[0]))
	}
	if noteAt, sigAt := strings.Index(text, "Giao phòng BCVT"), strings.Index(text, "Trần Thị Mai"); noteAt < 0 || sigAt < noteAt {
		t.Errorf("note then signature, got:\n%s", text)
	}

	// The assignee acknowledges the forward: progress.
	ackRaw := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: Đã nhận được văn bản\r\nMessage-ID: <ack1@hanam.gov.vn>\r\nIn-Reply-To: <%s>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐã nhận.\r\n",
		officer, agency, res.ForwardID, time.Now().Format(time.RFC1123Z))
	w.submit(t, officer, officerPwd, []string{agency}, strings.ReplaceAll(ackRaw, "Đã nhận được văn bản", mimeWord("Đã nhận được văn bản")))
	w.d.WaitMessages(t, agency, "INBOX", len(docs)+2)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, true); err != nil {
		t.Fatal(err)
	}
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	first, err := reg.Find(ctx, a.Name, store.DirectionIn, year, 1)
	if err != nil {
		t.Fatal(err)
	}
	if first.ProgressAt == nil || first.State != StateOverdue || len(first.AssignedTo) != 1 || first.AssignedTo[0] != officer {
		t.Errorf("after the assignee's acknowledgement: %+v", first)
	}
	ov, err := reg.Overview(ctx, []model.Account{a})
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Overdue) != 1 || ov.Overdue[0].Number != 1 || len(ov.Today) != len(docs) || len(ov.Unacked) != 0 {
		t.Errorf("overview: %d overdue, %d today, %d unacknowledged", len(ov.Overdue), len(ov.Today), len(ov.Unacked))
	}
	if _, err := reg.Set(ctx, first, "state", "done"); err != nil {
		t.Fatal(err)
	}

	// R8: the second is forwarded too; the assignee answers a later message
	// of the thread, so only References names the forward: progress still.
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	res2, err := reg.Process(ctx, ProcessRequest{Account: a.Name, MessageID: "<" + docs[1].id + "@longan.gov.vn>",
		To: []model.Address{{Address: officer}}, Note: "Giao phòng BCVT tham mưu.", Deadline: tomorrow, Lang: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Flush(ctx, a); err != nil {
		t.Fatal(err)
	}
	w.d.WaitMessages(t, officer, "INBOX", 2)
	reply := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: Re: thảo luận\r\nMessage-ID: <reply2@hanam.gov.vn>\r\nIn-Reply-To: <note2@hanam.gov.vn>\r\nReferences: <%s>\r\n <note2@hanam.gov.vn>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐang dự thảo.\r\n",
		officer, agency, res2.ForwardID, time.Now().Format(time.RFC1123Z))
	w.submit(t, officer, officerPwd, []string{agency}, strings.ReplaceAll(reply, "thảo luận", "thao luan"))
	w.d.WaitMessages(t, agency, "INBOX", len(docs)+3)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, false); err != nil {
		t.Fatal(err)
	}
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	second, err := reg.Find(ctx, a.Name, store.DirectionIn, year, 2)
	if err != nil {
		t.Fatal(err)
	}
	if second.ProgressAt == nil || second.State != StateInProgress {
		t.Errorf("after an answer naming the forward in References: %+v", second)
	}

	// An outgoing document is số đi 1; the recipient's acknowledgement
	// completes it (R2, the sender's side).
	outID, _, err := e.Queue(ctx, a, compose.Draft{To: []model.Address{{Address: laSender}},
		Subject: "Báo cáo số 21/BC-STTTT kết quả chuyển đổi số", Body: "Kính gửi Sở TT&TT Long An.",
		Attachments: []compose.Attachment{{Name: "21-BC-STTTT.pdf", Data: pdf}}}, "vi")
	if err != nil {
		t.Fatal(err)
	}
	ob, _ := e.Outbox()
	sent, err := ob.Item(ctx, outID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Flush(ctx, a); err != nil {
		t.Fatal(err)
	}
	ackOut := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <ack2@longan.gov.vn>\r\nIn-Reply-To: <%s>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nĐã nhận.\r\n",
		laSender, agency, mimeWord("Đã nhận được văn bản"), sent.MessageID, time.Now().Format(time.RFC1123Z))
	w.submit(t, laSender, laPass, []string{agency}, ackOut)
	w.d.WaitMessages(t, agency, "INBOX", len(docs)+4)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, true); err != nil {
		t.Fatal(err)
	}
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	outs, err := reg.List(ctx, Filter{Account: a.Name, Direction: store.DirectionOut})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].Number != 1 || outs[0].DocNumber != "21/BC-STTTT" || outs[0].DocType != "Báo cáo" ||
		outs[0].AcknowledgedAt == nil || outs[0].State != StateAcknowledged || len(outs[0].To) != 1 {
		t.Errorf("số đi: %+v", outs)
	}

	// Corrections, then a restart and a re-sync under a new UIDVALIDITY.
	fourth, _ := reg.Find(ctx, a.Name, store.DirectionIn, year, 4)
	if _, err := reg.Set(ctx, fourth, "doc_number", "15/TB-STTTT"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Set(ctx, fourth, "doc_date", "2026-02-31"); err == nil {
		t.Error("a malformed date was accepted")
	}
	if _, err := reg.Set(ctx, fourth, "doc_date", "2026-11-25"); err != nil {
		t.Fatal(err)
	}
	e.Close()
	w.d.SetUIDValidity(t, agency, "INBOX", w.d.UIDValidity(t, agency, "INBOX")+7)
	e = openEngine(t, home, a)
	defer e.Close()
	reg = New(e)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, true); err != nil {
		t.Fatal(err)
	}
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	list, err = reg.List(ctx, Filter{Account: a.Name, Direction: store.DirectionIn})
	if err != nil {
		t.Fatal(err)
	}
	in = byNumber(list, store.DirectionIn)
	if len(list) != len(docs) || in[4].DocNumber != "15/TB-STTTT" || in[4].DocDate != "2026-11-25" || in[1].State != StateDone ||
		in[2].DocNumber != "45/2026/QĐ-UBND" {
		t.Errorf("after restart and re-sync: %d entries, 4: %+v, 1: %s", len(list), in[4], in[1].State)
	}

	// LibreOffice opens the paper register.
	testsrv.Need(t, "soffice")
	dir := t.TempDir()
	path := filepath.Join(dir, "so-den.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(f, list, "vanthu"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command("soffice", "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "lo"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "so-den.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4+len(docs) || rows[0][0] != "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" || strings.Join(rows[3], "|") != strings.Join(inColumns, "|") {
		t.Fatalf("csv head: %q", rows[:min(len(rows), 4)])
	}
	for i, e := range list {
		r := rows[4+i]
		if r[0] != strconv.Itoa(e.Number) || r[2] != e.Agency || r[3] != e.DocNumber || r[4] != paperDate(e.DocDate) ||
			r[1] != e.ReceivedAt.Format("02/01/2006") || r[5] != typeAndSummary(e) {
			t.Errorf("csv row %d: %q, entry %+v", i, r, e)
		}
	}
	if !strings.Contains(rows[4][6], officer) || !strings.Contains(rows[4][8], "Đã xử lý") {
		t.Errorf("row 1: assignee and remarks: %q", rows[4])
	}
	if t.Failed() {
		return
	}
	if ReportOn == nil {
		t.Fatal("the report test is not linked in")
	}
	ReportOn(t, e, reg, a, dir)
}

// ReportOn tests the usage report over the register this test filled; it
// lives in package register_test, which may import package report.
var ReportOn func(t *testing.T, e *engine.Engine, reg *Register, a model.Account, dir string)

// forwardedParts returns the decoded message/rfc822 part of a forward and
// its text.
func forwardedParts(t *testing.T, raw []byte) (inner []byte, text string) {
	t.Helper()
	m, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, _, _ := part.Header.ContentType()
		switch {
		case ct == "message/rfc822":
			inner, _ = io.ReadAll(part.Body)
			return nil
		case ct == "text/plain" && text == "":
			b, _ := io.ReadAll(part.Body)
			text = string(b)
		}
		return nil
	})
	return inner, text
}
