package mail

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"thucongvu/internal/vntext"
)

// ErrUnreadable means the input is not a mail message at all: no header
// field could be read. Every lesser fault is repaired and listed in
// Message.Warnings instead.
var ErrUnreadable = errors.New("not a readable mail message")

// ErrDecoderFailed means the decoder itself failed on the message (a
// panic, recovered): the message is isolated, the process goes on.
var ErrDecoderFailed = errors.New("the mail decoder failed on this message")

// Bounds on the work one message may cost, whatever it holds.
const (
	maxTextBytes   = 8 << 20  // text kept in memory, all body parts together; more is cut
	maxZipInspect  = 20 << 20 // zip attachments up to this size are opened (R5, HN 8.1.b: 20 MB)
	maxZipNames    = 1000     // file names listed from one zip
	maxDepth       = 20       // nested multiparts, as other MIME libraries bound them
	maxParts       = 1000     // MIME parts read; the rest of the message is skipped
	maxCaptureBody = 16 << 20 // kept to recover a multipart whose boundary is wrong
	maxRecoverScan = 64 << 20 // bytes re-read to guess boundaries, all guesses together
	maxGuesses     = 8        // candidate boundaries tried for one broken multipart
	maxWarnings    = 50       // warnings kept, each cut to maxWarningLen bytes
	maxWarningLen  = 300
	maxSecretScan  = 1 << 20 // body read for a secret marking (stamps sit near the top)
)

// Parse decodes and classifies one message held in memory.
func Parse(raw []byte) (*Message, error) {
	return ParseReader(bytes.NewReader(raw))
}

// ParseReader decodes and classifies one message read from r. Attachment
// bodies are streamed and counted, never held, so a 50 MB message costs
// little more memory than its text. Nesting, part count, text size and
// boundary guessing are bounded: hostile mail yields a partial message
// with warnings, or ErrDecoderFailed, never a crash.
func ParseReader(r io.Reader) (m *Message, err error) {
	return parse(r, nil)
}

// AttachmentData returns the decoded bytes of the index-th attachment of
// raw, numbered as Parse lists them in Message.Attachments, under the same
// bounds as Parse.
func AttachmentData(raw []byte, index int) ([]byte, error) {
	if index < 0 {
		return nil, fmt.Errorf("no attachment %d", index)
	}
	var got []byte
	found := false
	m, err := parse(bytes.NewReader(raw), func(i int, dec io.Reader) io.Reader {
		if i != index {
			return dec
		}
		found = true
		var buf bytes.Buffer
		return io.TeeReader(dec, &captured{&buf, &got})
	})
	if err != nil {
		return nil, err
	}
	if !found || index >= len(m.Attachments) {
		return nil, fmt.Errorf("no attachment %d", index)
	}
	return got, nil
}

// captured keeps what an attachment's decoder yields.
type captured struct {
	buf *bytes.Buffer
	out *[]byte
}

func (c *captured) Write(p []byte) (int, error) {
	n, err := c.buf.Write(p)
	*c.out = c.buf.Bytes()
	return n, err
}

// parse is ParseReader; tap, when set, sees each attachment's decoded body
// by its index before it is counted.
func parse(r io.Reader, tap func(index int, dec io.Reader) io.Reader) (m *Message, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%w: %v", ErrDecoderFailed, p)
		}
	}()
	br := bufio.NewReaderSize(r, 64<<10)
	h, dropped, err := readHeaderLenient(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	m = &Message{To: []Address{}, Attachments: []Attachment{}}
	w := &walker{m: m, tap: tap}
	if dropped > 0 {
		w.warnf("header: %d malformed line(s) skipped", dropped)
	}
	w.header(h)
	w.entity(h, br, 0)
	w.finish(h)
	return m, nil
}

