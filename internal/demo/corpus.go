package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/emersion/go-imap/v2"

	"thucongvu/assets"
)

// SeedMessage is one message of the demo corpus, as stored in a mailbox.
type SeedMessage struct {
	Account string // Account.Name whose mailbox holds it
	Mailbox string // INBOX, Sent, Drafts, Trash, Junk or Archive
	Kind    string // what it shows, e.g. "giay-moi", "bounce", "legacy-tcvn3"
	// Subject is what a reader should see, in Unicode NFC, even when the
	// header itself is in a legacy encoding.
	Subject string
	Date    time.Time
	Flags   []imap.Flag
	Expect  Expect // how a correct classifier sees it
	Raw     []byte // RFC 5322 with CRLF line ends
}

// Expect is the classification the client's mail package should reach for a
// seed message; field meanings follow the `parse --json` contract.
type Expect struct {
	Document      bool   // R9, LA 7.1 / ST 7.1–7.2 document types
	Secret        string // R7: "", "mat", "toi-mat", "tuyet-mat"
	Legacy        string // R5: "", "tcvn3", "cp1258"
	AutoSubmitted bool   // RFC 3834 (auto-replies, bounces)
	List          bool   // mailing-list post
	Bounce        bool   // delivery status notification
	Attachments   int
	ReadReceipt   bool // Disposition-Notification-To present
	ForeignMail   bool // R7, ST 7.5 / BD 11: from foreign webmail
}

// seedSpec places one template of assets/demo/mail in a mailbox.
type seedSpec struct {
	file    string
	account string
	mailbox string
	kind    string
	flags   []imap.Flag
	expect  Expect
}

var (
	seen    = []imap.Flag{imap.FlagSeen}
	flagged = []imap.Flag{imap.FlagSeen, imap.FlagFlagged}
	unread  = []imap.Flag(nil)
	urgent  = []imap.Flag{imap.FlagFlagged}
	replied = []imap.Flag{imap.FlagSeen, imap.FlagAnswered}
	draft   = []imap.Flag{imap.FlagSeen, imap.FlagDraft}
)

// doc is a document with n attachments; receipt adds a read-receipt request.
func doc(n int) Expect { return Expect{Document: true, Attachments: n} }

func receipt(e Expect) Expect { e.ReadReceipt = true; return e }

