// Package discover finds the IMAP and SMTP settings of an e-mail address so
// that nobody has to type host names and ports (issue 2).
//
// It owns the sources and their order of trust:
//
//  1. local, no network: an isp/DOMAIN.xml file shipped by agency IT beside
//     the executable (Mozilla autoconfig format), then the built-in presets
//     for the five mail systems of R11. The IT file outranks the preset:
//     agency IT knows its own server best, and a file lets it fix a preset
//     that has gone stale without a new release.
//  2. Mozilla autoconfig over HTTPS only (autoconfig.DOMAIN, then
//     DOMAIN/.well-known/autoconfig).
//  3. RFC 6186 / RFC 8314 SRV records.
//  4. The registered domain of the best MX host (autoconfig, then guesses).
//  5. Common host names (mail., imap., smtp.) with a TCP connect probe.
//
// The network steps run in parallel under one deadline; the highest-trust
// answer wins: a lower-trust answer is held until every higher-trust step has
// failed or timed out, and once a step answers the lower ones are cancelled.
//
// It must not store anything, log in, or send credentials: it only reads DNS,
// fetches public configuration files and opens (and closes) TCP connections.
// It keeps no global state; every network access goes through Options.
package discover

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// Sources of a Result, from most to least trusted.
const (
	SourceISPFile    = "isp-file"
	SourcePreset     = "preset"
	SourceAutoconfig = "autoconfig"
	SourceSRV        = "srv"
	SourceMX         = "mx"
	SourceGuess      = "guess"
)

// Server is one endpoint with the user name to log in with (placeholders
// such as %EMAILADDRESS% already replaced).
type Server struct {
	model.Server
	Username string `json:"username"`
}

// Result is what was found for one address.
type Result struct {
	// Source is one of the Source constants.
	Source string `json:"source"`
	// Domain is the e-mail domain that was looked up (ASCII, lower case).
	Domain string `json:"domain"`
	IMAP   Server `json:"imap"`
	SMTP   Server `json:"smtp"`
	// IMAPAlternatives and SMTPAlternatives are further endpoints of the same
	// source, in preference order, for a setup that fails on the first.
	IMAPAlternatives []Server `json:"imap_alternatives,omitempty"`
	SMTPAlternatives []Server `json:"smtp_alternatives,omitempty"`
	// Warnings says what was skipped on the way, e.g. a malformed IT file.
	Warnings []string `json:"warnings,omitempty"`
	// Via says where an SRV or MX answer came from, for the user to judge.
	Via string `json:"via,omitempty"`
	// ConfirmNeeded is set when a server came from unauthenticated DNS (SRV,
	// MX, guess) and lies outside the address's own domain: the user
	// confirms ConfirmHosts before any password is sent (RFC 6186 §6).
	ConfirmNeeded bool     `json:"confirm_needed"`
	ConfirmHosts  []string `json:"confirm_hosts,omitempty"`
}

// Unconfirmed returns the hosts of ConfirmHosts not in accepted.
func (r Result) Unconfirmed(accepted []string) []string {
	var out []string
	for _, h := range r.ConfirmHosts {
		if !slices.ContainsFunc(accepted, func(a string) bool { return strings.EqualFold(strings.TrimSuffix(a, "."), h) }) {
			out = append(out, h)
		}
	}
	return out
}

// markForeign fills ConfirmNeeded and ConfirmHosts. The IT file, the R11
// presets and autoconfig fetched over HTTPS from the address's own domain
// are trusted; SRV, MX and guessed hosts are trusted only inside the
// address's domain (its registered domain included), since that is the
// name TLS then verifies.
func (r *Result) markForeign(a address) {
	switch r.Source {
	case SourceISPFile, SourcePreset, SourceAutoconfig:
		return
	}
	own, _ := publicsuffix.EffectiveTLDPlusOne(a.domain)
	inside := func(h string) bool {
		for _, d := range []string{a.domain, own} {
			if d != "" && (h == d || strings.HasSuffix(h, "."+d)) {
				return true
			}
		}
		return false
	}
	all := append([]Server{r.IMAP, r.SMTP}, r.IMAPAlternatives...)
	for _, s := range append(all, r.SMTPAlternatives...) {
		if !inside(s.Host) && !slices.Contains(r.ConfirmHosts, s.Host) {
			r.ConfirmHosts = append(r.ConfirmHosts, s.Host)
		}
	}
	r.ConfirmNeeded = len(r.ConfirmHosts) > 0
	if r.Via == "" && r.Source == SourceSRV {
		r.Via = "SRV records of " + a.domain
	}
}

