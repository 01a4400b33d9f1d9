// Package compose builds outgoing mail and checks it against the rule
// profile before it may leave: the mandatory signature (R3), subject (R3),
// documents as PDF (R4), size (R5), secret marking and foreign webmail (R7),
// dangerous attachments and Unicode NFC (R5). It opens no connection: the
// outbox in package send delivers what Build produced.
package compose

import (
	"fmt"
	"html"
	"net/mail"
	"regexp"
	"strings"

	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/vntext"
)

// SignatureFields are the signature's fields in display order, with the
// command line's names (R3, LA 14.7, LA 8.4).
var SignatureFields = []string{"name", "title", "agency", "address", "phone", "mobile", "email", "fax", "website"}

// fieldLabels are the Vietnamese labels printed in the signature block.
var fieldLabels = map[string]string{
	"address": "Địa chỉ", "phone": "Điện thoại", "mobile": "Di động", "email": "Email", "fax": "Fax", "website": "Website",
}

// field points at one field of s by its name, nil for an unknown name.
func field(s *model.Signature, name string) *string {
	switch name {
	case "name":
		return &s.Name
	case "title":
		return &s.Title
	case "agency":
		return &s.Agency
	case "address":
		return &s.Address
	case "phone":
		return &s.Phone
	case "mobile":
		return &s.Mobile
	case "email":
		return &s.Email
	case "fax":
		return &s.Fax
	case "website":
		return &s.Website
	}
	return nil
}

// Field returns one field of s by its name.
func Field(s model.Signature, name string) string {
	if p := field(&s, name); p != nil {
		return *p
	}
	return ""
}

// SetField sets one field of s by its name, in NFC.
func SetField(s *model.Signature, name, value string) error {
	p := field(s, name)
	if p == nil {
		return fmt.Errorf("unknown signature field %q (one of %s)", name, strings.Join(SignatureFields, ", "))
	}
	*p = vntext.NFC(strings.TrimSpace(value))
	return nil
}

// FieldProblem is a signature field that is missing or malformed.
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"` // "missing" or "invalid"
}

var (
	phoneChars  = regexp.MustCompile(`^[0-9 .()+\-]+$`)
	websiteForm = regexp.MustCompile(`^(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$`)
)

// ValidPhone accepts Vietnamese landline and mobile numbers written with
// spaces, dots or dashes: 0226.3852.xxx, 0912 345 678, +84 912 345 678.
func ValidPhone(s string) bool {
	if !phoneChars.MatchString(s) {
		return false
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if strings.HasPrefix(strings.TrimSpace(s), "+84") {
		digits = "0" + strings.TrimPrefix(digits, "84")
	}
	return strings.HasPrefix(digits, "0") && len(digits) >= 10 && len(digits) <= 11
}

// CheckSignature lists the fields the profile makes mandatory that are
// empty, and the filled ones that are malformed.
func CheckSignature(s model.Signature, p profile.Profile) []FieldProblem {
	var out []FieldProblem
	required := map[string]bool{}
	for _, f := range p.SignatureFields.Value {
		required[f] = true
	}
	for _, f := range SignatureFields {
		v := Field(s, f)
		switch {
		case v == "" && required[f]:
			out = append(out, FieldProblem{f, "missing"})
		case v == "":
		case (f == "phone" || f == "mobile" || f == "fax") && !ValidPhone(v):
			out = append(out, FieldProblem{f, "invalid"})
		case f == "email":
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				out = append(out, FieldProblem{f, "invalid"})
			}
		case f == "website" && !websiteForm.MatchString(strings.ToLower(v)):
			out = append(out, FieldProblem{f, "invalid"})
		}
	}
	return out
}

// SignatureDelimiter opens the signature block (RFC 3676 "-- ").
const SignatureDelimiter = "-- "

// SignatureText renders the plain-text signature block.
func SignatureText(s model.Signature) string {
	var lines []string
	for _, f := range SignatureFields {
		v := Field(s, f)
		if v == "" {
			continue
		}
		if label, ok := fieldLabels[f]; ok {
			v = label + ": " + v
		}
		lines = append(lines, v)
	}
	if len(lines) == 0 {
		return ""
	}
	return SignatureDelimiter + "\n" + strings.Join(lines, "\n")
}

// SignatureHTML renders the HTML signature block.
func SignatureHTML(s model.Signature) string {
	var b strings.Builder
	b.WriteString(`<div class="tcv-signature">-- <br>`)
	for _, f := range SignatureFields {
		v := Field(s, f)
		if v == "" {
			continue
		}
		v = html.EscapeString(v)
		switch f {
		case "name":
			v = "<b>" + v + "</b>"
		case "email":
			v = fieldLabels[f] + `: <a href="mailto:` + v + `">` + v + `</a>`
		default:
			if label, ok := fieldLabels[f]; ok {
				v = label + ": " + v
			}
		}
		b.WriteString(v + "<br>")
	}
	b.WriteString("</div>")
	return b.String()
}

// WithSignature appends the signature to body once: a body that already
// carries this signature (a re-sent draft, a reply to one's own mail) is
// left as it is, so signatures never pile up down a reply chain (R3).
func WithSignature(body string, s model.Signature) string {
	sig := SignatureText(s)
	if sig == "" {
		return body
	}
	norm := func(x string) string { return strings.Join(strings.Fields(vntext.NFC(x)), " ") }
	if strings.Contains(norm(body), norm(sig)) {
		return body
	}
	body = strings.TrimRight(body, "\r\n ")
	if body == "" {
		return sig + "\n"
	}
	return body + "\n\n" + sig + "\n"
}
