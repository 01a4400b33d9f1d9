//go:build !windows

package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/theme"

	"thucongvu/internal/docsign"
)

// passServices reports given verdicts once release is closed.
type passServices struct {
	*MemServices
	release chan struct{}
	states  map[int64]docsign.State
	runs    int
}

func (s *passServices) VerifySignedMail(ctx context.Context, found func(int64, docsign.State)) error {
	<-s.release
	s.runs++
	for id, st := range s.states {
		found(id, st)
	}
	return nil
}

// R4: the list's badges come from the background pass over every
// downloaded message's PDFs; the window is built while the pass still
// works, and a closed window stops it.
func TestR4BackgroundPassBadges(t *testing.T) {
	svc := &passServices{MemServices: NewMemServices(), release: make(chan struct{}),
		states: map[int64]docsign.State{9101: docsign.Valid, 9102: docsign.ModifiedAfterSigning, 9103: docsign.Unsigned}}
	u, _ := newTestUI(t, svc) // returns while VerifySignedMail waits
	if got := signatureBadge(9101, theme.FileIcon()); got != theme.FileIcon() {
		t.Fatal("a badge before the pass said anything")
	}
	u.verifySignedMail() // asks for one more round
	close(svc.release)
	u.bg.Wait()
	if svc.runs != 2 {
		t.Fatalf("%d rounds, want 2", svc.runs)
	}
	if signatureBadge(9101, theme.FileIcon()) != signedIcon || signatureBadge(9102, theme.FileIcon()) != theme.WarningIcon() ||
		signatureBadge(9103, theme.FileIcon()) != theme.FileIcon() {
		t.Fatal("badges from the pass")
	}
	u.Cleanup()
	u.verifySignedMail()
	u.bg.Wait()
	if svc.runs != 2 {
		t.Fatalf("the pass ran after the window closed: %d", svc.runs)
	}
}
