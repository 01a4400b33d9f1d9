package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"thucongvu/internal/docsign"
	"thucongvu/internal/mail"
)

// signedMailBatch is how many messages one round of the pass takes from the store.
const signedMailBatch = 64

// VerifySignedMail implements ui.SignedMailVerifier: it reports the stored
// verdict of every message whose PDFs were verified, then verifies, a few
// at a time, the PDFs of downloaded messages not verified yet, storing each
// message's verdict so a restart does not verify it again (R4, Decree
// 30/2020 art. 21.2: the list's badge). Bodies come from the store only,
// never the network. A PDF that cannot be read, or makes the verifier
// fail, gets a state of its own and never stops the pass.
func (s *Services) VerifySignedMail(ctx context.Context, found func(id int64, st docsign.State)) error {
	trust := s.pdfVerifier().key
	states, err := s.E.Store.PDFSignatureStates(ctx, trust)
	if err != nil {
		return err
	}
	for id, st := range states {
		found(id, docsign.State(st))
	}
	workers := max(1, runtime.NumCPU()/2)
	for ctx.Err() == nil {
		ids, err := s.E.Store.UnverifiedPDFMessages(ctx, trust, signedMailBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		jobs := make(chan int64)
		var wg sync.WaitGroup
		var firstErr error
		var errMu sync.Mutex
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range jobs {
					st, sums := s.verifyMessagePDFs(ctx, id)
					if err := s.E.Store.SetPDFSignatureState(ctx, id, string(st), sums, trust); err != nil {
						errMu.Lock()
						firstErr = err
						errMu.Unlock()
						continue
					}
					found(id, st)
				}
			}()
		}
	feed:
		for _, id := range ids {
			select {
			case jobs <- id:
			case <-ctx.Done():
				break feed
			}
		}
		close(jobs)
		wg.Wait()
		if firstErr != nil {
			return firstErr
		}
	}
	return ctx.Err()
}

// verifyMessagePDFs is the worst state of the message's PDFs and their
// SHA-256 sums; the reports come from, and go to, the SHA-256-keyed cache.
func (s *Services) verifyMessagePDFs(ctx context.Context, id int64) (st docsign.State, sums []string) {
	defer func() {
		if p := recover(); p != nil {
			st = docsign.Unsupported // recorded, so the pass never retries it
		}
	}()
	raw, err := s.E.Store.Body(ctx, id)
	if err != nil {
		return docsign.Unsigned, nil
	}
	m, err := mail.Parse(raw)
	if err != nil {
		return docsign.Unsigned, nil
	}
	var states []docsign.State
	for i, a := range m.Attachments {
		if !strings.EqualFold(a.ContentType, "application/pdf") && !strings.EqualFold(filepath.Ext(a.Filename), ".pdf") {
			continue
		}
		data, err := mail.AttachmentData(raw, i)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(data)
		sums = append(sums, hex.EncodeToString(sum[:]))
		states = append(states, s.VerifyPDF(data).State)
	}
	return docsign.Worst(states...), sums
}
