package ack

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	tcvmail "thucongvu/internal/mail"
	"thucongvu/internal/model"
)

// Read-receipt modes the user chooses between (RFC 8098 §2.1: a receipt
// is never sent without the user's consent, given once or each time).
const (
	ReceiptAlways = "always"
	ReceiptAsk    = "ask"
	ReceiptNever  = "never"
)

// KeywordMDNSent marks a message whose read receipt went (RFC 3503).
const KeywordMDNSent = "$MDNSent"

// Receipt decisions.
const (
	ReceiptNone    = "none"
	ReceiptSend    = "send"
	ReceiptAskUser = "ask"
)

// ReceiptDecision says what to do about a read-receipt request when the
// message is displayed: none (no request, already sent, declined, or to
// the user's own address), ask the user, or send.
func ReceiptDecision(h textproto.Header, flags []string, own []string, account, mode string) (string, string) {
	to := receiptAddress(h)
	switch {
	case to == "":
		return ReceiptNone, "no request"
	case hasFlag(flags, KeywordMDNSent):
		return ReceiptNone, "already sent"
	case mode == ReceiptNever:
		return ReceiptNone, "the user declines receipts"
	case isOwn(to, own, account):
		return ReceiptNone, "own address"
	case tcvmail.AutoSubmitted(h) || tcvmail.MailingList(h):
		return ReceiptNone, "automatic or list mail"
	}
	// RFC 8098 §2.1: a receipt address other than the return path may be
	// a way to learn who reads what: always ask then.
	if rp := returnPath(h); rp != "" && !strings.EqualFold(rp, to) {
		return ReceiptAskUser, "the receipt address differs from the return path"
	}
	if mode == ReceiptAlways {
		return ReceiptSend, "the user sends receipts"
	}
	return ReceiptAskUser, "the user is asked each time"
}

func receiptAddress(h textproto.Header) string {
	a, err := mail.ParseAddress(h.Get("Disposition-Notification-To"))
	if err != nil {
		return ""
	}
	return strings.ToLower(a.Address)
}

func returnPath(h textproto.Header) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>"))
}

// ComposeReceipt writes the RFC 8098 receipt ("displayed") for a message.
// automatic tells whether the user chose "always" (sent automatically) or
// confirmed this one (sent manually).
func ComposeReceipt(a model.Account, h textproto.Header, subject, messageID string, automatic bool, now time.Time) (to string, raw []byte, err error) {
	to = receiptAddress(h)
	if to == "" {
		return "", nil, fmt.Errorf("no Disposition-Notification-To")
	}
	mode := "manual-action/MDN-sent-manually"
	if automatic {
		mode = "automatic-action/MDN-sent-automatically"
	}
	boundary := fmt.Sprintf("tcv-mdn-%d", now.UnixNano())
	var b bytes.Buffer
	var th textproto.Header
	th.Set("From", (&mail.Address{Name: a.Signature.Name, Address: a.Email}).String())
	th.Set("To", to)
	th.Set("Subject", mimeWord("Đã đọc: "+subject))
	th.Set("Date", now.Format(time.RFC1123Z))
	th.Set("Message-ID", fmt.Sprintf("<%d.mdn@%s>", now.UnixNano(), domainOf(a.Email)))
	if messageID != "" {
		th.Set("In-Reply-To", "<"+messageID+">")
		th.Set("References", "<"+messageID+">")
	}
	th.Set("Auto-Submitted", "auto-replied")
	th.Set("MIME-Version", "1.0")
	th.Set("Content-Type", `multipart/report; report-type=disposition-notification; boundary="`+boundary+`"`)
	if err := textproto.WriteHeader(&b, th); err != nil {
		return "", nil, err
	}
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Thư \"%s\" gửi %s đã được hiển thị trên máy của người nhận.\r\n"+
		"The message \"%s\" to %s has been displayed.\r\n\r\n", subject, a.Email, subject, a.Email)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/disposition-notification\r\n\r\n", boundary)
	fmt.Fprintf(&b, "Reporting-UA: %s; Thu Cong Vu\r\nFinal-Recipient: rfc822;%s\r\n", domainOf(a.Email), a.Email)
	if messageID != "" {
		fmt.Fprintf(&b, "Original-Message-ID: <%s>\r\n", messageID)
	}
	fmt.Fprintf(&b, "Disposition: %s; displayed\r\n\r\n--%s--\r\n", mode, boundary)
	return to, b.Bytes(), nil
}

func domainOf(addr string) string {
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

func mimeWord(s string) string { return mime.BEncoding.Encode("utf-8", s) }
