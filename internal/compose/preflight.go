package compose

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/vntext"
)

// Severity of a finding.
const (
	SeverityBlock = "block"
	SeverityWarn  = "warn"
)

// Finding is one thing preflight found, traced to its rule.
type Finding struct {
	Rule     string `json:"rule"`     // "R3", "R4", "R5", "R7"
	Source   string `json:"source"`   // the article, e.g. "LA 7.4"
	Severity string `json:"severity"` // block | warn
	Code     string `json:"code"`     // stable identifier, e.g. "secret.marked"
	Message  string `json:"message"`  // in the user's language, with how to fix it
	// Target names what the finding is about: a field, a file, an address.
	Target string `json:"target,omitempty"`
	// Fix names the one-click fix the UI offers: "convert-pdf",
	// "complete-signature", "remove-recipient", "remove-attachment".
	Fix  string `json:"fix,omitempty"`
	args []any
}

// Report is the outcome of preflight.
type Report struct {
	OK       bool      `json:"ok"`
	Blocked  bool      `json:"blocked"`
	Findings []Finding `json:"findings"`
}

// Input is what preflight looks at.
type Input struct {
	Raw       []byte // the outgoing message as it will be sent
	Profile   profile.Profile
	Signature model.Signature
	// SignatureAdded: the client will add the signature itself (send), so
	// only its completeness matters, not its presence in Raw.
	SignatureAdded bool
	Lang           string // "vi" (default) or "en"
	// Envelope are the SMTP recipients when they are known: Bcc lives
	// there only, never in Raw.
	Envelope []string
}

// MaxSubjectRunes is where a subject stops being "short" (R3, LA 14.7).
const MaxSubjectRunes = 150

