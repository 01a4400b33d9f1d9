package compose

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// Attachment is a file to send: read from Path, or given as Data.
type Attachment struct {
	Name        string
	ContentType string
	Path        string
	Data        []byte
}

// Draft is a mail as the user wrote it.
type Draft struct {
	From        model.Address
	To, Cc, Bcc []model.Address
	Subject     string
	Body        string
	// Quoted is the original mail under a reply or forward; it is kept
	// exactly as received (ST 12.4) and the signature goes above it.
	Quoted      string
	InReplyTo   string
	References  []string
	Attachments []Attachment
	// Extra headers (an acknowledgement's Auto-Submitted, …).
	Headers map[string]string
}

// ErrAttachmentGone: a file attached to the draft can no longer be read.
var ErrAttachmentGone = errors.New("attached file can no longer be read")

// Built is a finished message and its envelope.
type Built struct {
	Raw        []byte
	MessageID  string
	From       string
	Recipients []string
}

// Build renders a draft to RFC 5322 bytes: UTF-8 headers, a text and an
// HTML part, each with the signature once, then the attachments. Text is
// normalised to NFC (R5). Nothing is queued when an attachment is unreadable.
func Build(d Draft, sig model.Signature, now time.Time) (*Built, error) {
	var h gomail.Header
	h.SetDate(now)
	domain := "thucongvu.local"
	if i := strings.LastIndex(d.From.Address, "@"); i >= 0 {
		domain = d.From.Address[i+1:]
	}
	id := messageID(now, domain)
	h.SetMessageID(id)
	h.SetAddressList("From", toMail([]model.Address{d.From}))
	if len(d.To) > 0 {
		h.SetAddressList("To", toMail(d.To))
	}
	if len(d.Cc) > 0 {
		h.SetAddressList("Cc", toMail(d.Cc))
	}
	h.SetSubject(vntext.NFC(d.Subject))
	if d.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{strings.Trim(d.InReplyTo, "<>")})
	}
	if len(d.References) > 0 {
		refs := make([]string, len(d.References))
		for i, r := range d.References {
			refs[i] = strings.Trim(r, "<>")
		}
		h.SetMsgIDList("References", refs)
	}
	for k, v := range d.Headers {
		h.Set(k, v)
	}
	h.Set("User-Agent", "Thu Cong Vu")

	body := vntext.NFC(d.Body)
	text := WithSignature(body, sig)
	signed := text != body // false when the body already carries it
	if d.Quoted != "" {
		text += "\n" + d.Quoted
	}
	htmlBody := "<div>" + strings.ReplaceAll(html.EscapeString(strings.TrimRight(body, "\n")), "\n", "<br>") + "</div>"
	if signed {
		htmlBody += "<br>" + SignatureHTML(sig)
	}
	if d.Quoted != "" {
		htmlBody += "<blockquote>" + strings.ReplaceAll(html.EscapeString(d.Quoted), "\n", "<br>") + "</blockquote>"
	}

	files := make([]Attachment, 0, len(d.Attachments))
	for _, a := range d.Attachments {
		if a.Data == nil {
			data, err := os.ReadFile(a.Path)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrAttachmentGone, a.Path, err)
			}
			a.Data = data
		}
		if a.Name == "" {
			a.Name = filepath.Base(a.Path)
		}
		a.Name = vntext.NFC(a.Name)
		if a.ContentType == "" {
			a.ContentType = mime.TypeByExtension(strings.ToLower(filepath.Ext(a.Name)))
			if a.ContentType == "" {
				a.ContentType = "application/octet-stream"
			}
		}
		files = append(files, a)
	}

	var buf bytes.Buffer
	w, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("build mail: %w", err)
	}
	alt, err := w.CreateInline()
	if err != nil {
		return nil, err
	}
	if err := writePart(alt, "text/plain", text); err != nil {
		return nil, err
	}
	if err := writePart(alt, "text/html", `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>`+htmlBody+`</body></html>`); err != nil {
		return nil, err
	}
	if err := alt.Close(); err != nil {
		return nil, err
	}
	for _, a := range files {
		var ah gomail.AttachmentHeader
		ah.Set("Content-Type", a.ContentType)
		ah.SetFilename(a.Name)
		pw, err := w.CreateAttachment(ah)
		if err != nil {
			return nil, err
		}
		if _, err := pw.Write(a.Data); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("build mail: %w", err)
	}
	var rcpts []string
	for _, list := range [][]model.Address{d.To, d.Cc, d.Bcc} {
		for _, a := range list {
			rcpts = append(rcpts, a.Address)
		}
	}
	return &Built{Raw: buf.Bytes(), MessageID: id, From: d.From.Address, Recipients: rcpts}, nil
}

func writePart(w *gomail.InlineWriter, contentType, body string) error {
	var ih gomail.InlineHeader
	ih.Set("Content-Type", contentType+"; charset=utf-8")
	ih.Set("Content-Transfer-Encoding", "quoted-printable")
	pw, err := w.CreatePart(ih)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(pw, strings.ReplaceAll(body, "\n", "\r\n")); err != nil {
		return err
	}
	return pw.Close()
}

func toMail(list []model.Address) []*gomail.Address {
	out := make([]*gomail.Address, len(list))
	for i, a := range list {
		out[i] = &gomail.Address{Name: vntext.NFC(a.Name), Address: a.Address}
	}
	return out
}

func messageID(now time.Time, domain string) string {
	var b [8]byte
	rand.Read(b[:])
	return fmt.Sprintf("%d.%s@%s", now.UnixNano(), hex.EncodeToString(b[:]), domain)
}
