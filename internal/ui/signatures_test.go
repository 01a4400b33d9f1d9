//go:build !windows

package ui

import (
	"crypto/x509"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
	"thucongvu/internal/model"
)

// sigServices serves given attachment bytes and verifies against one root.
type sigServices struct {
	*MemServices
	files [][]byte
	trust *docsign.TrustStore
}

func (s *sigServices) Attachment(id int64, index int) ([]byte, error) { return s.files[index], nil }
func (s *sigServices) VerifyPDF(b []byte) docsign.Report {
	return docsign.Verify(b, s.trust, docsign.Options{})
}

func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *widget.Label:
		out = append(out, v.Text)
	case *widget.Button:
		out = append(out, "["+v.Text+"]")
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, labelsIn(c)...)
		}
	}
	return out
}

// R4: the reader shows who signed each PDF and whether it is intact; a PDF
// changed after signing offers the signed version; hostile PDFs (garbage,
// truncated) show a state and never stop the reader. The list gets a badge.
func TestR4ReaderShowsSignatures(t *testing.T) {
	p := docsigntest.NewPKI(t)
	signed := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "Công văn", 0), p.Signer,
		docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	files := [][]byte{signed, docsigntest.AppendRedBox(t, signed), []byte("%PDF-1.7 rác"), signed[:len(signed)/2]}
	mem := NewMemServices()
	svc := &sigServices{MemServices: mem, files: files, trust: docsign.NewTrustStore(p.Root.Cert)}
	u, _ := newTestUI(t, svc)
	u.reader.show(&ReaderMessage{Summary: model.MessageSummary{ID: 4242, Subject: "Công văn ký số"}, Text: "Xem tệp.",
		Attachments: []Attachment{{Filename: "ky.pdf"}, {Filename: "sua.pdf"}, {Filename: "rac.pdf"}, {Filename: "cut.pdf"}}})
	u.bg.Wait()
	var rows [][]string
	for _, r := range u.reader.attachments.Objects {
		rows = append(rows, labelsIn(r))
	}
	text := func(i int) string { return strings.Join(rows[i], " | ") }
	if !strings.Contains(text(0), "Nguyễn Văn A · Sở TT&TT tỉnh Long An") || !strings.Contains(text(0), "+07:00") {
		t.Fatalf("valid row: %s", text(0))
	}
	if !strings.Contains(text(1), "["+lang.L("docsign.open_signed")+"]") || !strings.Contains(text(1), lang.L("docsign.state.modified_after_signing")) {
		t.Fatalf("changed row has no 'open the signed version': %s", text(1))
	}
	broken := lang.L("docsign.state.broken")
	if len(rows) != 4 || !strings.Contains(text(2), broken) || !strings.Contains(text(3), broken) {
		t.Fatalf("hostile rows: %q", rows)
	}
	if signatureBadge(4242, nil) == nil {
		t.Fatal("no badge for the message")
	}
}

// fakeSigner records what compose asked to sign.
type fakeSigner struct {
	*MemServices
	path, as, pin string
	req           SignRequest
	defaults      SignDefaults
	errs          []error // returned by the next calls, in order
}

func (f *fakeSigner) SignPDF(path string, r SignRequest) (string, error) {
	f.path, f.as, f.pin, f.req = path, r.As, r.PIN, r
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return "", err
	}
	return path + ".signed.pdf", nil
}

func (f *fakeSigner) SignDefaults(string) SignDefaults { return f.defaults }

// buttonIn finds the button labelled text anywhere under o, or nil.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := buttonIn(c, text); b != nil {
				return b
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(v)
		for _, c := range r.Objects() {
			if b := buttonIn(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func findEntry(o fyne.CanvasObject) *widget.Entry {
	switch v := o.(type) {
	case *widget.Entry:
		if v.Password {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if e := findEntry(c); e != nil {
				return e
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if e := findEntry(c); e != nil {
				return e
			}
		}
	}
	return nil
}

// R4: "Ký số" on a PDF attachment in compose asks the PIN and replaces the
// attachment by the signed copy; other files get no such button.
func TestR4ComposeSignsPDFAttachment(t *testing.T) {
	svc := &fakeSigner{MemServices: NewMemServices()}
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{Subject: "Công văn", Attachments: []string{"/tmp/cv.pdf", "/tmp/bao-cao.docx"}})
	c := u.compose
	rows := c.attachBox.Objects
	if buttonIn(rows[0], lang.L("compose.sign")) == nil || buttonIn(rows[1], lang.L("compose.sign")) != nil {
		t.Fatal("Ký số should be offered for the PDF only")
	}
	test.Tap(buttonIn(rows[0], lang.L("compose.sign")))
	top := c.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no PIN dialog")
	}
	test.Type(findEntry(top), "246810")
	test.Tap(buttonIn(top, lang.L("compose.sign")))
	u.bg.Wait()
	if svc.path != "/tmp/cv.pdf" || svc.pin != "246810" || svc.as != docsign.AsSigner {
		t.Fatalf("signed %q as %q with PIN %q", svc.path, svc.as, svc.pin)
	}
	if c.attachments[0] != "/tmp/cv.pdf.signed.pdf" {
		t.Fatalf("attachments %q", c.attachments)
	}
}