// Resolver is the part of *net.Resolver that discovery uses.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
}

// Options injects everything discovery touches. A nil *Options, and every
// zero field, means the default. Nothing here is secret; nothing is logged.
type Options struct {
	// ISPDirs are folders searched for DOMAIN.xml files shipped by agency IT,
	// in order. nil means DefaultISPDirs(); an empty non-nil slice means none.
	ISPDirs []string
	// HTTPClient fetches autoconfig files; nil means a plain http.Client.
	// Tests point its Transport at a local TLS server. Redirects to anything
	// but https are refused whatever the client's own policy.
	HTTPClient *http.Client
	// Resolver answers SRV and MX queries; nil means net.DefaultResolver.
	Resolver Resolver
	// Dial opens the TCP probes of the guess step; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Timeout bounds all network steps together; 0 means 10 s.
	Timeout time.Duration
	// ProbeTimeout bounds each TCP connect probe; 0 means 3 s.
	ProbeTimeout time.Duration
	// Rand orders SRV records of equal priority by weight (RFC 2782);
	// nil means a randomly seeded source. Tests seed it.
	Rand *rand.Rand
	// Offline stops after the local sources (IT file and presets).
	Offline bool
}

// DefaultISPDirs is where agency IT ships settings files: the isp folder
// beside the executable, and on Linux also /etc/thucongvu/isp.
func DefaultISPDirs() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "isp"))
	}
	if runtime.GOOS == "linux" {
		dirs = append(dirs, "/etc/thucongvu/isp")
	}
	return dirs
}

// address is a parsed e-mail address; domain is ASCII (IDNA) and lower case.
type address struct {
	email, local, domain string
}

func parseAddress(s string) (address, error) {
	s = vntext.NFC(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>") {
		return address{}, fmt.Errorf("discover: %q is not an e-mail address: %w", s, failure.ErrUsage)
	}
	domain, err := idna.Lookup.ToASCII(strings.ToLower(strings.TrimSuffix(s[at+1:], ".")))
	if err != nil || !validHost(domain) || !strings.Contains(domain, ".") {
		return address{}, fmt.Errorf("discover: %q has no valid domain: %w", s, failure.ErrUsage)
	}
	return address{email: s[:at] + "@" + domain, local: s[:at], domain: domain}, nil
}

