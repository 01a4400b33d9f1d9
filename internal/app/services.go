// Package app wires the mail engine to the Fyne UI: it implements
// ui.Services over engine.Engine and runs the background sync. main
// builds it; neither the engine nor the UI knows the other.
package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"thucongvu/internal/ack"
	"thucongvu/internal/browserpage"
	"thucongvu/internal/compose"
	"thucongvu/internal/discover"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/pdfconv"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
	"thucongvu/internal/send"
	"thucongvu/internal/store"
	"thucongvu/internal/ui"
	"thucongvu/internal/vntext"
)

// Services is the engine as the UI sees it.
type Services struct {
	E    *engine.Engine
	Home string
	Lang string

	mu        sync.Mutex
	listeners []func(ui.Event)
	converter *pdfconv.Converter
	opened    map[string]time.Time
	reminders *Reminders
	duties    *Duties
	// cfgMu guards the engine's accounts (E.Config, its policy locks),
	// read by the duties and the UI while a mailbox is added or removed.
	cfgMu sync.RWMutex
	// quotas: the last known server quota of each account.
	quotas quotaCache
}

var _ ui.Services = (*Services)(nil)

// New returns the UI's services over e, keeping settings under home.
// Settings kept by older versions are migrated here.
func New(e *engine.Engine, home string) *Services {
	s := &Services{E: e, Home: home, Lang: "vi"}
	s.migrateAckTemplate()
	s.duties = &Duties{s: s}
	return s
}

func (s *Services) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

// Accounts implements ui.Services.
func (s *Services) Accounts() []model.Account {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return append([]model.Account(nil), s.E.Config.Accounts...)
}

// Folders implements ui.Services.
func (s *Services) Folders(account string) ([]model.Folder, error) {
	return s.E.Store.Folders(context.Background(), account)
}

// CountMessages implements ui.Services.
func (s *Services) CountMessages(account, folder string) (int, error) {
	return s.E.Store.CountMessages(context.Background(), account, folder)
}

var sortKeys = map[ui.SortKey]store.SortKey{ui.SortDate: store.SortDate, ui.SortSender: store.SortFrom,
	ui.SortSubject: store.SortSubject, ui.SortSize: store.SortSize}

// Messages implements ui.Services. Showing the top of INBOX is opening
// the mailbox: a check under R1.
func (s *Services) Messages(account, folder string, key ui.SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error) {
	if folder == "INBOX" && offset == 0 {
		s.RecordOpen(account, "open")
	}
	return s.E.Store.Messages(context.Background(), account, folder, sortKeys[key], desc, offset, limit)
}

// Search implements ui.Services.
func (s *Services) Search(query string, limit int) ([]model.MessageSummary, error) {
	return s.E.Store.Search(context.Background(), query, "", limit)
}

// Peek implements ui.Services: the summary and, when downloaded, the
// decoded body, from the store alone.
func (s *Services) Peek(id int64) (*ui.ReaderMessage, error) {
	ctx := context.Background()
	sum, err := s.E.Store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	raw, err := s.E.Store.Body(ctx, id)
	if errors.Is(err, failure.ErrNotFound) {
		return &ui.ReaderMessage{Summary: sum, Loading: true}, nil
	}
	if err != nil {
		return nil, err
	}
	r, m := s.decode(ctx, sum, raw)
	if m != nil {
		s.readReceipt(ctx, r, raw, false)
	}
	r.Loading = !sum.Seen // Open still marks it seen
	return r, nil
}

// Open implements ui.Services: the body (downloaded if needed), decoded,
// with its acknowledgement state; the message is marked seen. A message
// that fails to decode, even by a panic, comes back with the reason.
func (s *Services) Open(id int64) (r *ui.ReaderMessage, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	sum, err := s.E.Store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			r, err = &ui.ReaderMessage{Summary: sum, Problem: fmt.Sprint(p)}, nil
		}
	}()
	raw, err := s.E.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	r, m := s.decode(ctx, sum, raw)
	if m != nil {
		s.readReceipt(ctx, r, raw, true)
	}
	if !sum.Seen {
		if err := s.E.AddFlags(ctx, id, `\Seen`); err == nil {
			r.Summary.Seen = true
			s.emit(ui.Event{Kind: ui.EventChanged})
		}
	}
	return r, nil
}