// Check runs every rule on in.Raw.
func Check(in Input) (Report, error) {
	m, err := mail.Parse(in.Raw)
	if err != nil {
		return Report{}, fmt.Errorf("read the mail to check: %w", err)
	}
	p := in.Profile
	var fs []Finding
	add := func(f Finding) { fs = append(fs, f) }

	// R3, LA 14.7: a subject, short and orderly.
	subject := strings.TrimSpace(m.Subject)
	if subject == "" && p.SubjectRequired.Value {
		add(Finding{Rule: "R3", Severity: SeverityBlock, Code: "subject.missing", Source: p.SubjectRequired.Source})
	} else if n := utf8.RuneCountInString(subject); n > MaxSubjectRunes {
		add(Finding{Rule: "R3", Severity: SeverityWarn, Code: "subject.long", Source: "LA 14.7", args: []any{n, MaxSubjectRunes}})
	}

	// R3, LA 14.7 and LA 8.4: the signature's mandatory fields.
	for _, fp := range CheckSignature(in.Signature, p) {
		sev := SeverityBlock
		if fp.Problem == "invalid" {
			sev = SeverityWarn
		}
		add(Finding{Rule: "R3", Severity: sev, Code: "signature." + fp.Problem, Source: p.SignatureFields.Source, Target: fp.Field, Fix: "complete-signature"})
	}

	// R4, LA 8.3: issued documents travel as PDF.
	if p.PDF.Value != profile.Off {
		for _, a := range m.Attachments {
			if convertible(a.Filename) {
				add(Finding{Rule: "R4", Severity: string(levelOr(p.PDF.Value, profile.Warn)), Code: "pdf.convert", Source: p.PDF.Source, Target: a.Filename, Fix: "convert-pdf"})
			}
		}
	}

	// R5, HN 8.1.b: attachments within the limit, counted after base64.
	if limit := p.MaxAttachmentBytes.Value; limit > 0 {
		var encoded int64
		for _, a := range m.Attachments {
			encoded += base64Size(a.Size)
		}
		if encoded > limit {
			add(Finding{Rule: "R5", Severity: SeverityBlock, Code: "size.limit", Source: p.MaxAttachmentBytes.Source, args: []any{mb(encoded), mb(limit)}})
		}
	}

	// R7, ST 7.5, BD 11: no official business through foreign webmail.
	for _, addr := range recipients(m, in) {
		domain := addr[strings.LastIndex(addr, "@")+1:]
		if foreign, lvl := p.IsForeignWebmail(domain); foreign && lvl != profile.Off {
			add(Finding{Rule: "R7", Severity: string(levelOr(lvl, profile.Warn)), Code: "webmail.recipient", Source: p.ForeignWebmail.Level.Source, Target: addr, Fix: "remove-recipient"})
		}
	}

	// R7, LA 7.4, HN 3.3, ST 7.6: secret documents never go by mail.
	if p.Secret.Value != profile.Off {
		marked := func(target, level string) {
			if level != "" {
				add(Finding{Rule: "R7", Severity: SeverityBlock, Code: "secret.marked", Source: p.Secret.Source, Target: target, args: []any{secretLabel(level)}})
			}
		}
		marked("subject", mail.SecretMarking(m.Subject))
		marked("body", secretMarking(m.Text))
		for _, a := range attachmentTexts(in.Raw) {
			marked(a.Target, mail.Strongest(mail.SecretInFilename(a.Name), secretMarking(a.Text)))
		}
	}

	// R7, HN 12.8: no executable content; HTML, SVG and macros warned.
	for _, a := range m.Attachments {
		switch DangerLevel(a.Filename) {
		case SeverityBlock:
			add(Finding{Rule: "R7", Severity: SeverityBlock, Code: "attachment.dangerous", Source: "HN 12.8", Target: a.Filename, Fix: "remove-attachment"})
		case SeverityWarn:
			add(Finding{Rule: "R7", Severity: SeverityWarn, Code: "attachment.risky", Source: "HN 12.8", Target: a.Filename, Fix: "remove-attachment"})
		}
	}

	// R5, TCVN 6909:2001: Unicode NFC (normalised on sending).
	if !norm.NFC.IsNormalString(m.Subject) || !norm.NFC.IsNormalString(rawText(in.Raw)) {
		add(Finding{Rule: "R5", Severity: SeverityWarn, Code: "text.nfc", Source: "LA 8.2, HN 3.4"})
	}
	if m.LegacyEncoding != "" {
		add(Finding{Rule: "R5", Severity: SeverityWarn, Code: "text.legacy", Source: "LA 8.2, HN 3.4", args: []any{m.LegacyEncoding}})
	}

	r := Report{Findings: fs}
	for i := range r.Findings {
		r.Findings[i].Message = render(in.Lang, r.Findings[i])
		r.Findings[i].Source = article(r.Findings[i].Source, r.Findings[i].Rule)
		if r.Findings[i].Severity == SeverityBlock {
			r.Blocked = true
		}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	r.OK = !r.Blocked
	return r, nil
}

// recipients are every address the mail goes to, once each: To, Cc, a Bcc
// header left in Raw (an .eml to send) and the envelope.
func recipients(m *mail.Message, in Input) []string {
	var all []string
	for _, a := range append(append([]mail.Address{}, m.To...), m.Cc...) {
		all = append(all, a.Address)
	}
	if e, _ := message.Read(bytes.NewReader(in.Raw)); e != nil {
		if bcc, err := (&gomail.Header{Header: e.Header}).AddressList("Bcc"); err == nil {
			for _, a := range bcc {
				all = append(all, a.Address)
			}
		}
	}
	all = append(all, in.Envelope...)
	seen := map[string]bool{}
	out := all[:0]
	for _, a := range all {
		a = strings.TrimSpace(a)
		if key := strings.ToLower(a); a != "" && !seen[key] {
			seen[key] = true
			out = append(out, a)
		}
	}
	return out
}

// article keeps the article of a profile source: "R4 (LA 8.3)" → "LA 8.3".
func article(source, rule string) string {
	s := strings.TrimSpace(source)
	if strings.HasPrefix(s, rule) {
		s = strings.TrimSpace(strings.TrimPrefix(s, rule))
		s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	}
	return s
}

func levelOr(l, def profile.Level) profile.Level {
	if l == "" {
		return def
	}
	return l
}

// convertible are attachment types to offer converting to PDF (R4).
func convertible(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp",
		".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp":
		return true
	}
	return false
}

// dangerousExt are the types Windows runs, mounts or loads as code, as
// Outlook blocks them: attaching one is refused (R7, HN 12.8).
var dangerousExt = map[string]bool{
	".exe": true, ".com": true, ".scr": true, ".pif": true, ".bat": true, ".cmd": true, ".js": true, ".jse": true,
	".vbs": true, ".vbe": true, ".wsf": true, ".wsh": true, ".wsc": true, ".msi": true, ".msp": true, ".mst": true,
	".ps1": true, ".psm1": true, ".jar": true, ".hta": true, ".chm": true, ".hlp": true, ".cpl": true, ".lnk": true,
	".url": true, ".scf": true, ".inf": true, ".reg": true, ".dll": true, ".sys": true, ".ocx": true, ".gadget": true,
	".application": true, ".appx": true, ".appxbundle": true, ".msix": true, ".msixbundle": true, ".appref-ms": true,
	".settingcontent-ms": true, ".library-ms": true, ".search-ms": true, ".diagcab": true,
	// Disk images mount and hide their content from Mark-of-the-Web.
	".iso": true, ".img": true, ".vhd": true, ".vhdx": true,
	// Excel add-ins load code when opened.
	".xll": true, ".xlam": true, ".xla": true, ".ppam": true, ".ppa": true,
}

