// Package ack decides which received mail gets the automatic "đã nhận được
// văn bản" acknowledgement (R2, LA 6.2), writes it, and keeps the ledger
// that makes it go exactly once. It follows the RFC 3834 rules that
// Dovecot's Sieve vacation follows, so it never answers lists, bounces,
// robots or other auto-replies. It opens no connection: the engine runs
// the IMAP and SMTP side.
package ack

import (
	"bufio"
	"bytes"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
)

// Actions.
const (
	ActionAck  = "ack"
	ActionSkip = "skip"
	// ActionManual: a document whose sender cannot be trusted to be who
	// its From says; the user acknowledges it ("cần báo nhận thủ công").
	ActionManual = "manual"
)

// Reasons a decision gives (stable codes, shown translated by the faces).
const (
	ReasonDocument      = "document"        // an official document: acknowledge
	ReasonNotDocument   = "not-document"    // ordinary mail (R9 decides)
	ReasonNullSender    = "null-sender"     // Return-Path <> (bounces, receipts)
	ReasonAutoSubmitted = "auto-submitted"  // RFC 3834 Auto-Submitted other than no
	ReasonList          = "list"            // List-* header or Precedence list/bulk/junk
	ReasonSuppress      = "suppress"        // X-Auto-Response-Suppress All/OOF/AutoReply
	ReasonSystemSender  = "system-sender"   // MAILER-DAEMON, postmaster, *-request, no-reply, …
	ReasonOwnAddress    = "own-address"     // mail from the user's own addresses
	ReasonNotRecipient  = "not-recipient"   // Bcc to a list, implicit delivery
	ReasonBeforeAccount = "before-account"  // arrived before the account was added
	ReasonAcknowledge   = "acknowledgement" // an acknowledgement itself
	ReasonJunk          = "junk"            // flagged or filed as junk
	ReasonAlreadyAcked  = "already-acked"   // $TCVAcked: this or another client did it
	ReasonBounce        = "bounce"          // a delivery report
	ReasonDisabled      = "disabled"        // the user or policy turned acks off
	ReasonRateLimit     = "rate-limit"      // too many acks to this sender lately
	ReasonForeign       = "foreign-webmail" // R7 (ST 7.5, BD 11): no official exchange with foreign webmail
)

// Reasons of the checks against abuse (R2).
const (
	ReasonHourlyLimit = "hourly-limit"      // the account's acknowledgements of this hour are used up: it waits
	ReasonUnverified  = "unverified-sender" // From neither aligned with the envelope nor vouched for by the agency's server
)

// Keyword marks the original on the server once acknowledged (R2), so a
// second client or delegate of the same mailbox never acknowledges again.
const Keyword = "$TCVAcked"

// Candidate is one received mail to decide on.
type Candidate struct {
	Msg    *mail.Message
	Header textproto.Header
	Flags  []string
	// Arrived is the server's INTERNALDATE.
	Arrived time.Time
	Folder  string
}

// Context is what the decision depends on besides the mail.
type Context struct {
	Account model.Account
	Profile profile.Profile
	// Own are every address of the user (the account's and aliases).
	Own []string
	// AnyRecipient acknowledges mail even when the user is not among the
	// To/Cc recipients (a profile may want that for agency mailboxes).
	AnyRecipient bool
	// Disabled turns automatic acknowledgements off.
	Disabled bool
	// RecentToSender counts acknowledgements sent to the sender in the last hour.
	RecentToSender func(addr string) int
	// Recent counts the account's acknowledgements of the last hour, and
	// MaxPerHour bounds them (DefaultMaxPerHour when 0).
	Recent     func() int
	MaxPerHour int
}

// DefaultMaxPerHour bounds an account's acknowledgements per hour (R2), so
// that a flood of forged documents cannot make the agency's account a
// mail cannon; machine policy may change it (AckMaxPerHour).
const DefaultMaxPerHour = 60

// MaxPerSenderPerHour stops acknowledgement loops with a misbehaving robot
// that slips past the RFC 3834 rules; a busy provincial office can send
// an agency a few dozen documents an hour, so the bound sits above that.
const MaxPerSenderPerHour = 30