// readReceipt applies RFC 8098: a receipt goes only as the user chose
// (sent when send is set, on opening); "ask" shows a button.
func (s *Services) readReceipt(ctx context.Context, r *ui.ReaderMessage, raw []byte, send bool) {
	id := r.Summary.ID
	flags, _ := s.E.Store.MessageFlags(ctx, id)
	a, _ := s.account(r.Summary.Account)
	mode := s.Settings().ReadReceipts
	switch d, _ := ack.ReceiptDecision(ack.Header(raw), flags, nil, a.Email, mode); d {
	case ack.ReceiptSend:
		if send {
			go s.E.ReadReceipt(context.Background(), id, mode, false)
		}
	case ack.ReceiptAskUser:
		r.ReceiptRequested = true
	}
}

// decode turns a stored message into the reader's; when it cannot be
// parsed, the reason and its header lines are shown instead, and m is nil.
func (s *Services) decode(ctx context.Context, sum model.MessageSummary, raw []byte) (r *ui.ReaderMessage, m *mail.Message) {
	defer func() {
		if p := recover(); p != nil {
			r, m = &ui.ReaderMessage{Summary: sum, Problem: fmt.Sprint(p), Text: headerBlock(raw)}, nil
		}
	}()
	m, err := mail.Parse(raw)
	if err != nil {
		return &ui.ReaderMessage{Summary: sum, Problem: err.Error(), Text: headerBlock(raw)}, nil
	}
	r = &ui.ReaderMessage{Summary: sum, Text: m.Text, HTML: m.HTML}
	for _, c := range m.Cc {
		r.Cc = append(r.Cc, model.Address{Name: c.Name, Address: c.Address})
	}
	for _, a := range m.Attachments {
		r.Attachments = append(r.Attachments, ui.Attachment{Filename: a.Filename, ContentType: a.ContentType, Size: a.Size,
			Dangerous: compose.Dangerous(a.Filename)})
	}
	r.Ack = s.ackStatus(ctx, sum, m)
	r.Receipts = s.receipts(ctx, sum)
	return r, m
}

// headerBlock is the header of a raw message as text (at most 8 KB),
// decoded words left as they are.
func headerBlock(raw []byte) string {
	head := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head = raw[:i]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head = raw[:i]
	}
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return strings.ToValidUTF8(strings.ReplaceAll(string(head), "\r\n", "\n"), "\uFFFD")
}

// receipts lists who acknowledged a sent document (R2, the sender's side).
func (s *Services) receipts(ctx context.Context, sum model.MessageSummary) []ui.Receipt {
	if !sum.Document || !s.inSent(ctx, sum) {
		return nil
	}
	a, err := s.account(sum.Account)
	if err != nil {
		return nil
	}
	docs, err := s.E.Receipts(ctx, a, time.Now())
	if err != nil {
		return nil
	}
	for _, d := range docs {
		if d.MessageID != sum.MessageID {
			continue
		}
		var out []ui.Receipt
		for _, r := range d.Recipients {
			rc := ui.Receipt{Recipient: model.Address{Name: r.Name, Address: r.Address}, Acked: r.Acked}
			if r.At != nil {
				rc.At = *r.At
			}
			out = append(out, rc)
		}
		return out
	}
	return nil
}

func (s *Services) inSent(ctx context.Context, sum model.MessageSummary) bool {
	folders, _ := s.E.Store.Folders(ctx, sum.Account)
	for _, f := range folders {
		if f.Name == sum.Folder {
			return f.Role == model.RoleSent
		}
	}
	return false
}

// SendReadReceipt implements ui.Services: the user confirmed the receipt.
func (s *Services) SendReadReceipt(id int64) error {
	ctx, cancel := s.ctx()
	defer cancel()
	_, err := s.E.ReadReceipt(ctx, id, ack.ReceiptAsk, true)
	if errors.Is(err, send.ErrTemporary) {
		return nil // queued; the outbox retries
	}
	return err
}

