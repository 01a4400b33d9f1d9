package discover

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"thucongvu/internal/model"
)

// maxConfigBytes bounds an autoconfig document; real ones are a few KiB.
const maxConfigBytes = 1 << 20

// errMalformed marks a configuration document that cannot be used.
var errMalformed = errors.New("malformed autoconfig document")

// clientConfig is the Mozilla autoconfig format (config-v1.1.xml), reduced
// to what a mail client needs.
type clientConfig struct {
	XMLName   xml.Name        `xml:"clientConfig"`
	Providers []emailProvider `xml:"emailProvider"`
}

type emailProvider struct {
	ID       string      `xml:"id,attr"`
	Domains  []string    `xml:"domain"`
	Incoming []xmlServer `xml:"incomingServer"`
	Outgoing []xmlServer `xml:"outgoingServer"`
}

type xmlServer struct {
	Type       string `xml:"type,attr"`
	Hostname   string `xml:"hostname"`
	Port       string `xml:"port"`
	SocketType string `xml:"socketType"`
	Username   string `xml:"username"`
}

// parseConfig reads an autoconfig document for address a and returns its
// IMAP and SMTP servers in preference order: the document's order, with
// unencrypted servers after encrypted ones (RFC 8314). POP3 and other
// incoming types are ignored; a document without a usable IMAP and SMTP
// server is malformed for us.
func parseConfig(data []byte, a address) (imap, smtp []Server, err error) {
	var cc clientConfig
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&cc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	for _, p := range cc.Providers {
		imap = append(imap, usable(p.Incoming, "imap", a)...)
		smtp = append(smtp, usable(p.Outgoing, "smtp", a)...)
	}
	if len(imap) == 0 {
		return nil, nil, fmt.Errorf("%w: no usable IMAP server", errMalformed)
	}
	if len(smtp) == 0 {
		return nil, nil, fmt.Errorf("%w: no usable SMTP server", errMalformed)
	}
	encryptedFirst := func(x, y Server) int {
		return boolCmp(x.Security == model.SecurityNone, y.Security == model.SecurityNone)
	}
	slices.SortStableFunc(imap, encryptedFirst)
	slices.SortStableFunc(smtp, encryptedFirst)
	return imap, smtp, nil
}

func boolCmp(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return 1
	default:
		return -1
	}
}

// usable keeps the servers of type typ with a valid host, port and socket type.
func usable(servers []xmlServer, typ string, a address) []Server {
	var out []Server
	for _, s := range servers {
		if !strings.EqualFold(strings.TrimSpace(s.Type), typ) {
			continue
		}
		host := a.expand(strings.TrimSpace(s.Hostname))
		port, err := strconv.Atoi(strings.TrimSpace(s.Port))
		if !validHost(host) || err != nil || port < 1 || port > 65535 {
			continue
		}
		var sec model.Security
		switch strings.ToUpper(strings.TrimSpace(s.SocketType)) {
		case "SSL", "TLS":
			sec = model.SecurityImplicit
		case "STARTTLS":
			sec = model.SecuritySTARTTLS
		case "PLAIN":
			sec = model.SecurityNone
		default:
			continue
		}
		out = append(out, a.server(host, port, sec, strings.TrimSpace(s.Username)))
	}
	return out
}

// configResult turns parsed servers into a Result of source.
func configResult(source string, a address, imap, smtp []Server) Result {
	return Result{
		Source: source, Domain: a.domain,
		IMAP: imap[0], SMTP: smtp[0],
		IMAPAlternatives: imap[1:], SMTPAlternatives: smtp[1:],
	}
}

// autoconfigURLs are the two places of a domain's autoconfig document, most
// specific first. HTTPS only: a configuration fetched in the clear could be
// forged to send the password elsewhere.
func autoconfigURLs(domain, email string) []string {
	return []string{
		"https://autoconfig." + domain + "/mail/config-v1.1.xml?emailaddress=" + url.QueryEscape(email),
		"https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml",
	}
}

// fromAutoconfig fetches the autoconfig documents of domain (the address's
// own, or the MX host's for the mx step) at once; the first URL wins if both
// answer.
func (f *finder) fromAutoconfig(ctx context.Context, a address, domain, source string) (Result, error) {
	var attempts []attempt[Result]
	for _, u := range autoconfigURLs(domain, a.email) {
		name := strings.TrimPrefix(strings.SplitN(u, "?", 2)[0], "https://")
		attempts = append(attempts, attempt[Result]{name, func(ctx context.Context) (Result, error) {
			data, err := f.fetch(ctx, u)
			if err != nil {
				return Result{}, err
			}
			imap, smtp, err := parseConfig(data, a)
			if err != nil {
				return Result{}, err
			}
			return configResult(source, a, imap, smtp), nil
		}})
	}
	return firstInOrder(ctx, attempts)
}

// fetch GETs an https URL, refusing redirects away from https.
func (f *finder) fetch(ctx context.Context, u string) ([]byte, error) {
	client := *f.http // a copy: the caller's redirect policy is kept, then tightened
	inner := client.CheckRedirect
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s refused: https only", req.URL.Scheme)
		}
		if inner != nil {
			return inner(req, via)
		}
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	resp, err := client.Do(req)
	if err != nil {
		var uerr *url.Error // the URL is already named by the caller
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("http status %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", errMalformed, maxConfigBytes)
	}
	return data, nil
}