// corpus lists the seed messages. Agency mailbox: "stttt"; personal: "thanhha".
var corpus = []seedSpec{
	// Agency mailbox (stttt@hanam.gov.vn), INBOX.
	{"a01-cong-van-ubnd-tinh.eml", "stttt", "INBOX", "cong-van", unread, doc(1)},
	{"a02-giay-moi-hop.eml", "stttt", "INBOX", "giay-moi", flagged, doc(1)},
	{"a03-cong-van-long-an.eml", "stttt", "INBOX", "cong-van", replied, receipt(doc(1))},
	{"a04-cong-van-soc-trang.eml", "stttt", "INBOX", "cong-van", unread, doc(1)},
	{"a05-cong-van-molisa.eml", "stttt", "INBOX", "cong-van", seen, doc(1)},
	{"a06-cong-van-binh-duong.eml", "stttt", "INBOX", "cong-van", unread, doc(1)},
	{"a07-mat.eml", "stttt", "INBOX", "mat", urgent, Expect{Document: true, Secret: "mat"}},
	{"a08-du-thao-xin-y-kien.eml", "stttt", "INBOX", "du-thao", flagged, doc(1)},
	{"a09-bao-cao-quy.eml", "stttt", "INBOX", "bao-cao", seen, doc(1)},
	{"a10-bao-cao-thang.eml", "stttt", "INBOX", "bao-cao", unread, doc(1)},
	{"a11-bounce.eml", "stttt", "INBOX", "bounce", unread, Expect{Bounce: true, AutoSubmitted: true}},
	{"a12-ack-long-an.eml", "stttt", "INBOX", "ack", seen, Expect{}},
	{"a13-ack-kim-bang.eml", "stttt", "INBOX", "ack", seen, Expect{}},
	{"a14-ack-duy-tien.eml", "stttt", "INBOX", "ack", unread, Expect{}},
	{"a15-doc-receipt.eml", "stttt", "INBOX", "read-receipt", unread, Expect{Document: true, Attachments: 1, ReadReceipt: true}},
	{"a16-lich-cong-tac-ubnd.eml", "stttt", "INBOX", "lich-cong-tac", seen, Expect{Document: true}},
	{"a17-ke-hoach.eml", "stttt", "INBOX", "ke-hoach", seen, doc(1)},
	{"a18-phieu-khao-sat.eml", "stttt", "INBOX", "phieu-khao-sat", urgent, doc(1)},
	{"a19-chi-thi.eml", "stttt", "INBOX", "chi-thi", seen, doc(1)},
	{"a20-cp1258.eml", "stttt", "INBOX", "legacy-cp1258", unread, Expect{Legacy: "cp1258"}},
	// Agency mailbox, other folders.
	{"a21-archive-quyet-dinh.eml", "stttt", "Archive", "quyet-dinh", seen, doc(1)},
	{"s01-sent-cong-van-huong-dan.eml", "stttt", "Sent", "sent-document", seen, receipt(doc(1))},
	{"s02-sent-cong-van-long-an.eml", "stttt", "Sent", "sent-document", seen, doc(1)},

	// Personal mailbox (nguyenthithanhha@hanam.gov.vn), INBOX.
	{"p01-chuyen-xu-ly-but-phe.eml", "thanhha", "INBOX", "chuyen-xu-ly", urgent, doc(1)},
	{"p02-lich-cong-tac-so.eml", "thanhha", "INBOX", "lich-cong-tac", seen, Expect{Document: true}},
	{"p03-thread-du-thao.eml", "thanhha", "INBOX", "du-thao", replied, doc(1)},
	{"p04-thread-re1.eml", "thanhha", "INBOX", "thread", seen, Expect{}},
	{"p05-thread-re3.eml", "thanhha", "INBOX", "thread", unread, Expect{}},
	{"p06-mailing-list.eml", "thanhha", "INBOX", "list", seen, Expect{List: true}},
	{"p07-gmail.eml", "thanhha", "INBOX", "foreign-webmail", unread, Expect{Attachments: 1, ForeignMail: true}},
	{"p08-newsletter-html.eml", "thanhha", "INBOX", "newsletter", seen, Expect{List: true}},
	{"p09-legacy-tcvn3.eml", "thanhha", "INBOX", "legacy-tcvn3", unread, Expect{Document: true, Legacy: "tcvn3"}},
	{"p10-vacation.eml", "thanhha", "INBOX", "auto-reply", seen, Expect{AutoSubmitted: true}},
	{"p11-ack-van-phong.eml", "thanhha", "INBOX", "ack", seen, Expect{}},
	{"p12-read-receipt.eml", "thanhha", "INBOX", "read-receipt", unread, Expect{Document: true, ReadReceipt: true}},
	// Personal mailbox, other folders.
	{"s03-sent-thread-re2.eml", "thanhha", "Sent", "thread", seen, Expect{}},
	{"s04-sent-de-nghi.eml", "thanhha", "Sent", "sent", seen, Expect{}},
	{"s05-sent-bao-cao-thang.eml", "thanhha", "Sent", "sent-document", seen, receipt(doc(1))},
	{"s06-sent-ack.eml", "thanhha", "Sent", "ack", seen, Expect{AutoSubmitted: true}},
	{"d01-draft.eml", "thanhha", "Drafts", "draft", draft, Expect{}},
	{"j01-spam.eml", "thanhha", "Junk", "spam", unread, Expect{}},
	{"t01-trash.eml", "thanhha", "Trash", "trash", seen, Expect{}},
}

