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

// recordOf turns a FETCH answer (envelope, flags, structure) into a store record.
func recordOf(buf *imapclient.FetchMessageBuffer, opts *Options) *store.Record {
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
			r.From = address(env.From[0])
		}
		for _, a := range env.To {
			r.To = append(r.To, address(a))
		}
		for _, a := range env.Cc {
			r.Cc = append(r.Cc, address(a))
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

func address(a imap.Address) model.Address {
	return model.Address{Name: mail.HeaderText(a.Name), Address: strings.ToLower(a.Addr())}
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