// Resend implements ui.Services (R2: re-send to those who did not acknowledge).
func (s *Services) Resend(id int64) (int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	sum, err := s.E.Store.Message(ctx, id)
	if err != nil {
		return 0, err
	}
	a, err := s.account(sum.Account)
	if err != nil {
		return 0, err
	}
	missing := s.missing(ctx, a, sum.MessageID)
	n, err := s.E.Resend(ctx, a, sum.MessageID)
	if n > 0 {
		if rerr := s.recordResend(resendRecord{Account: a.Name, MessageID: sum.MessageID, At: time.Now(), Recipients: missing}); rerr != nil && err == nil {
			err = rerr
		}
	}
	if errors.Is(err, send.ErrTemporary) {
		return n, nil
	}
	return n, err
}

// ackStatus says whether a received document was acknowledged (R2, LA 6.2).
func (s *Services) ackStatus(ctx context.Context, sum model.MessageSummary, m *mail.Message) ui.AckStatus {
	a, err := s.account(sum.Account)
	if err != nil {
		return ui.AckStatus{}
	}
	p := engine.Profile(a)
	st := ui.AckStatus{Required: ack.IsDocument(m, p) && !before(s, sum), Sent: sum.Acked}
	if ack.IsDocument(m, p) && before(s, sum) {
		st.Reason = ui.AckReasonBefore
	}
	if at, ok := s.E.AckedAt(ctx, sum.Account, sum.MessageID); ok {
		st.Sent, st.At = true, at
	}
	if st.Required && !st.Sent && sum.Folder == "INBOX" {
		if l, err := s.E.Ledger(); err == nil {
			manual, _ := l.Manual(ctx, sum.Account, "INBOX")
			for _, d := range manual {
				if d.UID == sum.UID {
					st.Manual, st.Reason = true, d.Reason
				}
			}
		}
	}
	return st
}

// Attachment implements ui.Services.
func (s *Services) Attachment(id int64, index int) ([]byte, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	raw, err := s.E.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	data, err := mail.AttachmentData(raw, index)
	if err != nil {
		return nil, fmt.Errorf("%w: attachment %d: %v", failure.ErrNotFound, index, err)
	}
	return data, nil
}

// CheckNow implements ui.Services: a sync pass of every account, the
// outbox flushed and acknowledgements sent.
func (s *Services) CheckNow(ctx context.Context, progress func(done, total int)) error {
	accounts := s.Accounts()
	var first error
	s.syncStarted()
	defer func() { s.syncDone(first) }()
	for i, a := range accounts {
		if progress != nil {
			progress(i, len(accounts))
		}
		if _, err := s.E.SyncOnce(ctx, []model.Account{a}, false); err != nil && first == nil {
			first = err
		}
		s.E.Flush(ctx, a)
		s.E.AckPass(ctx, a, s.ackOptions())
		s.E.RecordCheck(ctx, a.Name, "check-now")
	}
	s.emitOutbox(ctx)
	if progress != nil {
		progress(len(accounts), len(accounts))
	}
	s.emit(ui.Event{Kind: ui.EventChanged})
	return first
}

// Recipients implements ui.Services: addresses the user has mailed or
// heard from, matched by prefix of any word, diacritics ignored.
func (s *Services) Recipients(prefix string, limit int) []model.Address {
	return s.E.Correspondents(context.Background(), prefix, limit)
}

func (s *Services) account(name string) (model.Account, error) {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	if name == "" && len(s.E.Config.Accounts) > 0 {
		return s.E.Config.Accounts[0], nil
	}
	a, err := s.E.Config.Account(name)
	if err != nil {
		return model.Account{}, err
	}
	return *a, nil
}