// validHost accepts a DNS host name of letters, digits, '-' and '.' only, so
// it is safe in a file name and a URL.
func validHost(h string) bool {
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// finder is one Discover call with its defaults filled in.
type finder struct {
	ispDirs      []string
	http         *http.Client
	resolver     Resolver
	dial         func(ctx context.Context, network, addr string) (net.Conn, error)
	timeout      time.Duration
	probeTimeout time.Duration
	rand         *rand.Rand
	offline      bool
}

func newFinder(o *Options) *finder {
	if o == nil {
		o = &Options{}
	}
	f := &finder{
		ispDirs: o.ISPDirs, http: o.HTTPClient, resolver: o.Resolver, dial: o.Dial,
		timeout: o.Timeout, probeTimeout: o.ProbeTimeout, rand: o.Rand, offline: o.Offline,
	}
	if f.ispDirs == nil {
		f.ispDirs = DefaultISPDirs()
	}
	if f.http == nil {
		f.http = &http.Client{}
	}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	if f.dial == nil {
		f.dial = (&net.Dialer{}).DialContext
	}
	if f.timeout <= 0 {
		f.timeout = 10 * time.Second
	}
	if f.probeTimeout <= 0 {
		f.probeTimeout = 3 * time.Second
	}
	if f.rand == nil {
		f.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return f
}

// Discover finds the IMAP and SMTP settings for email. It fails with
// failure.ErrUsage for a malformed address and failure.ErrNotFound when no
// source answered.
func Discover(ctx context.Context, email string, opts *Options) (Result, error) {
	a, err := parseAddress(email)
	if err != nil {
		return Result{}, err
	}
	f := newFinder(opts)

	// Step 1, local and instant: the IT file outranks the preset.
	r, ok, warnings := f.fromISPFiles(a)
	if !ok {
		r, ok = fromPreset(a)
	}
	if ok {
		r.Warnings = warnings
		return r, nil
	}
	if f.offline {
		return Result{}, notFound(a, append(warnings, "offline: network steps skipped"))
	}

	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	r, err = firstInOrder(ctx, []attempt[Result]{
		{SourceAutoconfig, func(ctx context.Context) (Result, error) { return f.fromAutoconfig(ctx, a, a.domain, SourceAutoconfig) }},
		{SourceSRV, func(ctx context.Context) (Result, error) { return f.fromSRV(ctx, a) }},
		{SourceMX, func(ctx context.Context) (Result, error) { return f.fromMX(ctx, a) }},
		{SourceGuess, func(ctx context.Context) (Result, error) { return f.fromGuess(ctx, a, a.domain, SourceGuess) }},
	})
	if err != nil {
		return Result{}, notFound(a, append(warnings, err.Error()))
	}
	r.Warnings = warnings
	r.markForeign(a)
	return r, nil
}

func notFound(a address, why []string) error {
	return fmt.Errorf("discover %s: no server settings found (%s): %w", a.domain, strings.Join(why, "; "), failure.ErrNotFound)
}

// attempt is one named way to an answer.
type attempt[T any] struct {
	name string
	run  func(context.Context) (T, error)
}

type outcome[T any] struct {
	i   int
	v   T
	err error
}

// firstInOrder runs all attempts at once and returns the answer of the
// earliest attempt in the list that succeeds: a later success is held until
// every earlier attempt has failed, and the moment the winner is known the
// others are cancelled. When ctx ends first, the earliest success so far wins.
func firstInOrder[T any](ctx context.Context, attempts []attempt[T]) (T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan outcome[T], len(attempts)) // buffered: late attempts never block
	for i, at := range attempts {
		go func() {
			v, err := at.run(ctx)
			ch <- outcome[T]{i, v, err}
		}()
	}
	done := make([]bool, len(attempts))
	ok := make([]bool, len(attempts))
	vals := make([]T, len(attempts))
	errs := make([]error, len(attempts))
	var zero T
	for pending := len(attempts); pending > 0; {
		select {
		case o := <-ch:
			pending--
			done[o.i], vals[o.i], errs[o.i], ok[o.i] = true, o.v, o.err, o.err == nil
			for i := range attempts {
				if !done[i] {
					break // a more trusted attempt is still running: wait for it
				}
				if ok[i] {
					return vals[i], nil
				}
			}
		case <-ctx.Done():
			for drained := false; !drained; { // take answers that arrived with the deadline
				select {
				case o := <-ch:
					done[o.i], vals[o.i], errs[o.i], ok[o.i] = true, o.v, o.err, o.err == nil
				default:
					drained = true
				}
			}
			for i := range attempts {
				if ok[i] {
					return vals[i], nil
				}
			}
			for i := range attempts {
				if !done[i] {
					errs[i] = ctx.Err()
				}
			}
			return zero, joinNamed(attempts, errs)
		}
	}
	return zero, joinNamed(attempts, errs)
}

func joinNamed[T any](attempts []attempt[T], errs []error) error {
	parts := make([]string, 0, len(attempts))
	for i, at := range attempts {
		if errs[i] != nil {
			parts = append(parts, at.name+": "+errs[i].Error())
		}
	}
	return errors.New(strings.Join(parts, "; "))
}

// server builds a Server, replacing Mozilla placeholders in the user name.
func (a address) server(host string, port int, sec model.Security, username string) Server {
	if username == "" {
		username = "%EMAILADDRESS%"
	}
	return Server{
		Server:   model.Server{Host: strings.ToLower(strings.TrimSuffix(host, ".")), Port: port, Security: sec},
		Username: a.expand(username),
	}
}

// expand replaces the placeholders of the Mozilla autoconfig format.
func (a address) expand(s string) string {
	return strings.NewReplacer(
		"%EMAILADDRESS%", a.email,
		"%EMAILLOCALPART%", a.local,
		"%EMAILDOMAIN%", a.domain,
	).Replace(s)
}
