// Package profile owns the rule profiles: one per regulation named in
// docs/regulations.md R11 (Long An, Hà Nam, Sóc Trăng, the Ministry of
// Labour, Bình Dương) plus a generic one. Every value carries the article it
// comes from, or says that it is a default chosen by us where the regulation
// is silent or only says "regularly".
//
// It is plain data and small pure checks. It must not read files, talk to
// servers, schedule anything or import the UI; compose, remind and ack read
// profiles and apply them.
package profile

import (
	"fmt"
	"strconv"
	"strings"
)

// Sourced is a profile value with the article it comes from ("LA 6.1").
// Default is true when no regulation states the value and it is our choice.
type Sourced[T any] struct {
	Value   T      `json:"value"`
	Source  string `json:"source"`
	Default bool   `json:"default,omitempty"`
}

// Level says what the client does when a rule is broken.
type Level string

// Levels of a rule.
const (
	Block Level = "block" // refuse (exit 3 on the command line)
	Warn  Level = "warn"  // allow after showing the finding
	Off   Level = "off"   // no check
)

// TimeOfDay is a wall-clock time in minutes after midnight, Vietnam time.
// It marshals as "HH:MM".
type TimeOfDay int

// ParseTimeOfDay reads "HH:MM" (or "H:MM").
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return TimeOfDay(hh*60 + mm), nil
}

// HM builds a TimeOfDay from hours and minutes.
func HM(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// Hour and Minute split t.
func (t TimeOfDay) Hour() int   { return int(t) / 60 }
func (t TimeOfDay) Minute() int { return int(t) % 60 }

// String is "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()) }

// MarshalText writes "HH:MM".
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "HH:MM".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Span is a half-open range [Start, End) of a day.
type Span struct {
	Start TimeOfDay `json:"start"`
	End   TimeOfDay `json:"end"`
}

// Contains reports whether t lies in [Start, End).
func (s Span) Contains(t TimeOfDay) bool { return t >= s.Start && t < s.End }

// Session names a half-day working session (buổi).
type Session string

// The two sessions of a working day.
const (
	Morning   Session = "morning"   // buổi sáng
	Afternoon Session = "afternoon" // buổi chiều
)

// WorkingHours are the two sessions of an administrative working day.
type WorkingHours struct {
	Morning   Span `json:"morning"`
	Afternoon Span `json:"afternoon"`
}

// SessionOf says which session t falls in, if any.
func (w WorkingHours) SessionOf(t TimeOfDay) (Session, bool) {
	switch {
	case w.Morning.Contains(t):
		return Morning, true
	case w.Afternoon.Contains(t):
		return Afternoon, true
	}
	return "", false
}

// CheckRule is R1: how often mail must be checked on a working day.
type CheckRule struct {
	// MorningMin and AfternoonMin are the least number of checks per session.
	MorningMin   Sourced[int] `json:"morning_min"`
	AfternoonMin Sourced[int] `json:"afternoon_min"`
	// Times are the default check times; each lies inside a session and
	// together they meet the minimums. Users may move or add times (package remind).
	Times Sourced[[]TimeOfDay] `json:"times"`
}

// Min is the least number of checks in session s.
func (c CheckRule) Min(s Session) int {
	if s == Morning {
		return c.MorningMin.Value
	}
	return c.AfternoonMin.Value
}

// DocumentRule is R9: which received mail counts as a document, so that R2
// (acknowledge) and R4 (PDF) apply to it.
type DocumentRule struct {
	// AttachmentTypes are file extensions (lower case, with dot) of documents.
	AttachmentTypes Sourced[[]string] `json:"attachment_types"`
	// TrustedDomains are sender domains of state agencies; "*.gov.vn" matches
	// gov.vn and every subdomain.
	TrustedDomains Sourced[[]string] `json:"trusted_domains"`
	// Keywords in the subject (compared diacritic-folded) that name a document type.
	Keywords Sourced[[]string] `json:"keywords"`
}

// PasswordRule is R6.
type PasswordRule struct {
	MinLength      Sourced[int]  `json:"min_length"`
	RequireUpper   Sourced[bool] `json:"require_upper"`
	RequireLower   Sourced[bool] `json:"require_lower"`
	RequireDigit   Sourced[bool] `json:"require_digit"`
	RequireSpecial Sourced[bool] `json:"require_special"`
	// Specials lists the special characters the regulation names.
	Specials string `json:"specials,omitempty"`
	// MaxAgeDays: change the password at least this often (0: no rule).
	MaxAgeDays Sourced[int] `json:"max_age_days"`
	// ChangeInitialHours: change the initial password within this many hours
	// of receiving the mailbox; 0 with a Source means "at first login".
	ChangeInitialHours Sourced[int] `json:"change_initial_hours"`
	// LockUnchangedDays: the server locks a mailbox whose default password is
	// still unchanged after this many days (0: no rule).
	LockUnchangedDays Sourced[int] `json:"lock_unchanged_days"`
}

// ForbiddenRule is R7's foreign webmail rule.
type ForbiddenRule struct {
	// Domains: "yahoo.*" matches any yahoo.<suffix>; "*.x.y" matches x.y and its subdomains.
	Domains Sourced[[]string] `json:"domains"`
	Level   Sourced[Level]    `json:"level"`
}

// Profile is one regulation's rules.
type Profile struct {
	ID         string `json:"id"`
	Name       string `json:"name"`       // Vietnamese name of the issuer
	Short      string `json:"short"`      // short name used in sources: "LA"
	Regulation string `json:"regulation"` // "QĐ 62/2009/QĐ-UBND"
	// Domains are the mail domains (subdomains included) served by Server.
	Domains Sourced[[]string] `json:"domains"`
	Server  Sourced[string]   `json:"server"`
	// AddressFormat describes how addresses are formed (R11), "" if unstated.
	AddressFormat Sourced[string] `json:"address_format"`

	Hours  Sourced[WorkingHours] `json:"working_hours"`
	Checks CheckRule             `json:"checks"` // R1

	AckRequired Sourced[bool] `json:"ack_required"` // R2
	Document    DocumentRule  `json:"document"`     // R9

	// AckRelays are relays that rewrite the envelope sender: mail they bring
	// counts as from the sender its From names (R2, package ack).
	AckRelays Sourced[[]string] `json:"ack_relays"`

	SignatureFields Sourced[[]string] `json:"signature_fields"` // R3
	SubjectRequired Sourced[bool]     `json:"subject_required"` // R3

	PDF       Sourced[Level] `json:"pdf"`       // R4: issued documents as PDF
	Grayscale Sourced[bool]  `json:"grayscale"` // R4: no colour scanning needed

	MaxAttachmentBytes Sourced[int64] `json:"max_attachment_bytes"` // R5

	Password PasswordRule `json:"password"` // R6

	Secret           Sourced[Level] `json:"secret"`             // R7: classified documents never by mail
	ForeignWebmail   ForbiddenRule  `json:"foreign_webmail"`    // R7
	NoForwardOutside Sourced[bool]  `json:"no_forward_outside"` // R7: no auto-forward off state systems
}
