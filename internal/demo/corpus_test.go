package demo

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// needTool skips without the external program, but fails on CI, where
// `make deps` installs it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// part is one leaf of a parsed seed message.
type part struct {
	contentType string
	filename    string
	body        []byte // decoded transfer encoding and charset
}

// walk parses raw with go-message, the way the client does, and returns the
// top header and every leaf part. Any parse or decode error fails.
func walk(t *testing.T, raw []byte) (message.Header, []part) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var parts []part
	err = e.Walk(func(path []int, ent *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if ent.MultipartReader() != nil {
			return nil
		}
		ct, _, _ := ent.Header.ContentType()
		body, err := io.ReadAll(ent.Body)
		if err != nil {
			return err
		}
		ah := mail.AttachmentHeader{Header: ent.Header}
		name, err := ah.Filename()
		if err != nil {
			return err
		}
		parts = append(parts, part{contentType: ct, filename: name, body: body})
		return nil
	})
	if err != nil {
		t.Fatalf("walk: %v", err)
	}
	return e.Header, parts
}

func TestMain(m *testing.M) {
	// go-message decodes charsets through this hook; the client registers it too.
	message.CharsetReader = charset.Reader
	os.Exit(m.Run())
}

func TestMessagesParse(t *testing.T) {
	msgs := testCorpus()
	if len(msgs) < 30 {
		t.Fatalf("%d seed messages, want at least 30", len(msgs))
	}
	dec := &mime.WordDecoder{CharsetReader: charset.Reader}
	for _, m := range msgs {
		t.Run(m.Kind+"/"+m.Subject, func(t *testing.T) {
			if !bytes.Contains(m.Raw, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(m.Raw, []byte("\r\n"), nil), []byte("\n")) {
				t.Error("line ends are not all CRLF")
			}
			if !norm.NFC.IsNormalString(m.Subject) {
				t.Error("subject not NFC")
			}
			h, parts := walk(t, m.Raw)
			mh := mail.Header{Header: h}

			// Dates: within the two weeks before now, never in the future.
			if m.Date.After(testNow) || m.Date.Before(testNow.AddDate(0, 0, -15)) {
				t.Errorf("date %v outside the two weeks before %v", m.Date, testNow)
			}

			subj, err := mh.Subject()
			if err != nil {
				t.Fatalf("subject: %v", err)
			}
			switch m.Expect.Legacy {
			case "":
				if subj != m.Subject {
					t.Errorf("decoded subject %q, want %q", subj, m.Subject)
				}
			case "tcvn3":
				// Declared Latin-1, so a naive decoder shows mojibake; the bytes are TCVN3.
				raw, _ := dec.DecodeHeader(h.Get("Subject"))
				if raw == m.Subject {
					t.Error("legacy subject decodes cleanly as Latin-1")
				}
				b, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte(raw))
				if got := decodeTCVN3(b); got != m.Subject {
					t.Errorf("TCVN3 subject reads %q, want %q", got, m.Subject)
				}
			case "cp1258":
				if norm.NFC.String(subj) != m.Subject {
					t.Errorf("windows-1258 subject %q, want %q", subj, m.Subject)
				}
			}

			var attachments int
			var text string
			for _, p := range parts {
				if p.filename != "" || p.contentType == "message/rfc822" {
					attachments++
				}
				if strings.HasPrefix(p.contentType, "text/plain") && text == "" {
					text = string(p.body)
				}
				switch {
				case strings.HasSuffix(p.filename, ".docx"):
					checkDOCX(t, p.body)
				case strings.HasSuffix(p.filename, ".pdf"):
					checkPDF(t, p.body)
				}
			}
			if attachments != m.Expect.Attachments {
				t.Errorf("%d attachments, manifest says %d", attachments, m.Expect.Attachments)
			}
			if m.Expect.Legacy == "" && m.Kind != "spam" && !strings.ContainsAny(text, "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ") && !m.Expect.Bounce {
				t.Errorf("plain text has no Vietnamese letters: %.200q", text)
			}
			if text != "" && m.Expect.Legacy == "" && !norm.NFC.IsNormalString(text) {
				t.Error("text not NFC")
			}

			// The manifest's expectations match the headers.
			checks := []struct {
				name string
				got  bool
				want bool
			}{
				{"List-Id", h.Get("List-Id") != "", m.Expect.List},
				{"Auto-Submitted", h.Get("Auto-Submitted") != "" && h.Get("Auto-Submitted") != "no", m.Expect.AutoSubmitted},
				{"multipart/report", strings.HasPrefix(h.Get("Content-Type"), "multipart/report"), m.Expect.Bounce},
				{"Disposition-Notification-To", h.Get("Disposition-Notification-To") != "", m.Expect.ReadReceipt},
				{"[MẬT]", strings.HasPrefix(m.Subject, "[MẬT]"), m.Expect.Secret == "mat"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: header says %v, manifest says %v", c.name, c.got, c.want)
				}
			}
			from, err := mh.AddressList("From")
			if err != nil || len(from) != 1 {
				t.Fatalf("From: %v %v", from, err)
			}
			if foreign := strings.HasSuffix(from[0].Address, "@gmail.com"); foreign != m.Expect.ForeignMail {
				t.Errorf("From %s, ForeignMail %v", from[0].Address, m.Expect.ForeignMail)
			}
			if _, err := mh.MessageID(); err != nil || h.Get("Message-Id") == "" {
				t.Errorf("Message-ID: %v", err)
			}
		})
	}
}

