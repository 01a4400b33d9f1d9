// Package model holds the plain domain types shared by the engine and the
// faces: accounts, folders, message summaries, signatures. It imports no
// SQL, network or UI code.
package model

import "time"

// Security is how a connection to a mail server is protected.
type Security string

const (
	SecurityImplicit Security = "implicit" // TLS from the first byte (IMAPS 993, SMTPS 465)
	SecuritySTARTTLS Security = "starttls" // plaintext upgraded by STARTTLS (143, 587)
	SecurityNone     Security = "none"     // plaintext: allowed only on loopback
)

// Server is one mail server endpoint.
type Server struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
}

// Account is one mailbox the client manages; it never holds the password.
type Account struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Username string `json:"username"`
	IMAP     Server `json:"imap"`
	SMTP     Server `json:"smtp"`
	Profile  string `json:"profile"`
	// Shared marks an agency mailbox (R8) rather than a personal one.
	Shared bool `json:"shared,omitempty"`
	// TrustedCertSHA256 pins a self-signed or private-CA server certificate
	// that the user or IT explicitly trusted (hex SHA-256 of the DER).
	TrustedCertSHA256 string `json:"trusted_cert_sha256,omitempty"`
	// Added is when the account was added: mail older than this is never
	// acknowledged automatically (R2: no flood on first sync).
	Added time.Time `json:"added"`
	// ServerSavesSent: the submission server files a copy in Sent itself,
	// so the client does not APPEND one.
	ServerSavesSent bool      `json:"server_saves_sent,omitempty"`
	Signature       Signature `json:"signature"`
	// SignImages are the pictures that go on the PDFs this account signs
	// (R4, Decree 30/2020 Appendix I).
	SignImages SignImages `json:"sign_images,omitzero"`
	// PasswordSet is when the password in the keychain was last set: the
	// profiles ask for a change every few months (R6, HN 8.2).
	PasswordSet time.Time `json:"credential_changed,omitempty"`
	// AckTemplates are this account's acknowledgement texts by language
	// ("vi", "en"), the one source of that text (R2); empty uses machine
	// policy's, else the default (engine.AckTemplate).
	AckTemplates map[string]string `json:"ack_templates,omitempty"`
}

// Signature holds the fields of the mandatory signature (R3, LA 14.7, LA 8.4).
type Signature struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Agency  string `json:"agency"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Mobile  string `json:"mobile"`
	Email   string `json:"email"`
	Fax     string `json:"fax"`
	Website string `json:"website"`
}

// SignImages are the paths of the PNG pictures a digital signature shows:
// the signer's handwritten signature (blue) and the agency's seal (red).
type SignImages struct {
	Image string `json:"image,omitempty"`
	Seal  string `json:"seal,omitempty"`
}

// Folder roles from IMAP SPECIAL-USE (RFC 6154), plus inbox.
const (
	RoleInbox   = "inbox"
	RoleSent    = "sent"
	RoleDrafts  = "drafts"
	RoleTrash   = "trash"
	RoleJunk    = "junk"
	RoleArchive = "archive"
)

// Folder is one IMAP mailbox of an account.
type Folder struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Role    string `json:"role,omitempty"`
	Total   int    `json:"total"`
	Unread  int    `json:"unread"`
}

// Address is a display name and a mailbox address.
type Address struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// MessageSummary is what a message list row shows.
type MessageSummary struct {
	ID             int64     `json:"id"`
	Account        string    `json:"account"`
	Folder         string    `json:"folder"`
	UID            uint32    `json:"uid"`
	MessageID      string    `json:"message_id"`
	Subject        string    `json:"subject"`
	From           Address   `json:"from"`
	To             []Address `json:"to,omitempty"`
	Date           time.Time `json:"date"`
	Size           int64     `json:"size"`
	Seen           bool      `json:"seen"`
	Flagged        bool      `json:"flagged"`
	Answered       bool      `json:"answered"`
	HasAttachments bool      `json:"has_attachments"`
	Document       bool      `json:"document"`
	Acked          bool      `json:"acked"`
	Secret         string    `json:"secret,omitempty"`
}
