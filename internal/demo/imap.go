package demo

import (
	"bytes"
	"fmt"
	_ "github.com/emersion/go-message/charset" // the server decodes legacy charsets in ENVELOPE, as Dovecot does
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// delim is imapmemserver's hierarchy delimiter.
const delim = '/'

// standardFolders are created for every account, with RFC 6154 special-use
// attributes.
var standardFolders = []struct {
	name  string
	attrs []imap.MailboxAttr
}{
	{"INBOX", nil},
	{"Sent", []imap.MailboxAttr{imap.MailboxAttrSent}},
	{"Drafts", []imap.MailboxAttr{imap.MailboxAttrDrafts}},
	{"Trash", []imap.MailboxAttr{imap.MailboxAttrTrash}},
	{"Junk", []imap.MailboxAttr{imap.MailboxAttrJunk}},
	{"Archive", []imap.MailboxAttr{imap.MailboxAttrArchive}},
}

// folderRegistry remembers each mailbox's special-use attributes and
// subscription. imapmemserver (v2.0.0-beta.8) keeps a special-use field but
// offers no way to set it, and ignores CREATE (USE ...); so this package
// answers LIST itself from this registry and delegates everything else.
type folderRegistry struct {
	mu      sync.Mutex
	folders map[string]*folderInfo
}

type folderInfo struct {
	specialUse []imap.MailboxAttr
	subscribed bool
}

func newFolderRegistry() *folderRegistry {
	return &folderRegistry{folders: make(map[string]*folderInfo)}
}

// create makes a mailbox in imapmemserver and registers it, subscribed.
func (u *demoUser) create(name string, specialUse []imap.MailboxAttr) error {
	if err := u.mem.Create(name, &imap.CreateOptions{SpecialUse: specialUse}); err != nil {
		return err
	}
	if err := u.mem.Subscribe(name); err != nil {
		return err
	}
	u.folders.mu.Lock()
	defer u.folders.mu.Unlock()
	u.folders.folders[strings.TrimRight(name, string(delim))] = &folderInfo{specialUse: slices.Clone(specialUse), subscribed: true}
	return nil
}

// appendRaw stores a message in a folder of u, as a delivery or a seed.
func (u *demoUser) appendRaw(folder string, raw []byte, flags []imap.Flag, t time.Time) error {
	_, err := u.mem.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Flags: flags, Time: t})
	if err != nil {
		return fmt.Errorf("append to %s: %w", folder, err)
	}
	return nil
}

// imapSession is one IMAP connection. Before login UserSession is nil; the
// server only calls Login and Close in that state.
type imapSession struct {
	*imapmemserver.UserSession
	srv  *Server
	user *demoUser
}

var _ imapserver.SessionIMAP4rev2 = (*imapSession)(nil)

// Login accepts the account's username or e-mail address with its password.
func (s *imapSession) Login(username, password string) error {
	u := s.srv.userFor(username)
	if u == nil {
		return imapserver.ErrAuthFailed
	}
	if err := u.mem.Login(u.acct.Username, password); err != nil {
		return err
	}
	s.user = u
	s.UserSession = imapmemserver.NewUserSession(u.mem)
	return nil
}

// Unauthenticate returns the connection to the not-authenticated state.
func (s *imapSession) Unauthenticate() error {
	if err := s.UserSession.Close(); err != nil {
		return err
	}
	s.UserSession, s.user = nil, nil
	return nil
}

func (s *imapSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *imapSession) Create(name string, options *imap.CreateOptions) error {
	var use []imap.MailboxAttr
	if options != nil {
		use = options.SpecialUse
	}
	if err := s.UserSession.Create(name, options); err != nil {
		return err
	}
	s.user.folders.mu.Lock()
	defer s.user.folders.mu.Unlock()
	s.user.folders.folders[strings.TrimRight(name, string(delim))] = &folderInfo{specialUse: slices.Clone(use)}
	return nil
}

func (s *imapSession) Delete(name string) error {
	if err := s.UserSession.Delete(name); err != nil {
		return err
	}
	s.user.folders.mu.Lock()
	defer s.user.folders.mu.Unlock()
	delete(s.user.folders.folders, name)
	return nil
}

func (s *imapSession) Rename(name, newName string, options *imap.RenameOptions) error {
	if err := s.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	s.user.folders.mu.Lock()
	defer s.user.folders.mu.Unlock()
	f := s.user.folders.folders[name]
	delete(s.user.folders.folders, name)
	if f == nil {
		f = &folderInfo{}
	}
	s.user.folders.folders[strings.TrimRight(newName, string(delim))] = f
	return nil
}

func (s *imapSession) Subscribe(name string) error { return s.setSubscribed(name, true) }

func (s *imapSession) Unsubscribe(name string) error { return s.setSubscribed(name, false) }

func (s *imapSession) setSubscribed(name string, on bool) error {
	var err error
	if on {
		err = s.UserSession.Subscribe(name)
	} else {
		err = s.UserSession.Unsubscribe(name)
	}
	if err != nil {
		return err
	}
	s.user.folders.mu.Lock()
	defer s.user.folders.mu.Unlock()
	if f := s.user.folders.folders[name]; f != nil {
		f.subscribed = on
	}
	return nil
}

// List answers LIST and LSUB with special-use attributes (RFC 6154). Like
// Dovecot, it includes them in every LIST, not only with RETURN (SPECIAL-USE).
func (s *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: delim})
	}

	type entry struct {
		name string
		info folderInfo
	}
	s.user.folders.mu.Lock()
	var entries []entry
	for name, f := range s.user.folders.folders {
		entries = append(entries, entry{name, folderInfo{specialUse: slices.Clone(f.specialUse), subscribed: f.subscribed}})
	}
	s.user.folders.mu.Unlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	for _, e := range entries {
		if !slices.ContainsFunc(patterns, func(p string) bool { return imapserver.MatchList(e.name, delim, ref, p) }) {
			continue
		}
		if options.SelectSubscribed && !e.info.subscribed {
			continue
		}
		if options.SelectSpecialUse && len(e.info.specialUse) == 0 {
			continue
		}
		data := imap.ListData{Mailbox: e.name, Delim: delim}
		if e.info.subscribed {
			data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
		}
		data.Attrs = append(data.Attrs, e.info.specialUse...)
		if options.ReturnStatus != nil {
			st, err := s.UserSession.Status(e.name, options.ReturnStatus)
			if err != nil {
				return err
			}
			data.Status = st
		}
		if err := w.WriteList(&data); err != nil {
			return err
		}
	}
	return nil
}