// draft turns the compose window's draft into the engine's, with the
// original quoted under a reply.
func (s *Services) draft(d ui.Draft) (model.Account, compose.Draft, error) {
	a, err := s.account(d.Account)
	if err != nil {
		return a, compose.Draft{}, err
	}
	cd := compose.Draft{From: model.Address{Name: a.Signature.Name, Address: a.Email}, Subject: d.Subject, Body: d.Body}
	for _, l := range []struct {
		in  []string
		out *[]model.Address
	}{{d.To, &cd.To}, {d.Cc, &cd.Cc}, {d.Bcc, &cd.Bcc}} {
		for _, addr := range l.in {
			if addr = strings.TrimSpace(addr); addr != "" {
				*l.out = append(*l.out, parseAddress(addr))
			}
		}
	}
	for _, path := range d.Attachments {
		cd.Attachments = append(cd.Attachments, compose.Attachment{Path: path})
	}
	if d.ReplyTo != 0 {
		ctx, cancel := s.ctx()
		defer cancel()
		if orig, err := s.E.Store.Message(ctx, d.ReplyTo); err == nil {
			// The compose window quotes the original under the reply: the
			// signature goes between the two, once (R3).
			cd.Body, cd.Quoted = splitQuote(cd.Body)
			raw, rawErr := s.E.Body(ctx, d.ReplyTo)
			if strings.HasPrefix(strings.ToLower(d.Subject), "fwd:") {
				// Forwarded exactly as received (R8, ST 12.4): the original
				// travels whole as message/rfc822, with its attachments.
				if rawErr == nil {
					cd.Attachments = append(cd.Attachments, compose.Attachment{Name: forwardName(orig.Subject),
						ContentType: "message/rfc822", Data: raw})
				}
			} else {
				cd.InReplyTo = orig.MessageID
				cd.References = []string{orig.MessageID}
				if rawErr == nil {
					if m, err := mail.Parse(raw); err == nil {
						cd.References = append(m.References, orig.MessageID)
					}
				}
			}
		}
	}
	return a, cd, nil
}

// splitQuote separates the user's text from the quoted original below it
// (its "> " lines and the header line just above them).
func splitQuote(body string) (text, quoted string) {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, ">") {
			continue
		}
		start := i
		if i > 0 && strings.TrimSpace(lines[i-1]) != "" {
			start = i - 1
		}
		return strings.TrimRight(strings.Join(lines[:start], "\n"), "\n "), strings.Join(lines[start:], "\n")
	}
	return body, ""
}

// forwardName is the file name of a forwarded original.
func forwardName(subject string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(subject))
	if name == "" {
		name = "thu"
	}
	return name + ".eml"
}

func parseAddress(s string) model.Address {
	if a, err := gomail.ParseAddress(s); err == nil {
		return model.Address{Name: a.Name, Address: strings.ToLower(a.Address)}
	}
	return model.Address{Address: strings.ToLower(s)}
}

// uiCodes are the UI's translation keys for the engine's finding codes.
var uiCodes = map[string]string{"subject.missing": "no_subject", "secret.marked": "secret", "webmail.recipient": "foreign_webmail",
	"pdf.convert": "not_pdf", "signature.missing": "signature_incomplete", "size.limit": "size"}

var fixes = map[string]ui.FixKind{"convert-pdf": ui.FixConvertPDF, "complete-signature": ui.FixCompleteSignature,
	"remove-recipient": ui.FixRemoveRecipient}

// Preflight implements ui.Services with the real rules of the account's profile.
func (s *Services) Preflight(d ui.Draft) []ui.Finding {
	a, cd, err := s.draft(d)
	if err != nil {
		return []ui.Finding{{Rule: "R3", Severity: ui.SeverityBlock, Code: "account", Message: err.Error()}}
	}
	// An attachment that can no longer be read is a finding of its own;
	// every other rule still runs on the rest of the mail.
	var out []ui.Finding
	kept := cd.Attachments[:0]
	for _, at := range cd.Attachments {
		if _, err := os.Stat(at.Path); err != nil {
			out = append(out, ui.Finding{Severity: ui.SeverityBlock, Code: "attachment_missing", Target: at.Path,
				Message: fmt.Sprintf("%v: %s", compose.ErrAttachmentGone, at.Path)})
			continue
		}
		kept = append(kept, at)
	}
	cd.Attachments = kept
	if len(cd.To)+len(cd.Cc)+len(cd.Bcc) == 0 {
		out = append(out, ui.Finding{Severity: ui.SeverityBlock, Code: "no_recipient", Message: "no recipient"})
	}
	built, err := compose.Build(cd, a.Signature, time.Now())
	if err != nil {
		return append(out, ui.Finding{Rule: "R4", Severity: ui.SeverityBlock, Code: "attachment.gone", Message: err.Error()})
	}
	report, err := s.E.Preflight(a, built.Raw, s.Lang, built.Recipients...)
	if err != nil {
		return []ui.Finding{{Rule: "R5", Severity: ui.SeverityBlock, Code: "unreadable", Message: err.Error()}}
	}
	byName := map[string]string{}
	for _, p := range d.Attachments {
		byName[vntext.NFC(filepath.Base(p))] = p
	}
	for _, f := range report.Findings {
		uf := ui.Finding{Rule: f.Rule, Source: f.Source, Severity: ui.Severity(f.Severity), Code: f.Code, Message: f.Message, Fix: fixes[f.Fix], Target: f.Target}
		if c, ok := uiCodes[f.Code]; ok {
			uf.Code = c
		}
		if f.Code == "subject.missing" {
			uf.Fix = ui.FixAddSubject
		}
		if p, ok := byName[f.Target]; ok {
			uf.Target = p
		}
		out = append(out, uf)
	}
	return out
}

