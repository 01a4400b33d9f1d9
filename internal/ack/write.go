package ack

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"thucongvu/internal/compose"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
)

// DefaultTemplates are the acknowledgement texts, Vietnamese and English;
// an account or policy may replace them. Fields: .Sender, .Subject,
// .Date, .Attachments, .Agency.
var DefaultTemplates = map[string]string{
	"vi": `Kính gửi {{.Sender}},

{{.Agency}} đã nhận được văn bản "{{.Subject}}"{{if .Date}} gửi ngày {{.Date}}{{end}}{{if .Attachments}}, gồm các tệp:
{{range .Attachments}}  - {{.}}
{{end}}{{else}}.
{{end}}
Đây là thư xác nhận tự động theo quy chế sử dụng thư điện tử công vụ.
`,
	"en": `Dear {{.Sender}},

{{.Agency}} has received the document "{{.Subject}}"{{if .Date}} sent on {{.Date}}{{end}}{{if .Attachments}}, with the files:
{{range .Attachments}}  - {{.}}
{{end}}{{else}}.
{{end}}
This is an automatic acknowledgement under the official e-mail regulations.
`,
}

// Subjects of acknowledgements by language.
var subjectPrefix = map[string]string{"vi": "Đã nhận được văn bản: ", "en": "Acknowledgement of receipt: "}

// Compose writes the acknowledgement of m for the account: to the sender,
// threaded under the original, marked as an automatic reply (RFC 3834) so
// no robot answers it back.
func Compose(a model.Account, m *mail.Message, lang, tmpl string) (compose.Draft, error) {
	if lang != "en" {
		lang = "vi"
	}
	if tmpl == "" {
		tmpl = DefaultTemplates[lang]
	}
	t, err := template.New("ack").Parse(tmpl)
	if err != nil {
		return compose.Draft{}, fmt.Errorf("acknowledgement template: %w", err)
	}
	name := echo(m.From.Name, true)
	sender := name
	if sender == "" {
		sender = m.From.Address
	}
	subject := echo(m.Subject, true)
	agency := a.Signature.Agency
	if agency == "" {
		agency = a.Signature.Name
	}
	if agency == "" {
		agency = a.Email
	}
	var names []string
	for i, at := range m.Attachments {
		if i == echoFiles {
			names = append(names, fmt.Sprintf("… (+%d)", len(m.Attachments)-echoFiles))
			break
		}
		names = append(names, echo(at.Filename, false))
	}
	date := ""
	if len(m.Date) >= 10 {
		date = m.Date[8:10] + "/" + m.Date[5:7] + "/" + m.Date[0:4]
	}
	var body bytes.Buffer
	if err := t.Execute(&body, map[string]any{"Sender": sender, "Subject": subject, "Date": date,
		"Attachments": names, "Agency": agency}); err != nil {
		return compose.Draft{}, fmt.Errorf("acknowledgement template: %w", err)
	}
	refs := append(append([]string{}, m.References...), m.MessageID)
	return compose.Draft{
		From:       model.Address{Name: a.Signature.Name, Address: a.Email},
		To:         []model.Address{{Name: name, Address: m.From.Address}},
		Subject:    subjectPrefix[lang] + subject,
		Body:       body.String(),
		InReplyTo:  m.MessageID,
		References: refs,
		Headers: map[string]string{
			"Auto-Submitted":           "auto-replied",
			"X-Auto-Response-Suppress": "All",
			"Precedence":               "bulk",
			AckHeader:                  "1",
		},
	}, nil
}

// Bounds of what an acknowledgement echoes of the mail it answers (R2):
// the sender writes that text, and the agency's account sends it.
const (
	echoRunes = 200 // a subject, a display name, a file name
	echoFiles = 20  // file names listed
)

var (
	// schemeURL: anything with a scheme, or starting with www.
	schemeURL = regexp.MustCompile(`(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*`)
	// bareHost: a dotted name ending in letters, maybe with a path or port.
	bareHost = regexp.MustCompile(`[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*\.(\p{L}{2,})(?:[/:?#]\S*)?`)
	ipv4     = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}(?:[/:]\S*)?`)
	// dots that IDNA reads as a full stop.
	dots = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".")
)

// reservedTLD are names a link may use that are no ICANN suffix (RFC 2606,
// RFC 6761, common intranet names).
var reservedTLD = map[string]bool{"example": true, "test": true, "invalid": true, "localhost": true,
	"local": true, "internal": true, "lan": true, "home": true, "corp": true, "intranet": true, "onion": true}

// echo bounds text taken from the mail: controls become spaces, links are
// removed (stripLinks: any scheme or www., bare host names with a real or
// reserved top-level domain or a path, IPv4 addresses; for a file name,
// only schemes and www.), and it is cut at echoRunes.
func echo(s string, stripLinks bool) string {
	s = clip(s, 4*echoRunes) // bounds the work below
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	s = dots.Replace(s)
	s = schemeURL.ReplaceAllString(s, " ")
	if stripLinks {
		s = ipv4.ReplaceAllString(s, " ")
		s = bareHost.ReplaceAllStringFunc(s, func(host string) string {
			name, path, _ := strings.Cut(host, "/")
			name, _, _ = strings.Cut(name, ":")
			tld := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:])
			if _, icann := publicsuffix.PublicSuffix(tld); icann || reservedTLD[tld] || path != "" || strings.ContainsAny(host, ":?#") {
				return " "
			}
			return host
		})
	}
	return clip(strings.Join(strings.Fields(s), " "), echoRunes)
}

// clip cuts s to n runes, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
