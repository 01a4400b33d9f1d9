// Package mail decodes one Internet message into plain, Unicode NFC data and
// classifies it: auto-submitted, mailing list, bounce, official document (R9)
// and secret marking (R7). It owns MIME and charset decoding, the repair of
// malformed input and the conversion of legacy Vietnamese encodings (R5).
//
// It must not touch the network, the store or the UI, and it never fails a
// whole message for a repairable fault: what it repaired is listed in
// Message.Warnings. Hostile input costs bounded work: 20 levels of
// multipart, 1000 parts, 8 MB of text, one boundary guess per level; a
// decoder panic is returned as ErrDecoderFailed. Building outgoing mail
// belongs to package compose.
package mail
