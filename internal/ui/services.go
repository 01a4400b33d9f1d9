package ui

import (
	"context"
	"time"

	"thucongvu/internal/model"
)

// Services is everything the screens need from the mail engine. The UI never
// reaches past it; internal/app implements it over the engine. Methods
// that may touch the network (Open, Attachment, Send, …) are called off
// the UI goroutine; the others must return quickly.
type Services interface {
	// Accounts lists the configured mailboxes, personal and agency (R8).
	Accounts() []model.Account
	// Folders lists an account's folders with total and unread counts.
	Folders(account string) ([]model.Folder, error)
	// CountMessages is the number of messages in a folder.
	CountMessages(account, folder string) (int, error)
	// Messages returns one page of a folder in the given order: rows
	// [offset, offset+limit). The list asks only for the rows on screen.
	Messages(account, folder string, sort SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error)
	// Search finds messages in every account, diacritics and case ignored.
	Search(query string, limit int) ([]model.MessageSummary, error)
	// Peek returns at once what the store holds of a message (its summary,
	// its body when downloaded), without the network; Loading says whether
	// Open is still needed.
	Peek(id int64) (*ReaderMessage, error)
	// Open returns a message for the reader, downloading its body if
	// needed, and marks it seen. A message that cannot be decoded comes
	// back with Problem set, not as an error.
	Open(id int64) (*ReaderMessage, error)
	// Attachment returns the bytes of attachment index of message id.
	Attachment(id int64, index int) ([]byte, error)
	// CheckNow syncs every account once; progress gets (done, total) steps.
	CheckNow(ctx context.Context, progress func(done, total int)) error
	// Recipients completes an address the user has mailed before, by prefix
	// of name or address, diacritics ignored.
	Recipients(prefix string, limit int) []model.Address
	// Preflight checks a draft against its account's rule profile.
	Preflight(d Draft) []Finding
	// ConvertToPDF converts an attachment file to PDF and returns the new path (R4).
	ConvertToPDF(ctx context.Context, path string, progress func(done, total int)) (string, error)
	// Send signs, queues in the outbox and delivers; it returns once the
	// server accepted the mail or it is safely queued.
	Send(ctx context.Context, d Draft) error
	// Discover suggests servers for an address: a preset of a known
	// government mail system (R11) or what DNS reveals.
	Discover(ctx context.Context, email string) (model.Account, error)
	// TestConnection logs in to IMAP and SMTP with the password.
	TestConnection(ctx context.Context, a model.Account, password string) error
	// AddAccount saves an account; the password goes to the OS keychain only (R6).
	AddAccount(a model.Account, password string) error
	// RemoveAccount forgets an account: its password, its local mail and
	// its background duties.
	RemoveAccount(name string) error
	// Profiles lists the rule profiles (one per regulation, plus generic).
	Profiles() []Profile
	// SetSignature stores an account's signature fields (R3).
	SetSignature(account string, sig model.Signature) error
	// Settings returns the user's settings; SaveSettings stores them.
	Settings() Settings
	SaveSettings(s Settings) error
	// Subscribe registers fn for engine events (new mail, progress); fn is
	// called from any goroutine.
	Subscribe(fn func(Event))
	// Snooze brings the check-time reminder back after d (R1).
	Snooze(d time.Duration)
	// SendReadReceipt answers a read-receipt request the user confirmed
	// (RFC 8098, "displayed").
	SendReadReceipt(id int64) error
	// Resend sends a sent document again to the recipients who have not
	// acknowledged it, alone (R2); it returns how many.
	Resend(id int64) (int, error)
	// Quotas returns at once the last known server quota (RFC 9208) of
	// each account that has one; they are refreshed in the background.
	Quotas() []Quota
}

// SortKey is a message-list column to sort on.
type SortKey int

// Sort keys of the message list.
const (
	SortDate SortKey = iota
	SortSender
	SortSubject
	SortSize
)