// walker carries the state of one parse through the MIME tree.
type walker struct {
	m             *Message
	plains, htmls []string
	legacy        string
	sawReport     bool
	parts         int // entities seen
	textBytes     int // body text read, all parts together
	recoverScan   int // bytes re-read by boundary guessing
	tap           func(index int, dec io.Reader) io.Reader
}

func (w *walker) warnf(format string, args ...any) {
	if len(w.m.Warnings) >= maxWarnings {
		return
	}
	s := fmt.Sprintf(format, args...)
	if len(s) > maxWarningLen {
		s = strings.ToValidUTF8(s[:maxWarningLen], "") + "…"
	}
	s = vntext.NFC(s)
	if !slices.Contains(w.m.Warnings, s) {
		w.m.Warnings = append(w.m.Warnings, s)
	}
}

func (w *walker) header(h textproto.Header) {
	m := w.m
	for _, k := range []string{"Subject", "From", "To", "Cc"} {
		if _, raw8 := rawHeaderText(h.Get(k)); raw8 {
			w.warnf("%s: raw 8-bit text that is not UTF-8, read as Windows-1258", k)
		}
	}
	subj, err := decodeHeaderText(h.Get("Subject"))
	if err != nil {
		w.warnf("subject: %v", err)
	}
	subj = strings.Join(strings.Fields(subj), " ")
	if s, enc := DecodeLegacy(subj); enc != "" {
		subj, w.legacy = s, enc
	}
	m.Subject = vntext.NFC(subj)
	for _, f := range []struct {
		key string
		dst *[]Address
	}{{"To", &m.To}, {"Cc", &m.Cc}} {
		list, repaired := parseAddresses(strings.Join(h.Values(f.key), ", "))
		if repaired {
			w.warnf("%s: malformed address list repaired", f.key)
		}
		*f.dst = append(*f.dst, list...)
	}
	if from, repaired := parseAddresses(h.Get("From")); len(from) > 0 {
		m.From = from[0]
		if repaired {
			w.warnf("From: malformed address repaired")
		}
	} else if h.Get("From") != "" {
		w.warnf("From: no address found")
	}
	date, ok := parseDate(h.Get("Date"))
	if !ok {
		w.warnf("Date: unreadable %q", h.Get("Date"))
	}
	m.Date = date
	m.MessageID = msgID(h.Get("Message-Id"))
	m.InReplyTo = msgID(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	if h.Has("Return-Path") {
		rp := strings.TrimSpace(h.Get("Return-Path"))
		if id := msgID(rp); id != "" {
			rp = "<" + id + ">"
		} else {
			rp = "<>"
		}
		m.ReturnPath = rp
	}
}

// entity handles one MIME entity and, for multiparts, its children.
func (w *walker) entity(h textproto.Header, body io.Reader, depth int) {
	w.parts++
	ct, params, repaired := mediaType(h.Get("Content-Type"))
	if repaired {
		w.warnf("Content-Type %q: malformed parameters repaired", ct)
	}
	if ct == "" || !strings.Contains(ct, "/") {
		ct = "text/plain"
	}
	disp, dparams, _ := mediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(ct, "multipart/") {
		if ct == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
			w.sawReport = true
		}
		if depth >= maxDepth {
			w.warnf("multipart nested deeper than %d levels: rest counted as one attachment", maxDepth)
			w.attachment(h, ct, "", body)
			return
		}
		w.multipart(body, params["boundary"], depth, false)
		return
	}
	if ct == "message/delivery-status" || ct == "message/global-delivery-status" {
		w.sawReport = true
	}
	filename := partFilename(h, dparams, params)
	isBody := (ct == "text/plain" || ct == "text/html") && disp != "attachment" && filename == ""
	if !isBody {
		w.attachment(h, ct, filename, body)
		return
	}
	room := maxTextBytes - w.textBytes
	raw, err := io.ReadAll(io.LimitReader(body, int64(room)+1))
	if err != nil {
		w.warnf("%s part: %v; kept what was readable", ct, brief(err))
	}
	if len(raw) > room {
		raw = cutClean(raw[:room])
		w.warnf("text longer than %d MB: cut", maxTextBytes>>20)
		_, _ = io.Copy(io.Discard, body)
	}
	w.textBytes += len(raw)
	data := w.transferDecode(h.Get("Content-Transfer-Encoding"), raw)
	text, legacy := w.decodeText(data, params["charset"])
	if w.legacy == "" || (w.legacy == LegacyCP1258 && legacy != "") {
		if legacy != "" {
			w.legacy = legacy
		}
	}
	if ct == "text/html" {
		w.htmls = append(w.htmls, text)
	} else {
		w.plains = append(w.plains, text)
	}
}