// ConvertToPDF implements ui.Services (R4, LA 8.3).
func (s *Services) ConvertToPDF(ctx context.Context, path string, progress func(done, total int)) (string, error) {
	s.mu.Lock()
	if s.converter == nil {
		s.converter = pdfconv.New(pdfconv.Config{})
	}
	c := s.converter
	s.mu.Unlock()
	if progress != nil {
		progress(0, 1)
	}
	r := c.ConvertFile(ctx, path, pdfconv.Options{OutDir: filepath.Dir(path), Prefer: pdfconv.Engine(s.Settings().Converter)})
	if progress != nil {
		progress(1, 1)
	}
	return r.Output, r.Err
}

// Send implements ui.Services: signed, checked, queued on disk, then
// delivered; a temporary failure leaves it safely queued.
func (s *Services) Send(ctx context.Context, d ui.Draft) error {
	a, cd, err := s.draft(d)
	if err != nil {
		return err
	}
	if _, _, err := s.E.Queue(ctx, a, cd, s.Lang); err != nil {
		return err
	}
	_, err = s.E.Flush(ctx, a)
	s.emitOutbox(ctx)
	s.emit(ui.Event{Kind: ui.EventChanged})
	if errors.Is(err, send.ErrTemporary) {
		return nil // queued; the outbox retries with backoff
	}
	return err
}

