package demo

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpBackend hands each SMTP connection a session bound to the server.
type smtpBackend struct{ srv *Server }

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{srv: b.srv, helo: c.Hostname()}, nil
}

// smtpSession is one submission connection: AUTH PLAIN first, then mail.
type smtpSession struct {
	srv   *Server
	helo  string
	user  *demoUser
	from  string
	rcpts []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		u := s.srv.userFor(username)
		if u == nil || (identity != "" && s.srv.userFor(identity) != u) {
			return smtp.ErrAuthFailed
		}
		if subtle.ConstantTimeCompare([]byte(password), []byte(u.acct.Password)) != 1 {
			return smtp.ErrAuthFailed
		}
		s.user = u
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == nil {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.user == nil {
		return smtp.ErrAuthRequired
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data delivers to demo accounts and captures everything else. Local
// delivery happens before the reply, so a client that sees 250 can read the
// message over IMAP at once.
func (s *smtpSession) Data(r io.Reader) error {
	if s.user == nil {
		return smtp.ErrAuthRequired
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return s.srv.accept(s.user, s.helo, s.from, s.rcpts, body)
}

func (s *smtpSession) Reset() { s.from, s.rcpts = "", nil }

func (s *smtpSession) Logout() error { return nil }

// accept delivers body to each demo recipient's INBOX and records the rest as
// outside mail.
func (srv *Server) accept(sender *demoUser, helo, from string, rcpts []string, body []byte) error {
	now := srv.clock()
	srv.mu.Lock()
	srv.seq++
	id := fmt.Sprintf("%08X%04X", now.Unix()&0xFFFFFFFF, srv.seq&0xFFFF)
	srv.mu.Unlock()

	var outside []string
	seen := make(map[*demoUser]bool)
	for _, rcpt := range rcpts {
		u := srv.userFor(rcpt)
		if u == nil {
			outside = append(outside, rcpt)
			continue
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		data := withTrace(body, helo, sender.acct.Username, from, rcpt, id, now)
		if err := u.appendRaw("INBOX", data, nil, now); err != nil {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "deliver: " + err.Error()}
		}
		srv.mu.Lock()
		srv.delivered = append(srv.delivered, Delivery{Account: u.acct.Name, Recipient: rcpt, From: from, Data: data, At: now})
		srv.mu.Unlock()
	}
	if len(outside) > 0 {
		srv.mu.Lock()
		srv.outside = append(srv.outside, OutsideMail{From: from, To: outside, Data: bytes.Clone(body), At: now})
		srv.mu.Unlock()
	}
	return nil
}

// withTrace prepends the headers a final-delivery MTA adds: Return-Path,
// Delivered-To and Received (RFC 5321 §4.4).
func withTrace(body []byte, helo, authUser, from, rcpt, id string, at time.Time) []byte {
	if helo == "" {
		helo = "localhost"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", sanitizeHeader(from))
	fmt.Fprintf(&b, "Delivered-To: %s\r\n", rcpt)
	fmt.Fprintf(&b, "Received: from %s (localhost [127.0.0.1])\r\n\t(Authenticated sender: %s)\r\n\tby mail.%s (thucongvu demo) with ESMTPA id %s\r\n\tfor <%s>; %s\r\n",
		sanitizeHeader(helo), sanitizeHeader(authUser), Domain, id, sanitizeHeader(rcpt), at.Format(time.RFC1123Z))
	b.Write(body)
	return b.Bytes()
}

// sanitizeHeader keeps client-supplied words from breaking the trace header.
func sanitizeHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r == 0x7f || r == '<' || r == '>' {
			return -1
		}
		return r
	}, s)
}
