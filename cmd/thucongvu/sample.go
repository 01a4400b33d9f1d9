package main

import "thucongvu/internal/mail"

// sampleDocument is a received document to try an acknowledgement template on.
func sampleDocument() *mail.Message {
	return &mail.Message{Subject: "Công văn số 12/UBND-VP", From: mail.Address{Name: "Văn phòng UBND tỉnh", Address: "vp@hanam.gov.vn"},
		Date: "2026-11-23T08:00:00+07:00", MessageID: "cv12@hanam.gov.vn", Attachments: []mail.Attachment{{Filename: "cv12.pdf"}}}
}
