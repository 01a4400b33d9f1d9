package demo

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"time"
)

// arrival is a document the demo delivers while it runs, so the user
// watches new mail come in and be acknowledged (R2): a seed template sent
// again under its own subject, date and Message-ID.
type arrival struct {
	spec    seedSpec
	subject string
}

var arrivals = []arrival{
	{seedSpec{"a01-cong-van-ubnd-tinh.eml", "stttt", "INBOX", "cong-van", unread, doc(1)},
		"Công văn số 2156/UBND-KGVX về triển khai Đề án 06 năm %d"},
	{seedSpec{"a02-giay-moi-hop.eml", "stttt", "INBOX", "giay-moi", unread, doc(1)},
		"Giấy mời họp sơ kết công tác chuyển đổi số quý %d"},
	{seedSpec{"p01-chuyen-xu-ly-but-phe.eml", "thanhha", "INBOX", "chuyen-xu-ly", unread, doc(1)},
		"Chuyển xử lý: Kế hoạch kiểm tra an toàn thông tin năm %d"},
}

// DeliverArrivals puts the arriving documents in their INBOX now, unread,
// each with a Message-ID of its own (a second call delivers them again
// as new mail). It returns what it delivered.
func (s *Server) DeliverArrivals(now time.Time) ([]SeedMessage, error) {
	var out []SeedMessage
	for i, a := range arrivals {
		m, err := render(a.spec, now)
		if err != nil {
			return out, fmt.Errorf("demo: arrival %s: %w", a.spec.file, err)
		}
		subject := fmt.Sprintf(a.subject, now.In(ict).Year())
		if a.spec.kind == "giay-moi" {
			subject = fmt.Sprintf(a.subject, (int(now.In(ict).Month())+2)/3)
		}
		domain := "hanam.gov.vn"
		id := fmt.Sprintf("<arrival-%d-%d@%s>", now.UnixNano(), i, domain)
		raw := setHeader(m.Raw, "Subject", mime.BEncoding.Encode("utf-8", subject))
		raw = setHeader(raw, "Date", now.Format(time.RFC1123Z))
		raw = setHeader(raw, "Message-ID", id)
		// as the receiving server writes it from MAIL FROM: the sender's
		// own address, so the client can trust the sender (R2)
		if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
			if from, err := msg.Header.AddressList("From"); err == nil && len(from) == 1 {
				raw = append([]byte("Return-Path: <"+from[0].Address+">\r\n"), raw...)
			}
		}
		var u *demoUser
		for _, acct := range s.Accounts {
			if acct.Name == a.spec.account {
				u = s.userFor(acct.Username)
			}
		}
		if u == nil {
			return out, fmt.Errorf("demo: arrival: no account %q", a.spec.account)
		}
		if err := u.appendRaw("INBOX", raw, nil, now); err != nil {
			return out, err
		}
		m.Subject, m.Date, m.Raw, m.Flags = subject, now, raw, nil
		out = append(out, m)
	}
	return out, nil
}

// setHeader replaces the value of a top-level header field (the first of
// that name, folded lines included) in a CRLF message.
func setHeader(raw []byte, name, value string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return raw
	}
	head, body := raw[:end+2], raw[end+2:]
	lines := bytes.SplitAfter(head, []byte("\r\n"))
	var out bytes.Buffer
	skipping, done := false, false
	for _, l := range lines {
		if skipping && len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			continue // a folded line of the replaced field
		}
		skipping = false
		if !done {
			if k, _, ok := bytes.Cut(l, []byte(":")); ok && bytes.EqualFold(k, []byte(name)) {
				out.WriteString(name + ": " + value + "\r\n")
				skipping, done = true, true
				continue
			}
		}
		out.Write(l)
	}
	if !done {
		out.WriteString(name + ": " + value + "\r\n")
	}
	out.Write(body)
	return out.Bytes()
}