// ict is Vietnam time (UTC+7, no daylight saving); fixed so the corpus needs
// no time-zone database.
var ict = time.FixedZone("ICT", 7*3600)

// Messages renders the seed corpus for a clock reading of now: every message
// lies in the ten working days before now, in Vietnam time. The same now
// always gives the same bytes. It panics if an embedded template is broken,
// which the package tests rule out.
func Messages(now time.Time) []SeedMessage {
	out := make([]SeedMessage, 0, len(corpus))
	for _, spec := range corpus {
		m, err := render(spec, now)
		if err != nil {
			panic(fmt.Sprintf("demo: seed %s: %v", spec.file, err))
		}
		out = append(out, m)
	}
	// Arrival order: UIDs in each mailbox grow with the date, as on a real server.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// seed appends the corpus to the accounts' mailboxes.
func (s *Server) seed(now time.Time) error {
	for _, m := range Messages(now) {
		var u *demoUser
		for _, a := range s.Accounts {
			if a.Name == m.Account {
				u = s.userFor(a.Username)
			}
		}
		if u == nil {
			return fmt.Errorf("demo: seed %q: no account %q", m.Subject, m.Account)
		}
		if err := u.appendRaw(m.Mailbox, m.Raw, m.Flags, m.Date); err != nil {
			return fmt.Errorf("demo: seed %q: %w", m.Subject, err)
		}
	}
	return nil
}

// templateData is what the templates read as {{.Field}}.
type templateData struct {
	Year, NextYear       int
	Month                int // current month
	PrevMonth, PrevYear  int // previous month and its year
	Quarter, QuarterYear int // last completed quarter
	Week                 int // ISO week of now
}

// render executes one template and fills in the SeedMessage.
func render(spec seedSpec, now time.Time) (SeedMessage, error) {
	src, err := fs.ReadFile(assets.Demo, path.Join("demo", "mail", spec.file))
	if err != nil {
		return SeedMessage{}, err
	}
	local := now.In(ict)
	var subject string
	funcs := template.FuncMap{
		"at":      func(days, hh, mm int) string { return atTime(local, days, hh, mm).Format(time.RFC1123Z) },
		"vndate":  func(days int) string { return vnDate(workday(local, days)) },
		"dmy":     func(days int) string { return workday(local, days).Format("02/01/2006") },
		"weekday": func(days int) string { return vnWeekday(workday(local, days)) },
		"id":      func(key, domain string) string { return messageID(key, domain, local) },
		"addr":    func(name, email string) string { return (&mail.Address{Name: name, Address: email}).String() },
		"subject": func(s string) string { subject = s; return mime.BEncoding.Encode("utf-8", s) },
		"subjectIn": func(charset, s string) (string, error) {
			subject = s
			b, err := legacyBytes(charset, s)
			if err != nil {
				return "", err
			}
			return mime.BEncoding.Encode(charset, string(b)), nil
		},
		"word": func(s string) string { return mime.BEncoding.Encode("utf-8", s) },
		"wordIn": func(charset, s string) (string, error) {
			b, err := legacyBytes(charset, s)
			if err != nil {
				return "", err
			}
			return mime.BEncoding.Encode(charset, string(b)), nil
		},
		"filename": func(name string) string { return "filename*=utf-8''" + url.PathEscape(name) },
		"b64":      func(s string) string { return wrap76(base64.StdEncoding.EncodeToString([]byte(s))) },
		"qp":       func(s string) (string, error) { return qpEncode([]byte(s)) },
		"qpIn": func(charset, s string) (string, error) {
			b, err := legacyBytes(charset, s)
			if err != nil {
				return "", err
			}
			return qpEncode(b)
		},
		// include renders another seed template, for forwarding it unchanged
		// as message/rfc822 (R8, ST 12.4).
		"include": func(file string) (string, error) {
			m, err := render(seedSpec{file: file}, now)
			if err != nil {
				return "", err
			}
			return string(m.Raw), nil
		},
		"docx": func(src string) (string, error) {
			d, err := parseOfficialDoc(src)
			if err != nil {
				return "", err
			}
			b, err := buildDOCX(d)
			if err != nil {
				return "", err
			}
			return wrap76(base64.StdEncoding.EncodeToString(b)), nil
		},
		"pdf": func(src string) (string, error) {
			d, err := parseOfficialDoc(src)
			if err != nil {
				return "", err
			}
			b, err := buildPDF(d)
			if err != nil {
				return "", err
			}
			return wrap76(base64.StdEncoding.EncodeToString(b)), nil
		},
	}
	tmpl, err := template.New(spec.file).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return SeedMessage{}, err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, dataFor(local)); err != nil {
		return SeedMessage{}, err
	}
	raw := crlf(buf.Bytes())

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return SeedMessage{}, fmt.Errorf("read header: %w", err)
	}
	date, err := msg.Header.Date()
	if err != nil {
		return SeedMessage{}, fmt.Errorf("date: %w", err)
	}
	if subject == "" {
		return SeedMessage{}, fmt.Errorf("template sets no subject")
	}
	return SeedMessage{
		Account: spec.account,
		Mailbox: spec.mailbox,
		Kind:    spec.kind,
		Subject: subject,
		Date:    date,
		Flags:   spec.flags,
		Expect:  spec.expect,
		Raw:     raw,
	}, nil
}