func TestMessagesDeterministic(t *testing.T) {
	a, b := Messages(testNow), Messages(testNow)
	for i := range a {
		if !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("message %d (%s) differs between runs", i, a[i].Subject)
		}
	}
	later := Messages(testNow.AddDate(0, 0, 7))
	if later[0].Date.Equal(a[0].Date) {
		t.Error("corpus dates do not follow now")
	}
}

func TestCorpusCoverage(t *testing.T) {
	msgs := testCorpus()
	kinds := map[string]int{}
	accounts := map[string]map[string]int{}
	for _, m := range msgs {
		kinds[m.Kind]++
		if accounts[m.Account] == nil {
			accounts[m.Account] = map[string]int{}
		}
		accounts[m.Account][m.Mailbox]++
	}
	for _, k := range []string{"giay-moi", "lich-cong-tac", "bao-cao", "du-thao", "cong-van", "mat", "list",
		"foreign-webmail", "bounce", "auto-reply", "legacy-tcvn3", "legacy-cp1258", "newsletter", "ack",
		"read-receipt", "thread", "sent-document", "ke-hoach", "chi-thi", "phieu-khao-sat"} {
		if kinds[k] == 0 {
			t.Errorf("no seed message of kind %q", k)
		}
	}
	if kinds["thread"] < 3 {
		t.Errorf("thread has %d replies, want 3", kinds["thread"])
	}
	for _, a := range DefaultAccounts() {
		if accounts[a.Name]["INBOX"] == 0 || accounts[a.Name]["Sent"] == 0 {
			t.Errorf("%s: mailboxes %v, want INBOX and Sent seeded", a.Name, accounts[a.Name])
		}
	}
	// Other provinces and the ministry write to the agency (R11).
	var all []byte
	for _, m := range msgs {
		all = append(all, m.Raw...)
	}
	for _, d := range []string{"@longan.gov.vn", "@soctrang.gov.vn", "@molisa.gov.vn", "@binhduong.gov.vn"} {
		if !bytes.Contains(all, []byte(d)) {
			t.Errorf("no mail from %s", d)
		}
	}
}

// TestThreadAndAcks checks the references that tie replies and
// acknowledgements (R2, LA 6.2) to the sent documents.
func TestThreadAndAcks(t *testing.T) {
	ids := map[string]SeedMessage{}
	msgs := testCorpus()
	for _, m := range msgs {
		h, _ := walk(t, m.Raw)
		ids[h.Get("Message-Id")] = m
	}
	for _, m := range msgs {
		h, _ := walk(t, m.Raw)
		irt := h.Get("In-Reply-To")
		if irt == "" {
			continue
		}
		parent, ok := ids[irt]
		if !ok {
			t.Errorf("%q replies to unknown %s", m.Subject, irt)
			continue
		}
		if !parent.Date.Before(m.Date) {
			t.Errorf("%q (%v) is not after its parent %q (%v)", m.Subject, m.Date, parent.Subject, parent.Date)
		}
		if m.Kind == "ack" && parent.Expect.Document == false && parent.Kind != "chuyen-xu-ly" {
			t.Errorf("ack %q answers a non-document %q", m.Subject, parent.Subject)
		}
	}
}

func checkDOCX(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("docx zip: %v", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		f := files[name]
		if f == nil {
			t.Fatalf("docx lacks %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("docx %s not well-formed: %v", name, err)
				}
				break
			}
		}
		if name == "word/document.xml" && !bytes.Contains(data, []byte("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")) {
			t.Error("document.xml lacks the national motto")
		}
	}
}

func checkPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[max(0, len(b)-64):], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q ... %.20q", b, b[max(0, len(b)-20):])
	}
}

// TestAttachmentsOpen runs the real tools on one DOCX and every PDF.
func TestAttachmentsOpen(t *testing.T) {
	dir := t.TempDir()
	var pdfs, docxs []string
	for i, m := range testCorpus() {
		_, parts := walk(t, m.Raw)
		for j, p := range parts {
			ext := filepath.Ext(p.filename)
			if ext != ".pdf" && ext != ".docx" {
				continue
			}
			name := filepath.Join(dir, fmt.Sprintf("%02d-%d%s", i, j, ext))
			if err := os.WriteFile(name, p.body, 0o600); err != nil {
				t.Fatal(err)
			}
			if ext == ".pdf" {
				pdfs = append(pdfs, name)
			} else {
				docxs = append(docxs, name)
			}
		}
	}
	if len(pdfs) == 0 || len(docxs) == 0 {
		t.Fatalf("corpus has %d PDFs and %d DOCX files", len(pdfs), len(docxs))
	}

	t.Run("pdftotext", func(t *testing.T) {
		tool := needTool(t, "pdftotext")
		for _, p := range pdfs {
			out, err := exec.Command(tool, p, "-").Output()
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if !strings.Contains(string(out), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") {
				t.Errorf("%s: text lacks the national motto with diacritics:\n%.300s", p, out)
			}
		}
	})

	t.Run("libreoffice", func(t *testing.T) {
		if testing.Short() {
			t.Skip("LibreOffice takes seconds")
		}
		tool := needTool(t, "soffice")
		outDir := t.TempDir()
		profile := "file://" + t.TempDir()
		cmd := exec.Command(tool, "-env:UserInstallation="+profile, "--headless", "--convert-to", "txt:Text", "--outdir", outDir, docxs[0])
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		txt, err := os.ReadFile(filepath.Join(outDir, strings.TrimSuffix(filepath.Base(docxs[0]), ".docx")+".txt"))
		if err != nil {
			t.Fatalf("LibreOffice produced no text: %v", err)
		}
		if !strings.Contains(string(txt), "Độc lập - Tự do - Hạnh phúc") {
			t.Errorf("converted text lacks Vietnamese heading:\n%.400s", txt)
		}
	})
}

// decodeTCVN3 inverts the tcvn3 table (lower-case letters and the seven
// upper-case base letters).
func decodeTCVN3(b []byte) string {
	rev := map[byte]rune{}
	for r, c := range tcvn3 {
		rev[c] = r
	}
	var sb strings.Builder
	for _, c := range b {
		if r, ok := rev[c]; ok {
			sb.WriteRune(r)
		} else {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

func TestTCVN3MatchesIconv(t *testing.T) {
	tool := needTool(t, "iconv")
	const lower = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂÊÔƠƯĐ tiếng Việt"
	cmd := exec.Command(tool, "-f", "UTF-8", "-t", "TCVN5712-1")
	cmd.Stdin = strings.NewReader(lower)
	want, err := cmd.Output()
	if err != nil {
		t.Skipf("iconv lacks TCVN5712-1: %v", err)
	}
	if got := encodeTCVN3(lower); !bytes.Equal(got, want) {
		t.Errorf("encodeTCVN3:\n got %x\nwant %x", got, want)
	}
}

func TestCP1258RoundTrip(t *testing.T) {
	for _, s := range []string{"Phạm Thị Thu Thủy", "Trao đổi về mẫu báo cáo", "Đề nghị hướng dẫn"} {
		b := encodeCP1258(s)
		if bytes.ContainsRune(b, '?') {
			t.Errorf("%q: unencodable characters: %x", s, b)
		}
		d, err := charmap.Windows1258.NewDecoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		if got := norm.NFC.String(string(d)); got != s {
			t.Errorf("round trip %q → %q", s, got)
		}
	}
}

func TestWorkday(t *testing.T) {
	mon := time.Date(2025, 7, 14, 9, 0, 0, 0, ict)
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "2025-07-14"}, {1, "2025-07-11"}, {5, "2025-07-07"}, {10, "2025-06-30"}} {
		if got := workday(mon, tc.n).Format(time.DateOnly); got != tc.want {
			t.Errorf("workday(Mon, %d) = %s, want %s", tc.n, got, tc.want)
		}
	}
	// A time later today moves into the past.
	if got := atTime(mon, 0, 15, 0); !got.Before(mon) {
		t.Errorf("atTime in the future: %v", got)
	}
}
