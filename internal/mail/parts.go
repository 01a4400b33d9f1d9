package mail

import (
	"bytes"
	"io"

	"github.com/emersion/go-message"
)

// Parts calls fn with each leaf part of raw in order, its body decoded
// from its transfer encoding and charset, until fn returns false. Like
// Parse it reads maxDepth levels of multipart and maxParts parts, so a
// crafted mail cannot pile up nested part readers (go-message's mail
// reader has no such bound). A broken part ends the walk.
func Parts(raw []byte, fn func(h message.Header, body io.Reader) bool) {
	e, _ := message.Read(bytes.NewReader(raw)) // an unknown charset still yields the entity
	if e == nil {
		return
	}
	parts := 0
	var walk func(e *message.Entity, depth int) bool
	walk = func(e *message.Entity, depth int) bool {
		mr := e.MultipartReader()
		if mr == nil {
			parts++
			return parts <= maxParts && fn(e.Header, e.Body)
		}
		if depth >= maxDepth {
			return true
		}
		for {
			p, err := mr.NextPart()
			if p == nil || (err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err)) {
				return true
			}
			if !walk(p, depth+1) {
				return false
			}
		}
	}
	walk(e, 0)
}
