// Package imapsync owns the IMAP side of an account: login over TLS,
// folder and message sync into the local store (envelopes, flags and
// structure first, bodies after), CONDSTORE when offered, IDLE with a
// watchdog, reconnect with backoff. It never imports a UI; it reports
// progress through callbacks.
package imapsync

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/tlsconf"
)

// Options tune a connection; the zero value means defaults.
type Options struct {
	// Timeout is how long a command may wait without a single byte from
	// the server before the connection is declared dead (default 60 s).
	// go-imap has no deadline while waiting for a response: this watchdog is it.
	Timeout time.Duration
	// DialTimeout bounds connecting and the TLS handshake (default 20 s).
	DialTimeout time.Duration
	// IdleRefresh is how often IDLE is interrupted for a NOOP that proves
	// the connection still answers (default 4 min).
	IdleRefresh time.Duration
	// RootCAs are extra trusted certificate authorities set by policy.
	RootCAs *x509.CertPool
	// Dial replaces the network dialer (tests inject faults through it).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// BatchSize is how many messages are stored per transaction (default
	// 2000: fewer, larger commits write fewer full-text segments to merge).
	BatchSize int
	// NamesDocument, if set, marks as a document (R9) a message without a
	// document attachment from its sender and subject alone (the engine
	// passes the profile's rule: a trusted sender naming a document type).
	NamesDocument func(from, subject string) bool
	// BodyText extracts the searchable text of a raw message (the engine
	// passes the MIME decoder); nil indexes headers only. It runs in the
	// indexing pass after the sync (IndexBodies); its error, or panic, is
	// stored as the message's parse error and the pass goes on.
	BodyText func(raw []byte) (string, error)
	// Stored, if set, is called after each header and body pass: what they
	// stored waits for the index (the engine wakes its BodyIndexer).
	Stored func()
	// MaxBodyBytes: a larger message is not downloaded but stored empty
	// with its reason, so it cannot exhaust memory or stop the sync
	// (default 256 MB; SQLite holds at most 1 GB in one value).
	MaxBodyBytes int64
	// Progress, if set, hears about sync progress. Never given secrets.
	Progress func(Progress)
}

// Progress reports how far a sync is.
type Progress struct {
	Account, Folder string
	Stage           string // "folders", "envelopes", "bodies"
	Done, Total     int
}

func (o *Options) timeout() time.Duration {
	if o == nil || o.Timeout <= 0 {
		return 60 * time.Second
	}
	return o.Timeout
}

func (o *Options) rootCAs() *x509.CertPool {
	if o == nil {
		return nil
	}
	return o.RootCAs
}

func (o *Options) dialTimeout() time.Duration {
	if o == nil || o.DialTimeout <= 0 {
		return 20 * time.Second
	}
	return o.DialTimeout
}

func (o *Options) idleRefresh() time.Duration {
	if o == nil || o.IdleRefresh <= 0 {
		return 4 * time.Minute
	}
	return o.IdleRefresh
}

func (o *Options) batchSize() int {
	if o == nil || o.BatchSize <= 0 {
		return 2000
	}
	return o.BatchSize
}

// Conn is one logged-in IMAP connection.
type Conn struct {
	*imapclient.Client
	raw     *watchedConn
	timeout time.Duration
	caps    imap.CapSet
}

// watchedConn remembers when the server last sent a byte.
type watchedConn struct {
	net.Conn
	lastRead atomic.Int64
}

func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if n > 0 {
		w.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}

