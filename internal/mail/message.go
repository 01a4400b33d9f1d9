package mail

import "thucongvu/internal/docsign"

// Address is a display name and a mailbox address.
type Address struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// Attachment is a non-body part of a message.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	// Size is the number of decoded bytes.
	Size int64 `json:"size"`
	// Contains lists the file names inside a zip attachment, when read.
	Contains []string `json:"contains,omitempty"`
	// Signatures are the digital signatures of a PDF attachment, once
	// verified (R4: `parse --json`).
	Signatures []docsign.Signature `json:"signatures,omitempty"`
	// SignatureState is a verified PDF's verdict ("unsigned" when it has none).
	SignatureState docsign.State `json:"signature_state,omitempty"`
}

// Message is a decoded and classified message; its JSON form is the
// `parse` contract of the command line.
type Message struct {
	Subject    string    `json:"subject"`
	From       Address   `json:"from"`
	To         []Address `json:"to"`
	Cc         []Address `json:"cc,omitempty"`
	Date       string    `json:"date"` // RFC 3339, "" when absent or unreadable
	MessageID  string    `json:"message_id"`
	InReplyTo  string    `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	// ReturnPath is the envelope sender as delivered; "<>" is the null sender.
	ReturnPath string `json:"return_path,omitempty"`
	// Text is the body as Unicode NFC plain text.
	Text string `json:"text"`
	// HTML is the raw HTML body, when the message has one.
	HTML string `json:"html,omitempty"`
	// LegacyEncoding names the pre-Unicode encoding the text was found in
	// and converted from: "", LegacyTCVN3, LegacyVNI, LegacyVIQR or LegacyCP1258.
	LegacyEncoding string       `json:"legacy_encoding"`
	Attachments    []Attachment `json:"attachments"`
	AutoSubmitted  bool         `json:"auto_submitted"`
	List           bool         `json:"list"`
	Bounce         bool         `json:"bounce"`
	Document       bool         `json:"document"`
	// Secret is the classification marking found: "", SecretMat,
	// SecretToiMat or SecretTuyetMat (R7).
	Secret   string   `json:"secret"`
	Warnings []string `json:"warnings,omitempty"`
}