// ReaderMessage is one message as the reader shows it.
type ReaderMessage struct {
	Summary model.MessageSummary
	Cc      []model.Address
	// Text is the plain body; HTML, when present, is preferred and
	// sanitised by the reader.
	Text        string
	HTML        string
	Attachments []Attachment
	// Ack is the acknowledgement state of a received document (R2, LA 6.2).
	Ack AckStatus
	// Receipts lists, for a sent document, which recipients acknowledged.
	Receipts []Receipt
	// ReceiptRequested: the sender asked for a read receipt and the user
	// is to be asked (RFC 8098).
	ReceiptRequested bool
	// Loading: Open still has work to do — download the body (Text and
	// HTML are empty then) or mark the message seen.
	Loading bool
	// Problem says why the message could not be downloaded or decoded;
	// the reader shows it with the headers it has.
	Problem string
}

// Attachment describes one attachment of a message.
type Attachment struct {
	Filename    string
	ContentType string
	Size        int64
	// Dangerous: an executable or a document name hiding another type (R7).
	Dangerous bool
}

// AckStatus is whether "đã nhận được văn bản" went back to the sender.
type AckStatus struct {
	Required bool // the mail is a document that needs an acknowledgement
	Sent     bool
	// Manual: the sender could not be verified, so no acknowledgement goes
	// by itself; the user acknowledges by hand (Reason says why).
	Manual bool
	At     time.Time
	Reason string // why none is needed or why it is pending
}

// Receipt is one recipient's acknowledgement of a sent document.
type Receipt struct {
	Recipient model.Address
	Acked     bool
	At        time.Time
}

// Draft is an outgoing mail being composed.
type Draft struct {
	Account     string
	To, Cc, Bcc []string
	Subject     string
	Body        string
	Attachments []string // file paths
	// ReplyTo is the message being answered or forwarded (0 for a new mail).
	ReplyTo int64
	// ID names a saved draft (SaveDraft); empty until first saved.
	ID string
	// Saved is when the draft was last saved.
	Saved time.Time
}

// Severity of a preflight finding.
type Severity string

// Severities, as in the `check` command's JSON.
const (
	SeverityBlock Severity = "block"
	SeverityWarn  Severity = "warn"
)

// FixKind is the one-click fix the compose window offers for a finding.
type FixKind string

// Fixes the compose window knows how to apply.
const (
	FixNone              FixKind = ""
	FixConvertPDF        FixKind = "convert_pdf"        // Target: attachment path (R4)
	FixCompleteSignature FixKind = "complete_signature" // opens the signature editor (R3)
	FixRemoveRecipient   FixKind = "remove_recipient"   // Target: address (R7)
	FixAddSubject        FixKind = "add_subject"        // focuses the subject (R3)
)

// Finding is one preflight result.
type Finding struct {
	Rule     string   // R-number, e.g. "R7"
	Source   string   // article, e.g. "LA 7.4"
	Severity Severity // block or warn
	// Code names the finding for translation ("finding.<code>"); Message is
	// the engine's own text, shown when no translation exists.
	Code    string
	Message string
	Fix     FixKind
	Target  string
}

// Profile is a rule profile's identity.
type Profile struct {
	ID   string
	Name string
}

// Settings are the user's preferences the settings screen edits.
type Settings struct {
	CheckTimes []string // "HH:MM" on working days (R1)
	AutoAck    bool     // send acknowledgements automatically (R2)
	// ReadReceipts answers read-receipt requests (RFC 8098): "always",
	// "ask" (default) or "never".
	ReadReceipts string
	AckTemplate  string
	// Converter is "auto", "libreoffice" or "msoffice" (R4).
	Converter string
	Language  string  // "vi" (default) or "en"
	TextScale float32 // 1.0 = normal
	// PausedUntil silences check-time reminders until then.
	PausedUntil time.Time
	// TrayNoticeShown: the user was told once that closing the window
	// leaves the client running in the system tray.
	TrayNoticeShown bool
	// Locked names the settings agency IT fixed by machine policy
	// ("check_times", "ack.template", "ack.auto", "converter",
	// "signature.agency", …); the screens show them read-only.
	Locked []string
}

