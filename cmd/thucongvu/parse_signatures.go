package main

import (
	"path/filepath"
	"strings"

	"thucongvu/internal/docsign"
	"thucongvu/internal/mail"
)

// maxMessageForSignatures bounds the message read again to verify its PDFs.
const maxMessageForSignatures = 256 << 20

// isPDFAttachment tells a PDF by its type or its name.
func isPDFAttachment(a mail.Attachment) bool {
	return strings.EqualFold(a.ContentType, "application/pdf") || strings.EqualFold(filepath.Ext(a.Filename), ".pdf")
}

// verifyAttachments fills the signatures of each PDF attachment of the
// message in file (R4). A PDF that cannot be checked gets a broken or
// unsigned state; nothing here stops the parse.
func (c *cli) verifyAttachments(file string, m *mail.Message) {
	var pdfs []int
	for i, a := range m.Attachments {
		if isPDFAttachment(a) {
			pdfs = append(pdfs, i)
		}
	}
	if len(pdfs) == 0 {
		return
	}
	raw, err := readBounded(file, maxMessageForSignatures)
	if err != nil {
		return
	}
	trust, opts, err := c.signatureTrust()
	if err != nil {
		trust, opts = docsign.NewTrustStore(), docsign.Options{}
	}
	for _, i := range pdfs {
		data, err := mail.AttachmentData(raw, i)
		if err != nil {
			continue
		}
		rep := docsign.Verify(data, trust, opts)
		m.Attachments[i].SignatureState = rep.State
		m.Attachments[i].Signatures = rep.Signatures
	}
}