// Decide says whether c gets an acknowledgement and why.
func Decide(c Candidate, x Context) (string, string) {
	h := c.Header
	m := c.Msg
	from := strings.ToLower(m.From.Address)
	switch {
	// Acknowledging is on unless the user or policy turned it off: LA 6.2
	// requires it (the profile's AckRequired), and it is good practice
	// under every other regulation, so the default is on for all.
	case x.Disabled:
		return ActionSkip, ReasonDisabled
	case hasFlag(c.Flags, Keyword):
		return ActionSkip, ReasonAlreadyAcked
	case nullSender(h, m):
		return ActionSkip, ReasonNullSender
	case mail.AutoSubmitted(h):
		return ActionSkip, ReasonAutoSubmitted
	case mail.MailingList(h):
		return ActionSkip, ReasonList
	case suppressed(h):
		return ActionSkip, ReasonSuppress
	case m.Bounce:
		return ActionSkip, ReasonBounce
	case systemSender(from):
		return ActionSkip, ReasonSystemSender
	case isOwn(from, x.Own, x.Account.Email):
		return ActionSkip, ReasonOwnAddress
	case hasFlag(c.Flags, "$Junk") || hasFlag(c.Flags, "Junk") || strings.EqualFold(c.Folder, "Junk"):
		return ActionSkip, ReasonJunk
	case IsAcknowledgement(h, m.Subject):
		return ActionSkip, ReasonAcknowledge
	// INTERNALDATE counts whole seconds: mail of the very second the
	// account was added is not "before" it.
	case !x.Account.Added.IsZero() && !c.Arrived.IsZero() && c.Arrived.Before(x.Account.Added.Truncate(time.Second)):
		return ActionSkip, ReasonBeforeAccount
	case !x.AnyRecipient && !addressedTo(m, x.Own, x.Account.Email):
		return ActionSkip, ReasonNotRecipient
	case foreignWebmail(from, x.Profile):
		return ActionSkip, ReasonForeign
	case !IsDocument(m, x.Profile):
		return ActionSkip, ReasonNotDocument
	case !Credible(h, from, x):
		return ActionManual, ReasonUnverified
	}
	return Admit(from, x)
}

// Admit applies the hourly limits to a document about to be acknowledged:
// per sender, and per account; the engine asks again just before each
// acknowledgement goes, so one pass cannot exceed them. A mail over a
// limit is not marked and waits for a later pass.
func Admit(from string, x Context) (string, string) {
	limit := x.MaxPerHour
	if limit <= 0 {
		limit = DefaultMaxPerHour
	}
	switch {
	case x.RecentToSender != nil && x.RecentToSender(strings.ToLower(from)) >= MaxPerSenderPerHour:
		return ActionSkip, ReasonRateLimit
	case x.Recent != nil && x.Recent() >= limit:
		return ActionSkip, ReasonHourlyLimit
	}
	return ActionAck, ReasonDocument
}

// Permanent reports whether a skip for reason holds as long as the mail
// and the decision's context stay the same, so that it may be recorded
// and not made again. The switch, flags (junk, acknowledged elsewhere)
// and the rate limit change by themselves.
func Permanent(reason string) bool {
	switch reason {
	case ReasonDisabled, ReasonAlreadyAcked, ReasonJunk, ReasonRateLimit, ReasonHourlyLimit, ReasonDocument:
		return false
	}
	return true
}

// DecideHeader decides from the header and flags alone, so that most mail
// costs no body download. textOnly says the server's BODYSTRUCTURE shows
// text parts only (false when unknown). final is false when the body may
// change the decision: a document to acknowledge (its body is read to
// write the acknowledgement), or mail that its header does not make a
// document but a file or, from a trusted sender, its text may (R9).
func DecideHeader(c Candidate, x Context, textOnly bool) (action, reason string, final bool) {
	action, reason = Decide(c, x)
	switch {
	case action == ActionAck:
		return action, reason, false
	case reason == ReasonNotDocument:
		_, domain, _ := strings.Cut(strings.ToLower(c.Msg.From.Address), "@")
		return action, reason, (textOnly || singleText(c.Header)) && !x.Profile.IsTrusted(domain)
	}
	return action, reason, true
}

