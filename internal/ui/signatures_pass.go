package ui

import (
	"context"
	"sync"

	"thucongvu/internal/docsign"
)

// SignedMailVerifier is offered by Services that verify, in the
// background, the PDFs of every downloaded message, so the list shows a
// badge for each signed document, not only those opened (R4).
type SignedMailVerifier interface {
	VerifySignedMail(ctx context.Context, found func(id int64, st docsign.State)) error
}

// signaturePass runs one background verification at a time; a request
// while one runs makes it run once more at its end.
type signaturePass struct {
	mu      sync.Mutex
	running bool
	again   bool
	cancel  context.CancelFunc
	stopped bool
}

// verifySignedMail starts the background pass over the messages' PDFs
// (or asks the running one to go round again). It never blocks the window:
// verdicts reach the list through doMain, a refresh per batch.
func (u *UI) verifySignedMail() {
	v, ok := u.svc.(SignedMailVerifier)
	if !ok {
		return
	}
	p := &u.sigPass
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if p.running {
		p.again = true
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.running, p.cancel = true, cancel
	u.goAfterPaint(func() {
		defer cancel()
		for {
			var mu sync.Mutex
			pending := 0
			_ = v.VerifySignedMail(ctx, func(id int64, st docsign.State) {
				noteSignatures(id, st)
				mu.Lock()
				pending++
				flush := pending%32 == 0
				mu.Unlock()
				if flush { // from a verifying worker: hand the refresh to tracked background work
					u.goBG(func() { doMain(u.refreshBadges) })
				}
			})
			doMain(u.refreshBadges)
			p.mu.Lock()
			if !p.again || ctx.Err() != nil {
				p.running = false
				p.mu.Unlock()
				return
			}
			p.again = false
			p.mu.Unlock()
		}
	})
}

// stopSignedMail ends the background pass for good (the window closes).
func (u *UI) stopSignedMail() {
	p := &u.sigPass
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopped = true
	if p.cancel != nil {
		p.cancel()
	}
}

func (u *UI) refreshBadges() {
	if u.list != nil {
		u.list.Refresh()
	}
}
