package discover

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"thucongvu/internal/model"
)

// probe is one host name and port worth a TCP connect.
type probe struct {
	host     string
	port     int
	security model.Security
}

// guessProbes lists the common host names of domain in preference order:
// implicit TLS first (RFC 8314 §3), the protocol's own name before mail.
// Plain ports without STARTTLS are never guessed.
func guessProbes(domain string) (imap, smtp []probe) {
	imap = []probe{
		{"imap." + domain, 993, model.SecurityImplicit},
		{"mail." + domain, 993, model.SecurityImplicit},
		{"imap." + domain, 143, model.SecuritySTARTTLS},
		{"mail." + domain, 143, model.SecuritySTARTTLS},
	}
	smtp = []probe{
		{"smtp." + domain, 465, model.SecurityImplicit},
		{"mail." + domain, 465, model.SecurityImplicit},
		{"smtp." + domain, 587, model.SecuritySTARTTLS},
		{"mail." + domain, 587, model.SecuritySTARTTLS},
	}
	return imap, smtp
}

// fromGuess tries the common host names with a short TCP connect each; the
// most preferred open port wins. A connect proves only that something
// listens: the account setup still verifies TLS and the login.
func (f *finder) fromGuess(ctx context.Context, a address, domain, source string) (Result, error) {
	imapProbes, smtpProbes := guessProbes(domain)
	var imap, smtp Server
	var imapErr, smtpErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		imap, imapErr = f.firstOpen(ctx, a, imapProbes)
	}()
	smtp, smtpErr = f.firstOpen(ctx, a, smtpProbes)
	<-done
	if imapErr != nil {
		return Result{}, fmt.Errorf("no IMAP port open on imap.%s or mail.%s", domain, domain)
	}
	if smtpErr != nil {
		return Result{}, fmt.Errorf("no SMTP port open on smtp.%s or mail.%s", domain, domain)
	}
	return Result{Source: source, Domain: a.domain, IMAP: imap, SMTP: smtp}, nil
}

// firstOpen probes all at once and returns the earliest open one in order.
func (f *finder) firstOpen(ctx context.Context, a address, probes []probe) (Server, error) {
	attempts := make([]attempt[Server], len(probes))
	for i, p := range probes {
		addr := net.JoinHostPort(p.host, strconv.Itoa(p.port))
		attempts[i] = attempt[Server]{addr, func(ctx context.Context) (Server, error) {
			ctx, cancel := context.WithTimeout(ctx, f.probeTimeout)
			defer cancel()
			conn, err := f.dial(ctx, "tcp", addr)
			if err != nil {
				return Server{}, err
			}
			conn.Close()
			return a.server(p.host, p.port, p.security, ""), nil
		}}
	}
	return firstInOrder(ctx, attempts)
}