// singleText: the header announces one text part and no file.
func singleText(h textproto.Header) bool {
	ct, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if h.Get("Content-Type") == "" {
		ct, err = "text/plain", nil
	}
	if err != nil || (ct != "text/plain" && ct != "text/html") {
		return false
	}
	disp, params, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	return disp != "attachment" && params["filename"] == "" && params["filename*"] == ""
}

// HeaderMessage decodes a header block alone (as BODY[HEADER] gives it)
// into the fields Decide reads; parse is mail.Parse or a stand-in.
func HeaderMessage(raw []byte, parse func([]byte) (*mail.Message, error)) (*mail.Message, textproto.Header, error) {
	h := Header(raw)
	bare := h.Copy()
	for _, k := range []string{"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"} {
		bare.Del(k)
	}
	var b bytes.Buffer
	if err := textproto.WriteHeader(&b, bare); err != nil {
		return nil, h, err
	}
	m, err := parse(b.Bytes())
	if err != nil {
		return nil, h, err
	}
	m.Bounce = m.Bounce || mail.Bounce(h)
	return m, h, nil
}

// IsDocument follows the profile (R9): a mail with a document-type
// attachment, or one from a trusted domain (*.gov.vn) that names a
// document type or number ("Lịch công tác tuần", "Số: 12/UBND").
func IsDocument(m *mail.Message, p profile.Profile) bool {
	if mail.IsDocument(m, nil) {
		return true
	}
	_, domain, _ := strings.Cut(strings.ToLower(m.From.Address), "@")
	return p.IsTrusted(domain) && (mail.NamesDocument(m.Subject) || mail.NamesDocument(m.Text)) && !m.AutoSubmitted && !m.List && !m.Bounce
}

func foreignWebmail(from string, p profile.Profile) bool {
	_, domain, _ := strings.Cut(from, "@")
	foreign, _ := p.IsForeignWebmail(domain)
	return foreign
}

func hasFlag(flags []string, want string) bool {
	for _, f := range flags {
		if strings.EqualFold(f, want) {
			return true
		}
	}
	return false
}

// nullSender: a null or <> return path, or none at all with no From.
func nullSender(h textproto.Header, m *mail.Message) bool {
	if h.Has("Return-Path") {
		rp := strings.TrimSpace(h.Get("Return-Path"))
		return rp == "<>" || rp == "" || !strings.Contains(rp, "@")
	}
	return m.From.Address == ""
}

func suppressed(h textproto.Header) bool {
	for _, v := range strings.Split(h.Get("X-Auto-Response-Suppress"), ",") {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "all", "oof", "autoreply":
			return true
		}
	}
	return false
}

// systemSender: robots and list software (RFC 3834 §2, Sieve vacation).
func systemSender(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	switch local {
	case "mailer-daemon", "postmaster", "listserv", "majordomo", "mailman", "daemon", "root":
		return true
	}
	if strings.HasSuffix(local, "-request") || strings.HasPrefix(local, "owner-") || strings.HasSuffix(local, "-owner") {
		return true
	}
	norm := strings.NewReplacer("-", "", "_", "", ".", "").Replace(local)
	return strings.HasPrefix(norm, "noreply") || strings.HasPrefix(norm, "donotreply") || strings.HasPrefix(norm, "khongtraloi")
}

func isOwn(addr string, own []string, account string) bool {
	if strings.EqualFold(addr, account) {
		return true
	}
	for _, o := range own {
		if strings.EqualFold(addr, o) {
			return true
		}
	}
	return false
}

func addressedTo(m *mail.Message, own []string, account string) bool {
	for _, list := range [][]mail.Address{m.To, m.Cc} {
		for _, a := range list {
			if isOwn(a.Address, own, account) {
				return true
			}
		}
	}
	return false
}

// AckHeader marks the acknowledgements this client writes.
const AckHeader = "X-TCV-Acknowledgement"

// IsAcknowledgement reports whether a mail is itself an acknowledgement:
// ours carry AckHeader; others' are recognised by their subject.
func IsAcknowledgement(h textproto.Header, subject string) bool {
	if h.Has(AckHeader) {
		return true
	}
	return mail.IsAcknowledgementSubject(subject)
}

// Header reads the header block of a raw message.
func Header(raw []byte) textproto.Header {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return textproto.Header{}
	}
	return h
}
