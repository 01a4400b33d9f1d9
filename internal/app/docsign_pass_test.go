//go:build !windows

package app

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
)

// mailWithPDF is a message carrying pdf as the attachment name.
func mailWithPDF(name string, pdf []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString(pdf)
	var lines strings.Builder
	for len(b64) > 76 {
		lines.WriteString(b64[:76] + "\r\n")
		b64 = b64[76:]
	}
	lines.WriteString(b64 + "\r\n")
	return []byte("From: vp@longan.gov.vn\r\nTo: vanthu@longan.gov.vn\r\nSubject: Cong van\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n" +
		"--b1\r\nContent-Type: application/pdf; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + lines.String() + "--b1--\r\n")
}

// signedMailHome is a state folder trusting the test root, whose store holds
// the given messages (body and PDF name); it returns their ids in order.
func signedMailHome(tb testing.TB, p *docsigntest.PKI, bodies [][]byte) (string, []int64) {
	home := tb.TempDir()
	if err := os.MkdirAll(docsign.UserRootsDir(home), 0o700); err != nil {
		tb.Fatal(err)
	}
	docsigntest.WriteFile(tb, docsign.UserRootsDir(home), "root.pem", docsigntest.PEM(p.Root.Cert))
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		tb.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	f, _ := e.Store.EnsureFolder(ctx, "vanthu", "INBOX", model.RoleInbox)
	b, _ := e.Store.BeginBatch(ctx)
	for i := range bodies {
		b.Put(f.ID, &store.Record{UID: uint32(i + 1), Subject: fmt.Sprintf("Công văn %d", i+1), HasAttachments: true,
			Attachments: []string{fmt.Sprintf("cv-%d.pdf", i+1)}, Date: time.Date(2026, 12, 1, 8, 0, i, 0, time.UTC)})
	}
	if err := b.Commit(); err != nil {
		tb.Fatal(err)
	}
	ids := make([]int64, len(bodies))
	var puts []store.Body
	for i, raw := range bodies {
		if err := e.Store.DB().QueryRow(`SELECT id FROM messages WHERE uid = ?`, i+1).Scan(&ids[i]); err != nil {
			tb.Fatal(err)
		}
		puts = append(puts, store.Body{ID: ids[i], Raw: raw, Text: "Kính gửi."})
	}
	if err := e.Store.PutBodies(ctx, puts); err != nil {
		tb.Fatal(err)
	}
	return home, ids
}

func openServices(tb testing.TB, home string) *Services {
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return &Services{E: e, Home: home}
}

func collectStates(tb testing.TB, s *Services) map[int64]docsign.State {
	var mu sync.Mutex
	got := map[int64]docsign.State{}
	if err := s.VerifySignedMail(context.Background(), func(id int64, st docsign.State) {
		mu.Lock()
		got[id] = st
		mu.Unlock()
	}); err != nil {
		tb.Fatal(err)
	}
	return got
}

// R4, Decree 30/2020 art. 21.2: the background pass gives every downloaded
// message with a PDF its badge — valid, changed after signing, unsigned,
// garbage — and stores it: after a restart the verdicts come from the
// store, nothing is verified again. Hostile files never stop the pass.
func TestR4SignedMailPass(t *testing.T) {
	t.Setenv("THUCONGVU_POLICY", filepath.Join(t.TempDir(), "no-policy.json"))
	p := docsigntest.NewPKI(t)
	chain := []*x509.Certificate{p.Intermediate.Cert}
	signed := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "Công văn số 2157/STTTT-VP", 0), p.Signer, docsigntest.SignOptions{Chain: chain})
	changed := docsigntest.AppendRedBox(t, signed)
	plain := docsigntest.SamplePDF(t, "Thông báo", 0)
	truncated := signed[:len(signed)*2/3]
	home, ids := signedMailHome(t, p, [][]byte{
		mailWithPDF("hop-le.pdf", signed), mailWithPDF("sua.pdf", changed), mailWithPDF("thuong.pdf", plain),
		mailWithPDF("rac.pdf", []byte("%PDF-1.7\n\x00\xff garbage")), mailWithPDF("cut.pdf", truncated),
	})
	s := openServices(t, home)
	got := collectStates(t, s)
	if len(got) != 5 || got[ids[0]] != docsign.Valid || got[ids[1]] != docsign.ModifiedAfterSigning || got[ids[2]] != docsign.Unsigned {
		t.Fatalf("states: %v (ids %v)", got, ids)
	}
	for _, id := range ids[3:] {
		if got[id] == docsign.Valid || got[id] == "" {
			t.Fatalf("hostile file %d: %q", id, got[id])
		}
	}
	key := s.pdfVerifier().key
	if left, _ := s.E.Store.UnverifiedPDFMessages(context.Background(), key, 100); len(left) != 0 {
		t.Fatalf("left unverified: %v", left)
	}

	// A restart: a fresh process state would verify again; the store answers.
	pdfVerifiers.Lock()
	delete(pdfVerifiers.byHome, home)
	pdfVerifiers.Unlock()
	s.E.Close()
	s2 := openServices(t, home)
	again := collectStates(t, s2)
	if fmt.Sprint(again) != fmt.Sprint(got) {
		t.Fatalf("after restart %v, before %v", again, got)
	}
	pdfVerifiers.Lock()
	v := pdfVerifiers.byHome[home]
	pdfVerifiers.Unlock()
	if v != nil && v.cache.Verified() != 0 {
		t.Fatalf("%d documents verified again after the restart", v.cache.Verified())
	}
	// The reports themselves are in the store, for the register.
	sum := sha256.Sum256(signed)
	if r, err := s2.E.Store.PDFReport(context.Background(), hex.EncodeToString(sum[:]), key); err != nil || !strings.Contains(r, "Nguyễn Văn A") {
		t.Fatalf("stored report %q: %v", r, err)
	}

	// Other roots make the stored verdicts stale: verified again.
	if err := os.Remove(filepath.Join(docsign.UserRootsDir(home), "root.pem")); err != nil {
		t.Fatal(err)
	}
	pdfVerifiers.Lock()
	delete(pdfVerifiers.byHome, home)
	pdfVerifiers.Unlock()
	if st := collectStates(t, openServices(t, home)); st[ids[0]] != docsign.UnknownIssuer || len(st) != 5 {
		t.Fatalf("without the root: %v", st)
	}
}