func dataFor(local time.Time) templateData {
	d := templateData{Year: local.Year(), NextYear: local.Year() + 1, Month: int(local.Month())}
	prev := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, ict).AddDate(0, -1, 0)
	d.PrevMonth, d.PrevYear = int(prev.Month()), prev.Year()
	q := (int(local.Month())-1)/3 + 1 - 1 // last completed quarter
	d.Quarter, d.QuarterYear = q, local.Year()
	if q == 0 {
		d.Quarter, d.QuarterYear = 4, local.Year()-1
	}
	_, d.Week = local.ISOWeek()
	return d
}

// workday is the date n working days (Monday–Friday) before local's date.
func workday(local time.Time, n int) time.Time {
	d := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, ict)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d
}

// atTime is hh:mm on the day n working days before local; a time still in
// the future moves to a few minutes before local.
func atTime(local time.Time, n, hh, mm int) time.Time {
	d := workday(local, n)
	t := time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, ict)
	if t.After(local) {
		t = local.Add(-time.Duration(3+(hh*60+mm)%40) * time.Minute).Truncate(time.Minute)
	}
	return t
}

func vnDate(t time.Time) string {
	return fmt.Sprintf("ngày %02d tháng %02d năm %d", t.Day(), int(t.Month()), t.Year())
}

func vnWeekday(t time.Time) string {
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[t.Weekday()]
}

// messageID is a stable Message-ID for key on the corpus day, so replies in
// the corpus can refer to it.
func messageID(key, domain string, local time.Time) string {
	sum := sha256.Sum256([]byte(key + "|" + local.Format("2006-01-02")))
	return "<" + strings.ToUpper(hex.EncodeToString(sum[:6])) + "." + key + "@mail." + domain + ">"
}

func legacyBytes(charset, s string) ([]byte, error) {
	switch charset {
	case "iso-8859-1", "tcvn3": // TCVN3 bytes mislabelled as Latin-1, the classic problem
		return encodeTCVN3(s), nil
	case "windows-1258":
		return encodeCP1258(s), nil
	}
	return nil, fmt.Errorf("no legacy encoder for %q", charset)
}

func qpEncode(b []byte) (string, error) {
	var out bytes.Buffer
	w := quotedprintable.NewWriter(&out)
	if _, err := w.Write(crlf(b)); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return out.String(), nil
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// crlf turns every line end into CRLF.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}
