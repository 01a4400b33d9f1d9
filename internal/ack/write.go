package ack

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

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
	sender := m.From.Name
	if sender == "" {
		sender = m.From.Address
	}
	agency := a.Signature.Agency
	if agency == "" {
		agency = a.Signature.Name
	}
	if agency == "" {
		agency = a.Email
	}
	var names []string
	for _, at := range m.Attachments {
		names = append(names, at.Filename)
	}
	date := ""
	if len(m.Date) >= 10 {
		date = m.Date[8:10] + "/" + m.Date[5:7] + "/" + m.Date[0:4]
	}
	var body bytes.Buffer
	if err := t.Execute(&body, map[string]any{"Sender": sender, "Subject": m.Subject, "Date": date,
		"Attachments": names, "Agency": agency}); err != nil {
		return compose.Draft{}, fmt.Errorf("acknowledgement template: %w", err)
	}
	refs := append(append([]string{}, m.References...), m.MessageID)
	return compose.Draft{
		From:       model.Address{Name: a.Signature.Name, Address: a.Email},
		To:         []model.Address{{Name: m.From.Name, Address: m.From.Address}},
		Subject:    subjectPrefix[lang] + strings.TrimSpace(m.Subject),
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