// BenchmarkSignedMailBadges: 200 messages with a signed PDF each; the first
// pass verifies them (bounded workers), the next ones, as after a restart,
// give every badge from the store without verifying anything.
func BenchmarkSignedMailBadges(b *testing.B) {
	b.Setenv("THUCONGVU_POLICY", filepath.Join(b.TempDir(), "no-policy.json"))
	p := docsigntest.NewPKI(b)
	chain := []*x509.Certificate{p.Intermediate.Cert}
	bodies := make([][]byte, 200)
	for i := range bodies {
		pdf := docsigntest.SignPDF(b, docsigntest.SamplePDF(b, fmt.Sprintf("Công văn số %d/STTTT-VP", i+1), 0), p.Signer, docsigntest.SignOptions{Chain: chain})
		bodies[i] = mailWithPDF(fmt.Sprintf("cv-%d.pdf", i+1), pdf)
	}
	home, _ := signedMailHome(b, p, bodies)
	s := openServices(b, home)
	start := time.Now()
	if n := len(collectStates(b, s)); n != 200 {
		b.Fatalf("%d badges", n)
	}
	first := time.Since(start)
	b.ResetTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		got := collectStates(b, s)
		for _, st := range got {
			if st != docsign.Valid {
				b.Fatalf("badge %q", st)
			}
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/200-badges")
	b.ReportMetric(float64(first.Milliseconds()), "ms/first-pass")
}