// IsLocked reports whether machine policy fixes a setting.
func (s Settings) IsLocked(setting string) bool {
	for _, l := range s.Locked {
		if l == setting {
			return true
		}
	}
	return false
}

// EventKind says what an Event reports.
type EventKind int

// Engine events the UI listens to.
const (
	EventChanged  EventKind = iota // folders or messages changed: refresh
	EventNewMail                   // Message arrived
	EventProgress                  // Done of Total sync steps
	EventReminder                  // a check time has come (R1)
	EventOutbox                    // Done mails wait in the outbox for a retry
)

// Event is something the engine tells the UI.
type Event struct {
	Kind        EventKind
	Message     *model.MessageSummary
	Done, Total int
	Err         error
}

// WindowServices is what the main window's list, status bar, drafts and
// settings need beyond Services; internal/app implements both.
type WindowServices interface {
	// AckMarks returns the acknowledgement mark of each listed message (R2):
	// a received document's state, a sent document's "n/m đã nhận".
	AckMarks(ids []int64) map[int64]AckMark
	// Status is what the status bar shows.
	Status() StatusInfo
	// Acknowledge sends "đã nhận được văn bản" for a received document now
	// (R2). When the sender cannot be verified it sends nothing and returns
	// the acknowledgement as a draft for the user to check and send.
	Acknowledge(id int64) (*Draft, error)
	// SaveDraft keeps d on this computer at once, then replaces its
	// previous copy in the server's Drafts folder; it returns d with its
	// ID set. A server that cannot be reached leaves the local copy.
	SaveDraft(ctx context.Context, d Draft) (Draft, error)
	// DeleteDraft forgets a draft here and on the server (sent or discarded).
	DeleteDraft(ctx context.Context, id string) error
	// Drafts lists the drafts kept on this computer, newest first.
	Drafts() []Draft
	// DraftOf is the draft a message of the Drafts folder holds.
	DraftOf(id int64) (Draft, error)
	// Resends lists when a sent document was re-sent and to whom (R2).
	Resends(id int64) []Resend
	// DefaultAckTemplate is the client's acknowledgement text for a language.
	DefaultAckTemplate(lang string) string
	// UpdateAccount stores an account's edited servers; a non-empty
	// password replaces the one in the OS keychain (R6).
	UpdateAccount(a model.Account, password string) error
	// MoveToTrash moves a message to its account's Trash folder (Delete).
	MoveToTrash(id int64) error
}

// AckReasonBefore is AckStatus.Reason for a document that arrived before
// its mailbox was added: acknowledgements start with the mail after (R2).
const AckReasonBefore = "before"

// AckState is a list row's acknowledgement state.
type AckState int

// Acknowledgement states of a list row.
const (
	AckNotDocument AckState = iota // not an official document
	AckWaiting                     // a document not acknowledged yet
	AckManual                      // the user must acknowledge by hand
	AckDone                        // acknowledged (At)
	AckSentDoc                     // a sent document: Acked of Total recipients acknowledged
	AckNotRequired                 // a document that arrived before the mailbox was added here
)

// AckMark is one row's acknowledgement mark.
type AckMark struct {
	State        AckState
	At           time.Time
	Acked, Total int
	Reason       string
	LastResend   time.Time
}

// StatusInfo is the status bar's summary.
type StatusInfo struct {
	NextCheck     time.Time // the next check time (R1); zero when none
	OutboxWaiting int       // mails waiting in the outbox
	Unacked       int       // received documents not yet acknowledged (R2)
	Syncing       bool
	LastSync      time.Time
	SyncError     string // the last sync's failure, in the user's words
}

// Resend is one re-send of a sent document to those who had not acknowledged it.
type Resend struct {
	At         time.Time
	Recipients []string
}