// Discover implements ui.Services: the servers agency IT set by machine
// policy come first, then discovery.
func (s *Services) Discover(ctx context.Context, email string) (model.Account, error) {
	if p := s.E.Policy; p != nil && p.Has("IMAPHost") && p.AppliesTo(email) {
		a := model.Account{Email: strings.ToLower(email), Username: strings.ToLower(email)}
		a.Name = strings.ReplaceAll(strings.Split(a.Email, "@")[0], ".", "-")
		p.Apply(&a)
		if a.Profile == "" {
			a.Profile = profile.ForAddress(email).ID
		}
		return a, nil
	}
	r, err := discover.Discover(ctx, email, nil)
	if err != nil {
		return model.Account{}, err
	}
	local := email[:strings.Index(email, "@")]
	a := model.Account{
		Name: strings.ReplaceAll(local, ".", "-"), Email: strings.ToLower(email), Username: r.IMAP.Username,
		IMAP: r.IMAP.Server, SMTP: r.SMTP.Server, Profile: profile.ForAddress(email).ID,
	}
	var hosts []string
	for _, h := range r.ConfirmHosts {
		if h == a.IMAP.Host || h == a.SMTP.Host {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) > 0 { // RFC 6186 §6: the user confirms before a password is sent
		return a, &ui.ServersToConfirm{Account: a, Hosts: hosts, Source: r.Source, Via: r.Via}
	}
	return a, nil
}

// TestConnection implements ui.Services: IMAP and SMTP login.
func (s *Services) TestConnection(ctx context.Context, a model.Account, password string) error {
	c, err := imapsync.Dial(ctx, a, password, &s.E.Sync, nil)
	if err != nil {
		return err
	}
	c.Logout().Wait()
	c.Close()
	sc, err := send.Connect(ctx, a, password, &send.Options{RootCAs: s.E.Sync.RootCAs})
	if err != nil {
		return err
	}
	return sc.Close()
}

// AddAccount implements ui.Services.
func (s *Services) AddAccount(a model.Account, password string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	s.duties.pause() // no duty reads the accounts while they change
	s.cfgMu.Lock()
	err := s.E.AddAccount(ctx, a, password)
	s.cfgMu.Unlock()
	s.duties.Reconcile() // the new account's sync, acknowledgements and outbox start now
	if err != nil {
		return err
	}
	s.emit(ui.Event{Kind: ui.EventChanged})
	return nil
}

// RemoveAccount implements ui.Services; its duties stop at once.
func (s *Services) RemoveAccount(name string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	s.duties.pause()
	s.cfgMu.Lock()
	err := s.E.RemoveAccount(ctx, name)
	s.cfgMu.Unlock()
	s.duties.Reconcile()
	if err != nil {
		return err
	}
	s.emit(ui.Event{Kind: ui.EventChanged})
	return nil
}

// Profiles implements ui.Services.
func (s *Services) Profiles() []ui.Profile {
	var out []ui.Profile
	for _, p := range profile.All() {
		out = append(out, ui.Profile{ID: p.ID, Name: p.Name})
	}
	return out
}

// SetSignature implements ui.Services.
func (s *Services) SetSignature(account string, sig model.Signature) error {
	s.cfgMu.Lock()
	a, err := s.E.Config.Account(account)
	if err != nil {
		s.cfgMu.Unlock()
		return err
	}
	for _, f := range compose.SignatureFields {
		if s.E.Locked(account, "signature."+f) {
			continue // the agency's fields come from machine policy
		}
		compose.SetField(&a.Signature, f, compose.Field(sig, f))
	}
	err = s.E.Config.Save()
	s.cfgMu.Unlock()
	if err != nil {
		return err
	}
	s.duties.Reconcile()
	return nil
}

// Subscribe implements ui.Services.
func (s *Services) Subscribe(fn func(ui.Event)) {
	s.mu.Lock()
	s.listeners = append(s.listeners, fn)
	s.mu.Unlock()
}

func (s *Services) emit(ev ui.Event) {
	s.mu.Lock()
	ls := append([]func(ui.Event){}, s.listeners...)
	s.mu.Unlock()
	for _, fn := range ls {
		fn(ev)
	}
}

// emitOutbox tells the UI how many mails wait in the outbox.
func (s *Services) emitOutbox(ctx context.Context) {
	ob, err := s.E.Outbox()
	if err != nil {
		return
	}
	items, _ := ob.List(ctx)
	waiting := 0
	for _, it := range items {
		if it.State == send.StateQueued {
			waiting++
		}
	}
	s.emit(ui.Event{Kind: ui.EventOutbox, Done: waiting})
}

// OutboxRetry is how often the client looks for mail due for another try.
const OutboxRetry = time.Minute

// Run starts the background duties (see Duties) until ctx ends: every
// account kept in sync with its acknowledgements and outbox, also for
// accounts added later.
func (s *Services) Run(ctx context.Context) { s.duties.Start(ctx) }

// StartReminders runs the check-time reminders (R1) among the duties,
// shown through n.
func (s *Services) StartReminders(n remind.Notifier, c remind.Clock) { s.duties.SetNotifier(n, c) }

// Close ends the background duties (waiting up to 5 s for a pass under
// way, so the store is not closed under it) and releases the converter.
func (s *Services) Close() {
	done := make(chan struct{})
	go func() {
		s.duties.Stop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	if s.converter != nil {
		s.converter.Close()
	}
	browserpage.RemoveAll() // pages opened in the browser
}

// Quotas implements ui.Services: the last known quota of each account
// with one; those older than QuotaRefresh are read again in the
// background, and the UI hears EventChanged when they come.
func (s *Services) Quotas() []ui.Quota {
	return s.quotas.get(s.Accounts(), func(a model.Account) (*engine.Quota, error) {
		ctx, cancel := s.ctx()
		defer cancel()
		return s.E.Quota(ctx, a)
	}, func() { s.emit(ui.Event{Kind: ui.EventChanged}) })
}