// riskyExt open in a browser or carry macros: a warning, and never a plain
// "Open" in the reader. HTML and SVG can smuggle a file out of script.
var riskyExt = map[string]bool{
	".html": true, ".htm": true, ".xhtml": true, ".shtml": true, ".mht": true, ".mhtml": true, ".svg": true, ".svgz": true,
	".docm": true, ".dotm": true, ".xlsm": true, ".xltm": true, ".xlsb": true, ".pptm": true, ".potm": true, ".ppsm": true, ".sldm": true,
}

// disguise matches a document-looking name hiding another type:
// "congvan.pdf.exe", "baocao.docx   .js".
var disguise = regexp.MustCompile(`(?i)\.(pdf|docx?|xlsx?|pptx?|odt|txt|jpe?g|png)\s*\.[a-z0-9]+$`)

// reservedDevice matches Windows device names, which cannot be saved as
// files and reach the device instead: "CON", "aux.txt", "COM1.pdf".
var reservedDevice = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$`)

// ntfsStream matches an NTFS alternate stream name: "x.exe::$DATA",
// "bao-cao.pdf:Zone.Identifier", "a:b:$DATA".
var ntfsStream = regexp.MustCompile(`(?i)(\.[a-z0-9]{1,8}:|::|:\$)`)

// DangerLevel rates an attachment name: SeverityBlock for what runs or
// mounts on Windows (executables, disk images, shortcuts, add-ins, NTFS
// stream names "x.exe::$DATA", device names, a document name hiding
// another type), SeverityWarn for HTML, SVG, macro-enabled Office files and
// other names with a colon ("Họp 10:30.pdf"), "" for the rest.
func DangerLevel(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	if strings.ContainsRune(n, ':') {
		// Windows writes past a colon into an alternate stream, unseen.
		if ntfsStream.MatchString(n) {
			return SeverityBlock
		}
		return SeverityWarn
	}
	n = strings.TrimRight(n, ". ") // Windows drops trailing dots and spaces
	ext := path.Ext(n)
	switch {
	case dangerousExt[ext] || reservedDevice.MatchString(n):
		return SeverityBlock
	case disguise.MatchString(n) && !convertible(n) && ext != ".pdf" && ext != ".txt":
		if riskyExt[ext] {
			return SeverityWarn
		}
		return SeverityBlock
	case riskyExt[ext]:
		return SeverityWarn
	}
	return ""
}

// Dangerous reports whether an attachment must not be opened plainly:
// DangerLevel says block or warn.
func Dangerous(name string) bool { return DangerLevel(name) != "" }

func base64Size(n int64) int64 {
	enc := (n + 2) / 3 * 4
	return enc + enc/76*2
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func secretLabel(level string) string {
	switch level {
	case mail.SecretTuyetMat:
		return "TUYỆT MẬT"
	case mail.SecretToiMat:
		return "TỐI MẬT"
	}
	return "MẬT"
}

// Bounds on what preflight reads of a mail, whatever it holds.
const (
	maxAttachmentRead = 64 << 20 // one attachment read for its text
	maxExtracted      = 32 << 20 // text taken from all attachments together (zip bombs)
	maxZipEntries     = 1000     // entries of one office file opened
	maxAttachments    = 1000     // attachments read, forwarded ones included
)

// inline tells a body part from an attachment as go-message's mail reader does.
func inline(h message.Header) bool {
	t, _, _ := h.ContentType()
	disp, _, _ := h.ContentDisposition()
	return disp == "inline" || (disp != "attachment" && strings.HasPrefix(t, "text/"))
}

// maxForwardDepth bounds forwarded originals read inside each other.
const maxForwardDepth = 4

// attText is one attachment as preflight reads it for markings.
type attText struct {
	Target string // its name, after the forwarded originals holding it: "thu.eml › bao-cao.pdf"
	Name   string
	Text   string
}

// attachmentTexts returns every attachment of raw in order, two of the same
// name apart, with its searchable text: text files, office and PDF text.
// A forwarded original (message/rfc822) gives its subject and body, then
// its own attachments, to maxForwardDepth; maxExtracted bytes in all.
func attachmentTexts(raw []byte) []attText {
	left := int64(maxExtracted)
	var out []attText
	var walk func(raw []byte, prefix string, depth int)
	walk = func(raw []byte, prefix string, depth int) {
		mail.Parts(raw, func(h message.Header, body io.Reader) bool {
			t, _, _ := h.ContentType()
			name, _ := (&gomail.AttachmentHeader{Header: h}).Filename()
			name = vntext.NFC(name)
			forwarded := t == "message/rfc822" || t == "message/global" || strings.EqualFold(path.Ext(name), ".eml")
			if inline(h) && !forwarded {
				return true
			}
			data, err := io.ReadAll(io.LimitReader(body, maxAttachmentRead))
			if err != nil || len(out) == maxAttachments {
				return len(out) < maxAttachments
			}
			a := attText{Target: prefix + name, Name: name}
			if forwarded {
				if a.Name == "" {
					a.Target = prefix + "message/rfc822"
				}
				if m, err := mail.Parse(data); err == nil {
					a.Text = m.Subject + "\n" + m.Text
					a.Text = a.Text[:min(int64(len(a.Text)), max(left, 0))]
				}
			} else {
				a.Text = cachedText(name, data, left)
			}
			left -= int64(len(a.Text))
			out = append(out, a)
			if forwarded && depth+1 < maxForwardDepth && left > 0 {
				walk(data, a.Target+" › ", depth+1)
			}
			return left > 0 && len(out) < maxAttachments
		})
	}
	walk(raw, "", 0)
	return out
}

// stripTags drops the XML tags of x and keeps the text between them.
func stripTags(b *strings.Builder, x []byte) {
	for len(x) > 0 {
		i := bytes.IndexByte(x, '<')
		if i < 0 {
			b.Write(x)
			return
		}
		b.Write(x[:i])
		j := bytes.IndexByte(x[i:], '>')
		if j < 0 {
			b.Write(x[i:])
			return
		}
		x = x[i+j+1:]
	}
}

// extractText returns at most limit bytes of a file's text.
func extractText(name string, data []byte, limit int64) string {
	if limit <= 0 {
		return ""
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".csv", ".html", ".htm", ".xml":
		return legacyToo(string(data[:min(int64(len(data)), limit)]), limit)
	case ".pdf":
		return pdfText(data, limit)
	case ".doc", ".dot", ".xls", ".xlt", ".ppt", ".pps", ".pot":
		return legacyToo(oleText(data, limit), limit)
	case ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".pptx", ".pptm", ".ppsx", ".potx", ".odt", ".ods", ".odp":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		var b strings.Builder
		opened := 0
		for _, f := range zr.File {
			if opened == maxZipEntries || int64(b.Len()) >= limit {
				break
			}
			if f.Name == "word/document.xml" || f.Name == "content.xml" || f.Name == "xl/sharedStrings.xml" ||
				strings.HasPrefix(f.Name, "word/header") || strings.HasPrefix(f.Name, "word/footer") ||
				strings.HasPrefix(f.Name, "xl/worksheets/sheet") || strings.HasPrefix(f.Name, "ppt/slides/slide") {
				opened++
				rc, err := f.Open()
				if err != nil {
					continue
				}
				// The XML read is bounded too: a zip bomb inflates a few
				// kilobytes into gigabytes.
				x, _ := io.ReadAll(io.LimitReader(rc, limit-int64(b.Len())))
				rc.Close()
				// Paragraph ends become line breaks so a marking stands on its own line.
				x = bytes.ReplaceAll(x, []byte("</w:p>"), []byte("\n"))
				x = bytes.ReplaceAll(x, []byte("</text:p>"), []byte("\n"))
				stripTags(&b, x)
				b.WriteString("\n")
			}
		}
		return legacyToo(b.String(), limit)
	}
	return ""
}

// legacyToo returns text, followed by its Unicode form when it is typed in
// TCVN3 or VNI (R5: fonts .VnTime, VNI-Times in old Word files; Windows-1258
// or TCVN3 bytes in text files), within limit bytes in all.
func legacyToo(text string, limit int64) string {
	if !utf8.ValidString(text) {
		text, _ = charmap.Windows1252.NewDecoder().String(text)
		if int64(len(text)) > limit {
			text = strings.ToValidUTF8(text[:limit], "")
		}
	}
	dec, enc := mail.DecodeLegacy(text)
	if enc == "" || int64(len(text)+1+len(dec)) > limit {
		return text
	}
	return text + "\n" + dec
}

// rawText is the decoded text of the first text part, for the NFC check.
func rawText(raw []byte) string {
	text := ""
	mail.Parts(raw, func(h message.Header, body io.Reader) bool {
		if !inline(h) {
			return true
		}
		b, _ := io.ReadAll(io.LimitReader(body, 8<<20))
		text = string(b)
		return false
	})
	return text
}