// transferDecode undoes base64 or quoted-printable on a text body, keeping
// what can be read when the encoding is broken.
func (w *walker) transferDecode(cte string, raw []byte) []byte {
	cte = strings.ToLower(strings.TrimSpace(cte))
	switch cte {
	case "base64":
		out, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, base64Filter{bytes.NewReader(raw)}))
		if err != nil {
			w.warnf("broken base64 text: %d bytes recovered", len(out))
		}
		return out
	case "quoted-printable":
		out, repaired := decodeQPLenient(raw)
		if repaired {
			w.warnf("broken quoted-printable text repaired")
		}
		return out
	case "", "7bit", "8bit", "binary":
		return raw
	default:
		w.warnf("unknown Content-Transfer-Encoding %q: read as is", cte)
		return raw
	}
}

// decodeText turns a text body into Unicode NFC and names the legacy
// encoding it was found in.
func (w *walker) decodeText(b []byte, label string) (string, string) {
	e := lookupCharset(label)
	var s string
	viaCP1258 := false
	westernBytes := false // bytes may be a legacy font read as Western 8-bit
	switch {
	case label == "" || strings.EqualFold(label, "us-ascii"):
		if utf8.Valid(b) {
			s = string(b)
		} else {
			w.warnf("8-bit text without charset: read as Windows-1258")
			s, viaCP1258 = fallbackDecode(b)
			westernBytes = true
		}
	case e == nil:
		w.warnf("unknown charset %q: best effort", label)
		s, viaCP1258 = fallbackDecode(b)
		westernBytes = viaCP1258
	case isUTF8(label, e):
		if utf8.Valid(b) {
			s = string(b)
		} else {
			w.warnf("invalid UTF-8 in text declared %q: read as Windows-1258", label)
			s, viaCP1258 = fallbackDecode(b)
			westernBytes = true
		}
	default:
		s = decodeWith(e, b)
		viaCP1258 = isCP1258(e) && hasHighBytes(b)
		westernBytes = singleByteWestern(e)
	}
	if westernBytes && hasHighBytes(b) {
		// R5: text typed in a TCVN3 or VNI font travels as Western 8-bit.
		alt := decodeWith(charmap.Windows1252, b)
		if enc := DetectLegacy(alt); enc == LegacyTCVN3 || enc == LegacyVNI {
			return ConvertLegacy(alt, enc), enc
		}
	}
	t, enc := DecodeLegacy(s) // NFC, converted or not
	if enc == "" && viaCP1258 {
		enc = LegacyCP1258
	}
	return t, enc
}

func singleByteWestern(e encoding.Encoding) bool {
	switch e {
	case charmap.Windows1252, charmap.ISO8859_1, charmap.ISO8859_15, charmap.Windows1258:
		return true
	}
	return false
}

