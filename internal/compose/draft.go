package compose

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// DraftFromEML reads a mail written elsewhere (the `send FILE.eml` input)
// into a draft, so that it is sent the same way as one composed here:
// signature once, NFC, fresh Message-ID and Date.
func DraftFromEML(raw []byte) (Draft, error) {
	var d Draft
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return d, fmt.Errorf("read mail: %w", err)
	}
	h := r.Header
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		d.From = model.Address{Name: vntext.NFC(from[0].Name), Address: strings.ToLower(from[0].Address)}
	}
	for name, list := range map[string]*[]model.Address{"To": &d.To, "Cc": &d.Cc, "Bcc": &d.Bcc} {
		addrs, err := h.AddressList(name)
		if err != nil {
			return d, fmt.Errorf("read %s: %w", name, err)
		}
		for _, a := range addrs {
			*list = append(*list, model.Address{Name: vntext.NFC(a.Name), Address: strings.ToLower(a.Address)})
		}
	}
	d.Subject, _ = h.Subject()
	if ids, err := h.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
		d.InReplyTo = ids[0]
	}
	d.References, _ = h.MsgIDList("References")
	// The parts are walked with the bounds received mail has (nesting, part
	// count): a crafted file cannot pile up part readers.
	var perr error
	mail.Parts(raw, func(h message.Header, body io.Reader) bool {
		disp, _, _ := h.ContentDisposition()
		if disp != "attachment" {
			ct, _, _ := h.ContentType()
			if (ct == "text/plain" || ct == "") && d.Body == "" {
				b, err := io.ReadAll(body)
				if err != nil {
					perr = fmt.Errorf("read mail text: %w", err)
					return false
				}
				d.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
			}
			return true
		}
		ah := gomail.AttachmentHeader{Header: h}
		name, _ := ah.Filename()
		ct, _, _ := ah.ContentType()
		data, err := io.ReadAll(body)
		if err != nil {
			perr = fmt.Errorf("read attachment %s: %w", name, err)
			return false
		}
		d.Attachments = append(d.Attachments, Attachment{Name: name, ContentType: ct, Data: data})
		return true
	})
	if perr != nil {
		return d, perr
	}
	return d, nil
}
