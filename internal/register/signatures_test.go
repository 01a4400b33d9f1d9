//go:build !windows

package register

import (
	"context"
	"crypto/x509"
	"os"
	"testing"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// R4, LA 8.3: a registered document lists its attached PDFs' digital
// signatures — signer and agency from the verified certificate, the state —
// against the user's trusted roots; a copy changed after signing says so.
func TestR4RegisterListsSignaturesOfAttachedPDFs(t *testing.T) {
	w := startWorld(t)
	a := w.account(t)
	home := t.TempDir()
	ctx := context.Background()
	p := docsigntest.NewPKI(t)
	if err := os.MkdirAll(docsign.UserRootsDir(home), 0o700); err != nil {
		t.Fatal(err)
	}
	docsigntest.WriteFile(t, docsign.UserRootsDir(home), "root.pem", docsigntest.PEM(p.Root.Cert))
	signed := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "Công văn số 2157/STTTT-VP", 0), p.Signer,
		docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}, Name: "Giả mạo"})
	changed := append(append([]byte(nil), signed...), []byte("\n1 0 obj<</Type/Annot>>endobj\n%%EOF\n")...)

	w.submit(t, laSender, laPass, []string{agency}, document("cv2157", "Công văn số 2157/STTTT-VP V/v chữ ký số", "Kính gửi.",
		map[string][]byte{"2157-STTTT-VP.pdf": signed}))
	w.submit(t, laSender, laPass, []string{agency}, document("cv2158", "Công văn số 2158/STTTT-VP V/v chữ ký số", "Kính gửi.",
		map[string][]byte{"2158-STTTT-VP.pdf": changed, "ghichu.txt": []byte("không phải PDF")}))
	w.d.WaitMessages(t, agency, "INBOX", 2)

	e := openEngine(t, home, a)
	if _, err := e.SyncOnce(ctx, []model.Account{a}, true); err != nil {
		t.Fatal(err)
	}
	reg := New(e)
	if err := reg.Refresh(ctx, []model.Account{a}); err != nil {
		t.Fatal(err)
	}
	list, err := reg.List(ctx, Filter{Account: a.Name})
	if err != nil {
		t.Fatal(err)
	}
	in := byNumber(list, store.DirectionIn)
	if len(in) != 2 {
		t.Fatalf("%d entries: %+v", len(in), list)
	}
	for n, want := range map[int]struct {
		file  string
		state docsign.State
	}{1: {"2157-STTTT-VP.pdf", docsign.Valid}, 2: {"2158-STTTT-VP.pdf", docsign.ModifiedAfterSigning}} {
		sigs := in[n].Signatures
		if len(sigs) != 1 {
			t.Fatalf("số đến %d: signatures %+v", n, sigs)
		}
		s := sigs[0]
		if s.File != want.file || s.State != want.state || s.Signer != "Nguyễn Văn A" || s.Organization != "Sở TT&TT tỉnh Long An" ||
			s.Email != "nva@longan.gov.vn" || s.SignedAt.IsZero() {
			t.Errorf("số đến %d: %+v, want %s %s signed by Nguyễn Văn A (never the PDF's /Name)", n, s, want.file, want.state)
		}
	}

	// One cache: the reports are kept in the mail store, where another
	// register (another process, or the list's badge pass) finds them
	// without verifying the PDFs again.
	if n := reg.verified.Verified(); n != 2 {
		t.Fatalf("the register verified %d PDFs, want 2", n)
	}
	again := New(e)
	sigs := again.signatures([]File{{Name: "2157-STTTT-VP.pdf", Data: signed}, {Name: "2158-STTTT-VP.pdf", Data: changed}})
	if len(sigs) != 2 || sigs[0].State != docsign.Valid || sigs[1].State != docsign.ModifiedAfterSigning || again.verified.Verified() != 0 {
		t.Fatalf("from the store: %+v, verified %d", sigs, again.verified.Verified())
	}
}
