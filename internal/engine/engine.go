// Package engine wires configuration, keychain, store and IMAP sync for
// one or more accounts. Both faces — the command line and the Fyne UI —
// drive the client through it; it imports no UI.
package engine

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/ack"
	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
	"thucongvu/internal/secret"
	"thucongvu/internal/send"
	"thucongvu/internal/store"
)

// Engine is the client's state for one state folder.
type Engine struct {
	Config  *config.Config
	Store   *store.Store
	Secrets secret.Store
	// Sync are the connection options every account's sync uses.
	Sync imapsync.Options

	// Policy is the machine policy set by agency IT; it wins over the user
	// in Config.Accounts, never in the user's files.
	Policy *config.Policy

	outboxOnce   sync.Once
	outbox       *send.Outbox
	outboxErr    error
	calendarOnce sync.Once
	calendar     *remind.Calendar
	calendarErr  error
	ledgerOnce   sync.Once
	ledger       *ack.Ledger
	ledgerErr    error
	// Indexer indexes downloaded bodies' text after each body pass (bodyindex.go).
	Indexer *imapsync.BodyIndexer
}

// Open loads the configuration and store under home, with the machine
// policy of this computer over them.
func Open(home string, secrets secret.Store) (*Engine, error) {
	pol, err := config.LoadPolicy()
	if err != nil {
		return nil, fmt.Errorf("machine policy: %w", err)
	}
	return OpenWithPolicy(home, secrets, pol)
}

// OpenWithPolicy is Open under the given machine policy (the demo passes
// an empty one: its accounts are not the agency's).
func OpenWithPolicy(home string, secrets secret.Store, pol *config.Policy) (*Engine, error) {
	if pol == nil {
		pol = &config.Policy{}
	}
	cfg, err := config.Load(home)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenHome(home)
	if err != nil {
		return nil, err
	}
	e := &Engine{Config: cfg, Store: st, Secrets: secrets, Policy: pol}
	e.Sync.BodyText = bodyText
	e.Sync.NamesDocument = namesDocument
	e.Indexer = imapsync.NewBodyIndexer(st, bodyText)
	e.Sync.Stored = e.Indexer.Wake
	e.SetPolicy(pol)
	return e, nil
}

// SetPolicy puts machine policy over the accounts (never into the user's
// files) and trusts its CA. The caller keeps every duty stopped meanwhile:
// the faces call it when agency IT changed the policy while the client runs.
func (e *Engine) SetPolicy(pol *config.Policy) {
	if pol == nil {
		pol = &config.Policy{}
	}
	if e.Policy != nil && e.Policy.TrustedCACert != "" {
		e.Sync.RootCAs = nil // the old policy's CA
	}
	e.Policy = pol
	e.Config.SetPolicy(pol)
	if pol.TrustedCACert != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM([]byte(pol.TrustedCACert))
		e.Sync.RootCAs = pool
	}
}

// Locked reports whether machine policy fixes a setting of an account
// (config.Setting* names); the faces show such fields locked.
func (e *Engine) Locked(account, setting string) bool {
	return e.Config.Locked(account, setting)
}

