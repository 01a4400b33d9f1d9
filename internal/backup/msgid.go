package backup

import (
	"bufio"
	"bytes"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// headerLimit bounds how much of a message is read for its Message-ID.
const headerLimit = 256 << 10

// messageID is the Message-ID of a raw message, as go-imap reads it from
// an ENVELOPE (without angle brackets), or "" when there is none or the
// header cannot be read within headerLimit.
func messageID(raw []byte) string {
	if len(raw) > headerLimit {
		raw = raw[:headerLimit]
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return ""
	}
	id, err := (&mail.Header{Header: message.Header{Header: h}}).MessageID()
	if err != nil {
		return ""
	}
	return id
}

// prefixWriter keeps the first headerLimit bytes written through it.
type prefixWriter struct{ buf []byte }

func (p *prefixWriter) Write(b []byte) (int, error) {
	if room := headerLimit - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}
