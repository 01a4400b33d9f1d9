package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/compose"
	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/send"
)

// Profile returns the account's rule profile: the one it names, else the
// one of its domain.
func Profile(a model.Account) profile.Profile {
	if p, ok := profile.ByID(a.Profile); ok {
		return p
	}
	return profile.ForAddress(a.Email)
}

// Outbox returns the durable outbox.
func (e *Engine) Outbox() (*send.Outbox, error) {
	e.outboxOnce.Do(func() { e.outbox, e.outboxErr = send.OpenOutbox(e.Store.DB()) })
	return e.outbox, e.outboxErr
}

// Preflight checks a finished message against the account's profile and
// signature, as it will leave (the client adds the signature itself);
// envelope adds the recipients Raw does not name (Bcc).
func (e *Engine) Preflight(a model.Account, raw []byte, lang string, envelope ...string) (compose.Report, error) {
	return compose.Check(compose.Input{Raw: raw, Profile: Profile(a), Signature: a.Signature, SignatureAdded: true, Lang: lang, Envelope: envelope})
}

// ErrBlockedReport carries the preflight report of a blocked mail.
type ErrBlockedReport struct{ Report compose.Report }

func (e *ErrBlockedReport) Error() string {
	for _, f := range e.Report.Findings {
		if f.Severity == compose.SeverityBlock {
			return f.Rule + ": " + f.Message
		}
	}
	return "blocked"
}

func (e *ErrBlockedReport) Unwrap() error { return failure.ErrBlocked }

// Queue builds the draft with the account's signature, runs preflight and,
// unless a rule blocks it, puts it in the outbox. When Queue returns
// without error the mail is on disk.
func (e *Engine) Queue(ctx context.Context, a model.Account, d compose.Draft, lang string) (int64, compose.Report, error) {
	if d.From.Address == "" {
		d.From = model.Address{Name: a.Signature.Name, Address: a.Email}
	}
	built, err := compose.Build(d, a.Signature, time.Now())
	if err != nil {
		return 0, compose.Report{}, err
	}
	report, err := e.Preflight(a, built.Raw, lang, built.Recipients...)
	if err != nil {
		return 0, report, err
	}
	if report.Blocked {
		return 0, report, &ErrBlockedReport{report}
	}
	ob, err := e.Outbox()
	if err != nil {
		return 0, report, err
	}
	id, err := ob.Queue(ctx, send.Envelope{Account: a.Name, From: built.From, To: built.Recipients,
		MessageID: built.MessageID, Subject: d.Subject}, built.Raw)
	return id, report, err
}

// Flush delivers the account's due mail and files the Sent copies. It is
// single-flight per account (LockAccount): a second flush waits.
func (e *Engine) Flush(ctx context.Context, a model.Account) (send.Result, error) {
	ob, err := e.Outbox()
	if err != nil {
		return send.Result{}, err
	}
	unlock, err := e.LockAccount(ctx, a.Name, DutyOutbox)
	if err != nil {
		return send.Result{}, err
	}
	defer unlock()
	sync := e.Syncer(a)
	app := &sentAppender{engine: e, account: a, syncer: sync}
	defer app.close()
	return ob.Flush(ctx, send.Sender{
		Account:    a,
		Password:   sync.Password,
		AppendSent: app.append,
		Opts:       &send.Options{RootCAs: e.Sync.RootCAs},
	})
}

// RunOutbox is the one outbox retry loop, shared by the window and the
// continuous `thucongvu sync`: until ctx ends it flushes the due mail of
// the accounts named (all when none), at once and then every `every`.
// The accounts are looked up at each round, so accounts added or removed
// meanwhile are followed. onChange, if not nil, runs after a round that
// sent, deferred or failed a mail or met an error (the faces refresh their
// outbox count); errors stay on the mail as its last error.
func (e *Engine) RunOutbox(ctx context.Context, every time.Duration, onChange func(), names ...string) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		changed := false
		accounts, err := e.Accounts(names...)
		for _, a := range accounts {
			if ctx.Err() != nil {
				return
			}
			res, ferr := e.Flush(ctx, a)
			if ferr != nil || res != (send.Result{}) {
				changed = true
			}
		}
		if (changed || err != nil) && onChange != nil && ctx.Err() == nil {
			onChange()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sentAppender files Sent copies over one IMAP connection per flush.
type sentAppender struct {
	engine  *Engine
	account model.Account
	syncer  *imapsync.Syncer
	mu      sync.Mutex
	conn    *imapsync.Conn
	folder  string
}

func (s *sentAppender) append(ctx context.Context, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		c, err := s.syncer.Connect(ctx, nil)
		if err != nil {
			return err
		}
		s.conn = c
		s.folder = s.engine.storedSentFolder(ctx, s.account)
		if s.folder == "" {
			s.folder = serverSentFolder(c)
		}
	}
	err := s.appendOnce(raw)
	for try := 0; try < 2; try++ {
		if imapsync.HasCode(err, imap.ResponseCodeTryCreate) {
			// Gone (deleted or renamed by another client): the server's
			// \Sent folder, else this one created again.
			s.folder = serverSentFolder(s.conn)
			if err = s.conn.EnsureFolder(ctx, s.folder, model.RoleSent); err == nil {
				err = s.appendOnce(raw)
			}
		} else if imapsync.HasCode(err, imap.ResponseCodeAlreadyExists) {
			// The server made the folder on first use while another
			// session did the same (Dovecot's "auto" folders): it is there now.
			err = s.appendOnce(raw)
		}
	}
	if err == nil {
		return nil
	}
	if ie := (*imap.Error)(nil); !errors.As(err, &ie) {
		s.conn.Close() // broken: the next copy reconnects
		s.conn = nil
	}
	return fmt.Errorf("append to %s: %w", s.folder, err)
}

func (s *sentAppender) appendOnce(raw []byte) error {
	cmd := s.conn.Append(s.folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

func (s *sentAppender) close() {
	if s.conn != nil {
		s.conn.Logout().Wait()
		s.conn.Close()
	}
}

// storedSentFolder is the account's \Sent folder as the last sync saw it.
func (e *Engine) storedSentFolder(ctx context.Context, a model.Account) string {
	if folders, err := e.Store.Folders(ctx, a.Name); err == nil {
		for _, f := range folders {
			if f.Role == model.RoleSent {
				return f.Name
			}
		}
	}
	return ""
}

// serverSentFolder is the server's \Sent folder by SPECIAL-USE, else "Sent".
func serverSentFolder(c *imapsync.Conn) string {
	if list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: c.Has(imap.CapSpecialUse)}).Collect(); err == nil {
		for _, l := range list {
			if imapsync.Role(l) == model.RoleSent {
				return l.Mailbox
			}
		}
	}
	return "Sent"
}