// CheckUnlocked refuses (failure.ErrBlocked) a change from eff, an account
// in effect, to want that touches settings machine policy locks. For a new
// account, eff is e.Policy.Effective(want).
func (e *Engine) CheckUnlocked(eff, want model.Account) error {
	if c := e.Policy.Refused(eff, want); len(c) > 0 {
		return fmt.Errorf("%w: %s set by agency IT (machine policy): %s", failure.ErrBlocked,
			plural(len(c), "is", "are"), strings.Join(c, ", "))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// namesDocument marks in the list a mail that R9 makes a document without
// an attachment: a trusted sender (*.gov.vn) naming a document type in its
// subject ("Lịch công tác tuần", "Thông báo số 12/TB-UBND").
func namesDocument(from, subject string) bool {
	_, domain, _ := strings.Cut(from, "@")
	return profile.ForDomain(domain).IsTrusted(domain) && mail.NamesDocument(subject)
}

// bodyText is what the full-text index keeps of a downloaded message (its
// decoded body and attachment names), or why it cannot be decoded.
func bodyText(raw []byte) (string, error) {
	m, err := mail.Parse(raw)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(m.Text)
	for _, a := range m.Attachments {
		b.WriteString(" " + a.Filename)
	}
	return b.String(), nil
}

// Close stops the background body indexing and closes the store.
func (e *Engine) Close() error {
	if e.Indexer != nil {
		e.Indexer.Close()
	}
	return e.Store.Close()
}

// secretKey is the keychain entry of an account: its login name and
// server as the user stored them (never machine policy's), so two
// accounts never share an entry by accident and a policy never hides it.
func (e *Engine) secretKey(a model.Account) string {
	if own, ok := e.Config.Own(a.Name); ok {
		a = own
	}
	return secretKey(a)
}

func secretKey(a model.Account) string {
	user := a.Username
	if user == "" {
		user = a.Email
	}
	return user + "@" + a.IMAP.Host
}

// AddAccount checks the password against the server, then stores it in
// the keychain and the account in the configuration. Nothing is saved
// when the login fails.
// a holds the user's values; the login uses machine policy's where it
// sets them.
func (e *Engine) AddAccount(ctx context.Context, a model.Account, password string) error {
	if err := config.Validate(e.Policy.Effective(a)); err != nil {
		return err
	}
	if _, err := e.Config.Account(a.Name); err == nil {
		return fmt.Errorf("%w: account %q already exists", failure.ErrUsage, a.Name)
	}
	if password == "" {
		return fmt.Errorf("%w: empty password", failure.ErrUsage)
	}
	if a.Added.IsZero() {
		a.Added = time.Now().UTC()
	}
	a.PasswordSet = time.Now().UTC()
	c, err := imapsync.Dial(ctx, e.Policy.Effective(a), password, &e.Sync, nil)
	if err != nil {
		return err
	}
	c.Logout().Wait()
	c.Close()
	if err := e.Secrets.Set(secretKey(a), password); err != nil {
		return err
	}
	if err := e.Config.AddAccount(a); err != nil {
		return err
	}
	return e.Config.Save()
}

// RemoveAccount forgets an account: configuration, password and local mail.
func (e *Engine) RemoveAccount(ctx context.Context, name string) error {
	a, err := e.Config.Account(name)
	if err != nil {
		return err
	}
	key := e.secretKey(*a)
	if err := e.Config.RemoveAccount(name); err != nil {
		return err
	}
	if err := e.Config.Save(); err != nil {
		return err
	}
	if err := e.Secrets.Delete(key); err != nil {
		return err
	}
	return e.Store.RemoveAccount(ctx, name)
}

// Accounts returns the accounts named, or all of them when names is empty.
func (e *Engine) Accounts(names ...string) ([]model.Account, error) {
	if len(names) == 0 {
		return e.Config.Accounts, nil
	}
	var out []model.Account
	for _, n := range names {
		a, err := e.Config.Account(n)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// Syncer returns the sync engine of an account.
func (e *Engine) Syncer(a model.Account) *imapsync.Syncer {
	return &imapsync.Syncer{
		Account: a,
		Store:   e.Store,
		Opts:    &e.Sync,
		Password: func() (string, error) {
			pw, err := e.Secrets.Get(e.secretKey(a))
			if errors.Is(err, secret.ErrNoPassword) {
				return "", fmt.Errorf("%w: no password in the %s for account %s: remove and add it again", failure.ErrAuth, e.Secrets.Label(), a.Name)
			}
			return pw, err
		},
	}
}

// SyncOnce runs one pass (envelopes, flags, structure; bodies too when
// asked) for each account in turn.
func (e *Engine) SyncOnce(ctx context.Context, accounts []model.Account, bodies bool) ([]imapsync.Summary, error) {
	var out []imapsync.Summary
	var errs []string
	var first error
	for _, a := range accounts {
		sum, err := e.syncAccount(ctx, a, bodies)
		out = append(out, sum)
		if err != nil {
			if first == nil {
				first = err
			}
			errs = append(errs, a.Name+": "+err.Error())
		}
	}
	if first != nil {
		return out, fmt.Errorf("%w", joinErr{first, strings.Join(errs, "; ")})
	}
	return out, nil
}

func (e *Engine) syncAccount(ctx context.Context, a model.Account, bodies bool) (imapsync.Summary, error) {
	start := time.Now()
	s := e.Syncer(a)
	c, err := s.Connect(ctx, nil)
	if err != nil {
		return imapsync.Summary{Name: a.Name}, err
	}
	defer func() {
		c.Logout().Wait()
		c.Close()
	}()
	c, sum, err := s.SyncRecovering(ctx, c, nil)
	if err != nil {
		return sum, err
	}
	if bodies {
		sum.Bodies, err = s.SyncBodies(ctx, c)
	}
	sum.Seconds = time.Since(start).Seconds()
	return sum, err
}

// joinErr keeps the first error for errors.Is while describing all.
type joinErr struct {
	first error
	text  string
}

func (j joinErr) Error() string { return j.text }
func (j joinErr) Unwrap() error { return j.first }

// RecordCheck logs that the user checked the account's mail (R1, R10).
func (e *Engine) RecordCheck(ctx context.Context, account, how string) error {
	return e.Store.Checks().RecordCheck(account, time.Now(), how)
}

// Correspondents completes recipient addresses.
func (e *Engine) Correspondents(ctx context.Context, prefix string, limit int) []model.Address {
	out, _ := e.Store.Correspondents(ctx, prefix, limit)
	return out
}

// PasswordAdvice says what the account's profile asks of its password
// (R6: HN 8.2, LĐ 11.2): the rules the password breaks, and a change when
// it is older than the profile allows. The server decides; this advises.
func PasswordAdvice(a model.Account, password string, now time.Time) []string {
	p := Profile(a)
	var out []string
	if password != "" {
		out = p.CheckPassword(password)
	}
	if days := p.Password.MaxAgeDays.Value; days > 0 && !a.PasswordSet.IsZero() && now.Sub(a.PasswordSet) > time.Duration(days)*24*time.Hour {
		out = append(out, fmt.Sprintf("Mật khẩu đã dùng quá %d ngày: hãy đổi mật khẩu — %s.", days, p.Password.MaxAgeDays.Source))
	}
	return out
}

// logout ends a connection opened for one short task.
func logout(c *imapsync.Conn) {
	c.Logout().Wait()
	c.Close()
}