// multipart walks the parts of a multipart body. A wrong or missing
// boundary is guessed from the body, once per level (guessed is true on
// the retry); failing that the body is read as text.
func (w *walker) multipart(body io.Reader, boundary string, depth int, guessed bool) {
	capture := &captureBuffer{max: maxCaptureBody, stopped: guessed}
	mr := textproto.NewMultipartReader(io.TeeReader(body, capture), boundary)
	parts := 0
	for {
		if w.parts >= maxParts {
			w.warnf("more than %d MIME parts: the rest is not read", maxParts)
			return
		}
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if parts == 0 && !guessed {
				w.recoverMultipart(capture, body, boundary, depth)
				return
			}
			w.warnf("multipart: closing boundary missing")
			break
		}
		parts++
		capture.stop()
		w.entity(p.Header, p, depth+1)
	}
}

func (w *walker) recoverMultipart(capture *captureBuffer, body io.Reader, boundary string, depth int) {
	rest, _ := io.ReadAll(io.LimitReader(body, maxCaptureBody))
	data := append(capture.buf.Bytes(), rest...)
	capture.stop()
	if capture.truncated {
		w.warnf("multipart: boundary not found; body beyond %d MB lost", maxCaptureBody>>20)
	}
	if guess := w.guessBoundary(data, boundary); guess != "" {
		w.warnf("multipart: boundary %q not found, used %q", boundary, guess)
		w.multipart(bytes.NewReader(data), guess, depth, true)
		return
	}
	w.warnf("multipart: boundary %q not found; body read as plain text", boundary)
	var h textproto.Header
	h.Set("Content-Type", "text/plain")
	w.entity(h, bytes.NewReader(data), maxDepth)
}

// guessBoundary returns the first boundary-like line of data, other than
// boundary, that occurs at least twice and opens a readable part; "" when
// none does or the message's budget for guessing is spent.
func (w *walker) guessBoundary(data []byte, boundary string) string {
	if w.recoverScan+len(data) > maxRecoverScan {
		return ""
	}
	var order []string
	counts := map[string]int{}
	for rest := data; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if g := boundaryToken(line); g != "" {
			if counts[g]++; counts[g] == 1 && g != boundary {
				order = append(order, g)
			}
		}
	}
	w.recoverScan += len(data)
	tried := 0
	for _, g := range order {
		if counts[g] < 2 {
			continue
		}
		if tried++; tried > maxGuesses || w.recoverScan+len(data) > maxRecoverScan {
			return ""
		}
		w.recoverScan += len(data)
		if _, err := textproto.NewMultipartReader(bytes.NewReader(data), g).NextPart(); err == nil {
			return g
		}
	}
	return ""
}

// boundaryToken returns the boundary of a line "--token" or "--token--"
// (1 to 200 characters, no white space), or "".
func boundaryToken(line []byte) string {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if !bytes.HasPrefix(line, []byte("--")) {
		return ""
	}
	tok := line[2:]
	if len(tok) > 2 && bytes.HasSuffix(tok, []byte("--")) {
		tok = tok[:len(tok)-2]
	}
	if len(tok) == 0 || utf8.RuneCount(tok) > 200 || bytes.ContainsAny(tok, " \t\r\n\f\v") {
		return ""
	}
	return string(tok)
}

// attachment counts a non-body part without keeping it, except a zip small
// enough to list its files.
func (w *walker) attachment(h textproto.Header, ct, filename string, body io.Reader) {
	dec, known := transferDecoder(h.Get("Content-Transfer-Encoding"), body)
	if !known {
		w.warnf("unknown Content-Transfer-Encoding %q: read as is", h.Get("Content-Transfer-Encoding"))
	}
	a := Attachment{Filename: filename, ContentType: ct}
	if w.tap != nil {
		dec = w.tap(len(w.m.Attachments), dec)
	}
	var err error
	if isZip(ct, filename) {
		var buf bytes.Buffer
		var n int64
		n, err = io.Copy(&buf, io.LimitReader(dec, maxZipInspect+1))
		a.Size = n
		if n <= maxZipInspect && err == nil {
			if zr, zerr := zip.NewReader(bytes.NewReader(buf.Bytes()), n); zerr == nil {
				for _, f := range zr.File {
					if len(a.Contains) == maxZipNames {
						w.warnf("attachment %q: more than %d files, the rest not listed", filename, maxZipNames)
						break
					}
					a.Contains = append(a.Contains, zipName(f))
				}
			} else {
				w.warnf("attachment %q: not a readable zip", filename)
			}
		}
		buf = bytes.Buffer{}
		if err == nil {
			n, err = io.Copy(io.Discard, dec)
			a.Size += n
		}
	} else {
		a.Size, err = io.Copy(io.Discard, dec)
	}
	if err != nil {
		w.warnf("attachment %q: %v; %d bytes recovered", filename, brief(err), a.Size)
		_, _ = io.Copy(io.Discard, body)
	}
	w.m.Attachments = append(w.m.Attachments, a)
}

