package ack

import (
	"slices"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
	"golang.org/x/net/publicsuffix"

	"thucongvu/internal/model"
	"thucongvu/internal/profile"
)

// Bounds of the header read to judge the sender.
const (
	maxTraceFields = 64   // header fields read from the top for the server's verdicts
	maxAuthResults = 4096 // bytes of one Authentication-Results field
)

// Credible reports whether an acknowledgement to from would reach the
// sender who really sent the mail (R2): the From domain is aligned with
// the envelope sender (Return-Path, relaxed: the same organisational
// domain), the envelope comes from a relay the profile trusts, or the
// agency's own server says dmarc=pass or spf=pass for that domain. Else an
// acknowledgement could be aimed at whoever the sender names.
func Credible(h textproto.Header, from string, x Context) bool {
	fd := mailDomain(from)
	if fd == "" {
		return false
	}
	if env := mailDomain(envelopeSender(h)); env != "" {
		if Aligned(fd, env) {
			return true
		}
		for _, relay := range x.Profile.AckRelays.Value {
			if profile.MatchDomain(relay, env) {
				return true
			}
		}
	}
	for _, r := range ServerVerdicts(h, AuthServIDs(x.Account)) {
		switch r := r.(type) {
		case *authres.DMARCResult:
			if r.Value == authres.ResultPass && normDomain(r.From) == fd {
				return true
			}
		case *authres.SPFResult:
			if r.Value == authres.ResultPass && Aligned(fd, mailDomain(r.From)) {
				return true
			}
		}
	}
	return false
}

// Aligned reports relaxed alignment (RFC 7489 §3.1): a and b share their
// organisational domain (mail.hanam.gov.vn and hanam.gov.vn).
func Aligned(a, b string) bool {
	a, b = normDomain(a), normDomain(b)
	if a == "" || b == "" {
		return false
	}
	return a == b || orgDomain(a) == orgDomain(b)
}

func orgDomain(d string) string {
	if org, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return org
	}
	return d
}

// AuthServIDs are the authserv-ids of the account's own server: its mail
// domain and its IMAP host.
func AuthServIDs(a model.Account) []string {
	var ids []string
	for _, id := range []string{mailDomain(a.Email), normDomain(a.IMAP.Host)} {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// ServerVerdicts returns the results of the topmost Authentication-Results
// fields, those the receiving server added (RFC 8601 §5): read from the top
// over trace fields, they count while their authserv-id is one of ids and
// end at the first other one, at a Received field below them, or at the
// first field the sender wrote. A field with another authserv-id, or one
// below the server's, may be forged by the sender.
func ServerVerdicts(h textproto.Header, ids []string) []authres.Result {
	var out []authres.Result
	ours := false
	fields := h.Fields()
	for n := 0; n < maxTraceFields && fields.Next(); n++ {
		switch k := strings.ToLower(fields.Key()); {
		case k == "authentication-results":
			v := fields.Value()
			if len(v) > maxAuthResults {
				return out
			}
			id, rs, err := authres.Parse(withoutComments(v))
			if !slices.Contains(ids, normDomain(id)) {
				return out
			}
			ours = true
			if err == nil {
				out = append(out, rs...)
			}
		case k == "received":
			if ours {
				return out
			}
		case traceField(k):
		default:
			return out
		}
	}
	return out
}

// traceField: fields a receiving server adds above the sender's header.
func traceField(k string) bool {
	switch k {
	case "return-path", "delivered-to", "x-original-to", "received-spf":
		return true
	}
	return strings.HasPrefix(k, "arc-") || strings.HasPrefix(k, "x-spam") || strings.HasPrefix(k, "x-virus")
}

// withoutComments drops RFC 5322 comments (nested, quoted pairs) and
// unfolds, so that a ";" or "=" inside a comment does not count.
func withoutComments(v string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (depth > 0 || quoted) && i+1 < len(v):
			if depth == 0 {
				b.WriteByte(c)
				b.WriteByte(v[i+1])
			}
			i++
		case c == '"' && depth == 0:
			quoted = !quoted
			b.WriteByte(c)
		case c == '(' && !quoted:
			depth++
		case c == ')' && !quoted && depth > 0:
			depth--
		case depth > 0:
		case c == '\r' || c == '\n' || c == '\t':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// envelopeSender is the topmost Return-Path, the one the delivering
// server wrote (a Return-Path the sender wrote lies below it).
func envelopeSender(h textproto.Header) string {
	rp := strings.TrimSpace(h.Get("Return-Path"))
	rp = strings.TrimSuffix(strings.TrimPrefix(rp, "<"), ">")
	return rp
}

// mailDomain is the domain of an address (or a bare domain), lower case.
func mailDomain(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		addr = addr[at+1:]
	}
	return normDomain(addr)
}

func normDomain(d string) string {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	if d == "" || strings.ContainsAny(d, " <>()[],;:\"\\") {
		return ""
	}
	return d
}