// Dial connects and logs in. Errors wrap failure.ErrUnreachable,
// failure.ErrCertificate or failure.ErrAuth so callers can tell them apart.
func Dial(ctx context.Context, acct model.Account, password string, opts *Options, handler *imapclient.UnilateralDataHandler) (*Conn, error) {
	srv := acct.IMAP
	if srv.Security == model.SecurityNone && !config.IsLoopback(srv.Host) {
		return nil, fmt.Errorf("%w: IMAP without TLS is refused for %s (only loopback may go without TLS)", failure.ErrBlocked, srv.Host)
	}
	if srv.Security != model.SecurityImplicit && srv.Security != model.SecuritySTARTTLS && srv.Security != model.SecurityNone {
		return nil, fmt.Errorf("%w: account %q: imap.security %q is not implicit, starttls or none", failure.ErrUsage, acct.Name, srv.Security)
	}
	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	dctx, cancel := context.WithTimeout(ctx, opts.dialTimeout())
	defer cancel()
	dial := (&net.Dialer{}).DialContext
	if opts != nil && opts.Dial != nil {
		dial = opts.Dial
	}
	tcp, err := dial(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w: connect to %s: %v", failure.ErrUnreachable, addr, err)
	}
	raw := &watchedConn{Conn: tcp}
	raw.lastRead.Store(time.Now().UnixNano())
	tlsConfig := tlsconf.Config(srv.Host, acct.TrustedCertSHA256, opts.rootCAs())
	clientOpts := &imapclient.Options{TLSConfig: tlsConfig, UnilateralDataHandler: handler, WordDecoder: mail.NewWordDecoder()}

	var client *imapclient.Client
	setup := func() error {
		switch srv.Security {
		case model.SecurityImplicit:
			tc := tls.Client(raw, tlsConfig)
			if err := tc.HandshakeContext(dctx); err != nil {
				return tlsconf.CertError(addr, err)
			}
			client = imapclient.New(tc, clientOpts)
		case model.SecuritySTARTTLS:
			c, err := imapclient.NewStartTLS(raw, clientOpts)
			if err != nil {
				return tlsconf.CertError(addr, err)
			}
			client = c
		default:
			client = imapclient.New(raw, clientOpts)
		}
		return client.WaitGreeting()
	}
	stop := context.AfterFunc(dctx, func() { tcp.Close() })
	err = setup()
	stop()
	if err != nil {
		tcp.Close()
		if errors.Is(err, failure.ErrCertificate) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s: %v", failure.ErrUnreachable, addr, err)
	}
	c := &Conn{Client: client, raw: raw, timeout: opts.timeout()}
	if err := c.login(ctx, acct, password); err != nil {
		client.Close()
		return nil, err
	}
	return c, nil
}

func (c *Conn) login(ctx context.Context, acct model.Account, password string) error {
	user := acct.Username
	if user == "" {
		user = acct.Email
	}
	caps := c.Caps()
	err := c.guard(ctx, func() error {
		if caps.Has(imap.AuthCap(sasl.Plain)) {
			return c.Authenticate(sasl.NewPlainClient("", user, password))
		}
		return c.Login(user, password).Wait()
	})
	if err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Type == imap.StatusResponseTypeNo {
			return fmt.Errorf("%w: %s for %s", failure.ErrAuth, strings.TrimSpace(imapErr.Text), user)
		}
		return fmt.Errorf("%w: login: %v", failure.ErrUnreachable, err)
	}
	// Capabilities change after login.
	if err := c.guard(ctx, func() error {
		var err error
		c.caps, err = c.Capability().Wait()
		return err
	}); err != nil {
		return fmt.Errorf("%w: capability: %v", failure.ErrUnreachable, err)
	}
	return nil
}

// Has reports whether the server offers cap after login.
func (c *Conn) Has(cap imap.Cap) bool { return c.caps.Has(cap) }

// guard runs fn, closing the connection if the server stays silent for
// longer than the timeout or ctx ends: a half-dead connection cannot hang us.
func (c *Conn) guard(ctx context.Context, fn func() error) error {
	done := make(chan struct{})
	var timedOut atomic.Bool
	start := time.Now()
	go func() {
		tick := time.NewTicker(c.timeout / 4)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				c.raw.Close()
				return
			case <-tick.C:
				last := time.Unix(0, c.raw.lastRead.Load())
				if last.Before(start) {
					last = start
				}
				if time.Since(last) > c.timeout {
					timedOut.Store(true)
					c.raw.Close()
					return
				}
			}
		}
	}()
	err := fn()
	close(done)
	if timedOut.Load() {
		return fmt.Errorf("%w: the server stopped answering for %s", failure.ErrUnreachable, c.timeout)
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