func isZip(ct, filename string) bool {
	return strings.Contains(ct, "zip") || strings.HasSuffix(strings.ToLower(filename), ".zip")
}

// zipName decodes a zip entry name: UTF-8 when flagged or valid, else the
// Vietnamese Windows code page that old archivers used.
func zipName(f *zip.File) string {
	if f.NonUTF8 && !utf8.ValidString(f.Name) {
		s, _ := fallbackDecode([]byte(f.Name))
		return vntext.NFC(s)
	}
	return vntext.NFC(strings.ToValidUTF8(f.Name, "\uFFFD"))
}

// brief names a read error for a warning.
func brief(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// finish assembles the body text and classifies the message.
func (w *walker) finish(h textproto.Header) {
	m := w.m
	// The parts are NFC already (decodeText), and so is their join.
	m.Text = strings.ReplaceAll(strings.TrimRight(strings.Join(w.plains, "\n\n"), "\r\n "), "\r\n", "\n")
	m.HTML = strings.Join(w.htmls, "\n")
	if m.Text == "" && m.HTML != "" {
		// The text of an HTML-only mail serves search and the rule checks,
		// which read the head of a body (maxSecretScan): a newsletter of
		// many megabytes is not rendered as text whole.
		m.Text = vntext.NFC(strings.ReplaceAll(htmlToText(head(m.HTML, maxSecretScan)), "\r\n", "\n"))
	}
	m.LegacyEncoding = w.legacy
	m.AutoSubmitted = AutoSubmitted(h)
	m.List = MailingList(h)
	m.Bounce = Bounce(h) || w.sawReport
	m.Secret = Strongest(SecretMarking(m.Subject), SecretMarking(head(m.Text, maxSecretScan)))
	for _, a := range m.Attachments {
		m.Secret = Strongest(m.Secret, SecretInFilename(a.Filename))
		for _, inner := range a.Contains {
			m.Secret = Strongest(m.Secret, SecretInFilename(inner))
		}
	}
	m.Document = IsDocument(m, nil)
}

// cutClean ends a body cut at the text bound at its last line end, or
// else before a broken UTF-8 sequence, so that the kept text still
// decodes as declared.
func cutClean(b []byte) []byte {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 && len(b)-i <= 64<<10 {
		return b[:i+1]
	}
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// head is the first n bytes of s, cut at a line end when it has one.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], '\n'); i > 0 {
		return s[:i]
	}
	return strings.ToValidUTF8(s[:n], "")
}

// captureBuffer keeps the first bytes of a multipart body until its first
// part is found, so a wrong boundary can be recovered.
type captureBuffer struct {
	buf       bytes.Buffer
	max       int
	stopped   bool
	truncated bool
}

func (c *captureBuffer) Write(p []byte) (int, error) {
	if c.stopped {
		return len(p), nil
	}
	if room := c.max - c.buf.Len(); len(p) > room {
		c.buf.Write(p[:room])
		c.truncated = true
		return len(p), nil
	}
	return c.buf.Write(p)
}

func (c *captureBuffer) stop() {
	c.stopped = true
	c.buf = bytes.Buffer{}
}
