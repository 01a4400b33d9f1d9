package imapsync

import (
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
	"thucongvu/internal/vntext"
)

// recordOf turns a FETCH answer (envelope, flags, structure) into a store
// record; names decodes the envelope's text (nil: nothing remembered).
func recordOf(buf *imapclient.FetchMessageBuffer, opts *Options, names *headerTexts) *store.Record {
	r := &store.Record{
		UID:          uint32(buf.UID),
		ModSeq:       buf.ModSeq,
		Size:         buf.RFC822Size,
		InternalDate: buf.InternalDate,
		Flags:        flagStrings(buf.Flags),
	}
	if env := buf.Envelope; env != nil {
		r.Subject = mail.HeaderText(env.Subject)
		r.MessageID = env.MessageID
		if len(env.InReplyTo) > 0 {
			r.InReplyTo = env.InReplyTo[0]
		}
		r.Date = env.Date
		if len(env.From) > 0 {
			r.From = names.address(env.From[0])
		}
		if len(env.To) > 0 {
			r.To = make([]model.Address, len(env.To))
			for i, a := range env.To {
				r.To[i] = names.address(a)
			}
		}
		if len(env.Cc) > 0 {
			r.Cc = make([]model.Address, len(env.Cc))
			for i, a := range env.Cc {
				r.Cc[i] = names.address(a)
			}
		}
	}
	if r.Date.IsZero() {
		r.Date = buf.InternalDate
	}

	if buf.BodyStructure != nil {
		r.Attachments = attachmentNames(buf.BodyStructure)
		r.HasAttachments = len(r.Attachments) > 0
		for _, name := range r.Attachments {
			if mail.IsDocumentFile(name, "") {
				r.Document = true
			}
		}
	}
	if !r.Document && opts != nil && opts.NamesDocument != nil {
		r.Document = opts.NamesDocument(r.From.Address, r.Subject)
	}
	return r
}

// headerTexts decodes the names of envelope addresses (mail.HeaderText),
// remembering up to maxRememberedNames of them: official mail comes from
// and goes to the same few hundred people, and decoding (legacy font
// detection, NFC) costs more than a lookup.
type headerTexts struct{ seen map[string]string }

const maxRememberedNames = 4096

func newHeaderTexts() *headerTexts { return &headerTexts{seen: map[string]string{}} }

func (h *headerTexts) text(v string) string {
	if h == nil || v == "" {
		return mail.HeaderText(v)
	}
	if s, ok := h.seen[v]; ok {
		return s
	}
	s := mail.HeaderText(v)
	if len(h.seen) >= maxRememberedNames {
		clear(h.seen)
	}
	h.seen[v] = s
	return s
}

func (h *headerTexts) address(a imap.Address) model.Address {
	return model.Address{Name: h.text(a.Name), Address: strings.ToLower(a.Addr())}
}

// attachmentNames lists the file names of a structure's attachments.
func attachmentNames(bs imap.BodyStructure) []string {
	var names []string
	bs.Walk(func(_ []int, part imap.BodyStructure) bool {
		single, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		name := single.Filename()
		disp := single.Disposition()
		if name == "" && disp != nil && strings.EqualFold(disp.Value, "attachment") {
			name = "(" + single.MediaType() + ")"
		}
		if name != "" {
			names = append(names, vntext.NFC(name))
		}
		return true
	})
	return names
}
