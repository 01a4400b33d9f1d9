// Package send delivers outgoing mail: SMTP submission through go-smtp
// with go-sasl (PLAIN, LOGIN) over implicit TLS or STARTTLS, a durable
// outbox in the store (a mail is on disk before anyone is told it is
// queued; it leaves only after the server accepted it and its copy is in
// Sent), retries with backoff on 4xx and network errors, and a stop with
// the server's own words on 5xx. It builds no messages and runs no rules:
// package compose does that before a mail reaches the outbox.
package send

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/tlsconf"
)

// ErrRejected: the server refused the mail for good (5xx); its words follow.
var ErrRejected = errors.New("rejected by the mail server")

// ErrTemporary: the server or network failed for now (4xx, connection); retry later.
var ErrTemporary = errors.New("temporary failure")

// Options tune submission; the zero value means defaults.
type Options struct {
	// Dial replaces the network dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Timeout bounds each SMTP exchange (default 60 s).
	Timeout time.Duration
	// RootCAs are extra trusted certificate authorities set by policy.
	RootCAs *x509.CertPool
}

// Client is one SMTP session, reused for several mails.
type Client struct {
	c       *smtp.Client
	conn    net.Conn
	timeout time.Duration
}

// Connect dials the account's submission server and authenticates.
func Connect(ctx context.Context, acct model.Account, password string, opts *Options) (*Client, error) {
	srv := acct.SMTP
	if srv.Security == model.SecurityNone && !config.IsLoopback(srv.Host) {
		return nil, fmt.Errorf("%w: SMTP without TLS is refused for %s", failure.ErrBlocked, srv.Host)
	}
	timeout := 60 * time.Second
	if opts != nil && opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dial := (&net.Dialer{}).DialContext
	if opts != nil && opts.Dial != nil {
		dial = opts.Dial
	}
	conn, err := dial(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: connect to %s: %v", ErrTemporary, failure.ErrUnreachable, addr, err)
	}
	var roots *x509.CertPool
	if opts != nil {
		roots = opts.RootCAs
	}
	tlsConfig := tlsconf.Config(srv.Host, acct.TrustedCertSHA256, roots)
	conn.SetDeadline(time.Now().Add(timeout))
	var c *smtp.Client
	switch srv.Security {
	case model.SecurityImplicit:
		tc := tls.Client(conn, tlsConfig)
		if err = tc.HandshakeContext(dctx); err == nil {
			c = smtp.NewClient(tc)
		}
	case model.SecurityNone:
		c = smtp.NewClient(conn)
	default:
		// go-smtp handshakes lazily, on the EHLO after STARTTLS, and its
		// Extension and SupportsAuth hide that error: say EHLO here so an
		// untrusted certificate is a certificate error, never "no AUTH".
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err == nil {
			if err = c.Hello("localhost"); err != nil {
				c.Close()
				c = nil
			}
		}
	}
	if err != nil {
		conn.Close()
		if cerr := tlsconf.CertError(addr, err); errors.Is(cerr, failure.ErrCertificate) {
			return nil, cerr
		}
		return nil, fmt.Errorf("%w: %w: %s: %v", ErrTemporary, failure.ErrUnreachable, addr, err)
	}
	cl := &Client{c: c, conn: conn, timeout: timeout}
	if err := cl.auth(acct, password); err != nil {
		c.Close()
		return nil, err
	}
	return cl, nil
}

func (cl *Client) auth(acct model.Account, password string) error {
	user := acct.Username
	if user == "" {
		user = acct.Email
	}
	var mech sasl.Client
	switch {
	case cl.c.SupportsAuth(sasl.Plain):
		mech = sasl.NewPlainClient("", user, password)
	case cl.c.SupportsAuth(sasl.Login):
		mech = sasl.NewLoginClient(user, password)
	default:
		if ok, _ := cl.c.Extension("AUTH"); !ok {
			return nil // a loopback relay without authentication
		}
		return fmt.Errorf("%w: the server offers no PLAIN or LOGIN authentication", failure.ErrAuth)
	}
	if err := cl.c.Auth(mech); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) && (se.Code == 535 || se.Code == 534 || se.Code == 530) {
			return fmt.Errorf("%w: %s", failure.ErrAuth, se.Message)
		}
		return classify(err)
	}
	return nil
}

// Send submits one mail; the error tells ErrRejected from ErrTemporary.
func (cl *Client) Send(from string, rcpts []string, raw []byte) error {
	cl.conn.SetDeadline(time.Now().Add(cl.timeout))
	opts := &smtp.MailOptions{Size: int64(len(raw))}
	if ok, _ := cl.c.Extension("SMTPUTF8"); ok && !isASCII(from+strings.Join(rcpts, "")) {
		opts.UTF8 = true
	}
	if ok, _ := cl.c.Extension("8BITMIME"); ok {
		opts.Body = smtp.Body8BitMIME
	}
	if err := cl.c.Mail(from, opts); err != nil {
		cl.c.Reset()
		return classify(err)
	}
	for _, r := range rcpts {
		if err := cl.c.Rcpt(r, nil); err != nil {
			cl.c.Reset()
			return fmt.Errorf("recipient %s: %w", r, classify(err))
		}
	}
	w, err := cl.c.Data()
	if err != nil {
		cl.c.Reset()
		return classify(err)
	}
	if _, err := w.Write(raw); err != nil {
		return classify(err)
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return nil
}

// Close ends the session politely.
func (cl *Client) Close() error {
	cl.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := cl.c.Quit(); err != nil {
		return cl.c.Close()
	}
	return nil
}

// classify wraps an SMTP or network error as permanent or temporary.
func classify(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if se.Code >= 500 {
			return fmt.Errorf("%w: %d %s", ErrRejected, se.Code, se.Message)
		}
		return fmt.Errorf("%w: %d %s", ErrTemporary, se.Code, se.Message)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("%w: %w: connection lost", ErrTemporary, failure.ErrUnreachable)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return fmt.Errorf("%w: %w: %v", ErrTemporary, failure.ErrUnreachable, err)
	}
	return fmt.Errorf("%w: %v", ErrTemporary, err)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
