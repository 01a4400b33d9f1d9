package imapsync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/model"
	"thucongvu/internal/store"
)

// Summary is what one sync pass did for an account (the contract's
// `sync --once --json` fields).
type Summary struct {
	Name     string  `json:"name"`
	Folders  int     `json:"folders"`
	Messages int     `json:"messages"`
	New      int     `json:"new"`
	Bodies   int     `json:"bodies,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// Syncer keeps one account's store in step with its server.
type Syncer struct {
	Account model.Account
	Store   *store.Store
	Opts    *Options
	// Password returns the account's password (from the keychain).
	Password func() (string, error)
}

// Connect dials and logs in with the keychain password.
func (s *Syncer) Connect(ctx context.Context, handler *imapclient.UnilateralDataHandler) (*Conn, error) {
	pw, err := s.Password()
	if err != nil {
		return nil, err
	}
	return Dial(ctx, s.Account, pw, s.Opts, handler)
}

func (s *Syncer) progress(p Progress) {
	if s.Opts != nil && s.Opts.Progress != nil {
		p.Account = s.Account.Name
		s.Opts.Progress(p)
	}
}

// SyncOnce brings envelopes, flags and structure of every folder up to
// date over c. A pass cut off at any point leaves the store consistent;
// the next pass resumes without duplicates or loss.
func (s *Syncer) SyncOnce(ctx context.Context, c *Conn) (Summary, error) {
	start := time.Now()
	sum := Summary{Name: s.Account.Name}
	defer s.stored()
	folders, err := s.listFolders(ctx, c)
	if err != nil {
		return sum, err
	}
	names := make([]string, 0, len(folders))
	for _, f := range folders {
		names = append(names, f.Mailbox)
	}
	if err := s.Store.RemoveFoldersExcept(ctx, s.Account.Name, names); err != nil {
		return sum, err
	}
	for i, f := range folders {
		s.progress(Progress{Folder: f.Mailbox, Stage: "folders", Done: i, Total: len(folders)})
		n, total, err := s.syncFolder(ctx, c, f)
		if err != nil {
			return sum, fmt.Errorf("sync %s: %w", f.Mailbox, err)
		}
		sum.New += n
		sum.Messages += total
	}
	sum.Folders = len(folders)
	sum.Seconds = time.Since(start).Seconds()
	return sum, nil
}

// listFolders lists selectable folders, each with its status. STATUS
// INBOX goes out with the LIST and the other folders' STATUS commands
// right after it, all pipelined: one round trip more than LIST-STATUS, but
// Dovecot answers LIST-STATUS by reopening INBOX, in time that grows with
// the folder (20 ms at 20,000 messages), while INBOX asked first, as the
// login left it, answers at once. A folder whose STATUS fails is listed
// without status and synced in full.
func (s *Syncer) listFolders(ctx context.Context, c *Conn) ([]*imap.ListData, error) {
	opts := &imap.ListOptions{}
	if c.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	statusOpts := &imap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true,
		HighestModSeq: c.Has(imap.CapCondStore)}
	var list []*imap.ListData
	err := c.guard(ctx, func() error {
		inbox := c.Status("INBOX", statusOpts)
		var err error
		list, err = c.List("", "*", opts).Collect()
		inboxStatus, inboxErr := inbox.Wait()
		if err != nil {
			return err
		}
		type asked struct {
			folder *imap.ListData
			cmd    *imapclient.StatusCommand
		}
		var pending []asked
		for _, l := range list {
			if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
				continue
			}
			if strings.EqualFold(l.Mailbox, "INBOX") {
				if inboxErr == nil {
					l.Status = inboxStatus
				}
				continue
			}
			pending = append(pending, asked{l, c.Status(l.Mailbox, statusOpts)})
		}
		for _, a := range pending {
			if st, err := a.cmd.Wait(); err == nil {
				a.folder.Status = st
			} else if !isNo(err) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	out := list[:0]
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return folderRank(out[i]) < folderRank(out[j]) })
	return out, nil
}

// isNo reports whether err is the server's NO or BAD to one command, which
// leaves the connection usable.
func isNo(err error) bool {
	var imapErr *imap.Error
	return errors.As(err, &imapErr)
}

func folderRank(l *imap.ListData) string {
	if strings.EqualFold(l.Mailbox, "INBOX") {
		return "0"
	}
	return "1" + l.Mailbox
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

// Role maps SPECIAL-USE attributes (RFC 6154) and INBOX to a folder role.
func Role(l *imap.ListData) string {
	if strings.EqualFold(l.Mailbox, "INBOX") {
		return model.RoleInbox
	}
	for attr, role := range map[imap.MailboxAttr]string{
		imap.MailboxAttrSent: model.RoleSent, imap.MailboxAttrDrafts: model.RoleDrafts,
		imap.MailboxAttrTrash: model.RoleTrash, imap.MailboxAttrJunk: model.RoleJunk,
		imap.MailboxAttrArchive: model.RoleArchive,
	} {
		if hasAttr(l.Attrs, attr) {
			return role
		}
	}
	return ""
}

// syncFolder returns how many messages were new and how many the folder holds.
func (s *Syncer) syncFolder(ctx context.Context, c *Conn, l *imap.ListData) (int, int, error) {
	st, err := s.Store.EnsureFolder(ctx, s.Account.Name, l.Mailbox, Role(l))
	if err != nil {
		return 0, 0, err
	}
	maxUID, count, err := s.Store.FolderExtent(ctx, st.ID)
	if err != nil {
		return 0, 0, err
	}
	condstore := c.Has(imap.CapCondStore)
	// Nothing changed since the last pass: skip the folder without SELECT.
	// Only HIGHESTMODSEQ tells that no flag changed; without CONDSTORE the
	// flags are read again.
	if status := l.Status; condstore && status != nil && status.NumMessages != nil && st.UIDValidity != 0 &&
		status.UIDValidity == st.UIDValidity && uint32(status.UIDNext) == st.UIDNext &&
		int(*status.NumMessages) == count &&
		status.HighestModSeq != 0 && status.HighestModSeq == st.HighestModSeq {
		return 0, count, nil
	}
	sel, err := c.SelectFolder(ctx, l.Mailbox, &imap.SelectOptions{ReadOnly: true, CondStore: condstore})
	if err != nil {
		return 0, 0, fmt.Errorf("select: %w", err)
	}
	if st.UIDValidity != 0 && sel.UIDValidity != st.UIDValidity {
		// The server renumbered the folder: stored UIDs mean nothing now.
		if err := s.Store.ResetFolder(ctx, st.ID, sel.UIDValidity); err != nil {
			return 0, 0, err
		}
		st.HighestModSeq, maxUID, count = 0, 0, 0
	}
	added := 0
	if sel.NumMessages > 0 && uint32(sel.UIDNext) > maxUID+1 {
		if added, err = s.fetchNew(ctx, c, st, maxUID, int(sel.NumMessages), int(sel.NumMessages)-count); err != nil {
			return added, 0, err
		}
	}
	if maxUID > 0 {
		if err := s.refreshFlags(ctx, c, st, maxUID, condstore); err != nil {
			return added, 0, err
		}
	}
	if _, count, err = s.Store.FolderExtent(ctx, st.ID); err != nil {
		return added, 0, err
	}
	if count > int(sel.NumMessages) {
		if err := s.removeExpunged(ctx, c, st); err != nil {
			return added, 0, err
		}
		if _, count, err = s.Store.FolderExtent(ctx, st.ID); err != nil {
			return added, 0, err
		}
	}
	if err := s.Store.SetFolderState(ctx, st.ID, sel.UIDValidity, uint32(sel.UIDNext), sel.HighestModSeq); err != nil {
		return added, count, err
	}
	return added, count, nil
}

// fetchNew stores every message above maxUID, committing a batch at a
// time. Answers are turned into records as they arrive and stored on
// another goroutine, so reading the wire and writing the store overlap.
// Batches are committed in UID order: what is stored is always every
// message up to some UID, and the next pass resumes above it. total is the
// folder's size, expected how many new messages it should hold.
func (s *Syncer) fetchNew(ctx context.Context, c *Conn, st store.FolderState, maxUID uint32, total, expected int) (int, error) {
	set := imap.UIDSet{imap.UIDRange{Start: imap.UID(maxUID + 1), Stop: 0}}
	opts := &imap.FetchOptions{UID: true, Flags: true, Envelope: true, RFC822Size: true, InternalDate: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	w := s.startRecordWriter(ctx, st, total, expected)
	names := newHeaderTexts()
	err := c.fetchEach(ctx, set, opts, func(buf *imapclient.FetchMessageBuffer) error {
		if uint32(buf.UID) <= maxUID {
			return nil // "n:*" returns the last message even when it is below n
		}
		if buf.Envelope == nil || buf.BodyStructure == nil {
			// The answer broke off inside this message: never store half of it.
			return fmt.Errorf("%w for UID %d: expected ENVELOPE and BODYSTRUCTURE", errIncomplete, buf.UID)
		}
		r := recordOf(buf, s.Opts, names)
		r.Prepare() // here, so that the writer only writes
		return w.put(r)
	})
	if err != nil {
		if isParseError(err) {
			// Keep what was read before the bad answer, then report where it was.
			added, _ := w.finish(true)
			last, _, _ := s.Store.FolderExtent(ctx, st.ID)
			return added, &StructureError{Folder: st.Name, After: max(last, maxUID), Err: err}
		}
		added, _ := w.finish(false)
		return added, fmt.Errorf("fetch new messages: %w", err)
	}
	return w.finish(true)
}

// recordWriter stores records in batches on its own goroutine.
type recordWriter struct {
	in       chan *store.Record
	done     chan struct{}
	keepTail bool // set before in is closed: commit the last partial batch
	added    int
	failed   atomic.Pointer[error]
}

// startRecordWriter stores what put queues, a batch a transaction, until
// finish. Once fewer than a batch are still expected, a batch is also committed
// whenever the writer has caught up with the wire and holds an eighth of
// one: what is left to commit after the last answer, while the caller
// waits, stays small.
func (s *Syncer) startRecordWriter(ctx context.Context, st store.FolderState, total, expected int) *recordWriter {
	// A batch's worth of room: the wire is read on while a batch commits.
	w := &recordWriter{in: make(chan *store.Record, s.Opts.batchSize()), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		fail := func(err error) {
			w.failed.CompareAndSwap(nil, &err)
			for range w.in { // let the reader finish; nothing more is stored
			}
		}
		batch, err := s.Store.BeginBatch(ctx)
		if err != nil {
			fail(err)
			return
		}
		inBatch, received, size := 0, 0, s.Opts.batchSize()
		for r := range w.in {
			if err := batch.Put(st.ID, r); err != nil {
				batch.Rollback()
				fail(err)
				return
			}
			inBatch++
			received++
			nearEnd := expected-received < size && inBatch >= max(size/8, 1) && len(w.in) == 0
			if inBatch >= size || nearEnd {
				if err := batch.Commit(); err != nil {
					fail(err)
					return
				}
				w.added += inBatch
				s.progress(Progress{Folder: st.Name, Stage: "envelopes", Done: w.added, Total: total})
				if batch, err = s.Store.BeginBatch(ctx); err != nil {
					fail(err)
					return
				}
				inBatch = 0
			}
		}
		if !w.keepTail {
			batch.Rollback()
			return
		}
		if err := batch.Commit(); err != nil {
			fail(err)
			return
		}
		w.added += inBatch
		s.progress(Progress{Folder: st.Name, Stage: "envelopes", Done: w.added, Total: total})
	}()
	return w
}

// put queues a record; it fails once the store has failed.
func (w *recordWriter) put(r *store.Record) error {
	if err := w.failed.Load(); err != nil {
		return *err
	}
	w.in <- r
	return nil
}

// finish waits for the store side and returns how many records it
// committed; keepTail commits the last partial batch too.
func (w *recordWriter) finish(keepTail bool) (int, error) {
	w.keepTail = keepTail
	close(w.in)
	<-w.done
	if err := w.failed.Load(); err != nil {
		return w.added, *err
	}
	return w.added, nil
}

// refreshFlags updates flags of stored messages: only those changed since
// the last pass with CONDSTORE, else all of them.
func (s *Syncer) refreshFlags(ctx context.Context, c *Conn, st store.FolderState, maxUID uint32, condstore bool) error {
	opts := &imap.FetchOptions{UID: true, Flags: true}
	if condstore && st.HighestModSeq > 0 {
		opts.ModSeq = true
		opts.ChangedSince = st.HighestModSeq
	}
	batch, err := s.Store.BeginBatch(ctx)
	if err != nil {
		return err
	}
	err = c.fetchEach(ctx, imap.UIDSet{imap.UIDRange{Start: 1, Stop: imap.UID(maxUID)}}, opts, func(buf *imapclient.FetchMessageBuffer) error {
		return batch.SetFlags(st.ID, uint32(buf.UID), flagStrings(buf.Flags), buf.ModSeq)
	})
	if err != nil {
		batch.Rollback()
		return fmt.Errorf("refresh flags: %w", err)
	}
	return batch.Commit()
}

// removeExpunged deletes stored messages the server no longer has.
func (s *Syncer) removeExpunged(ctx context.Context, c *Conn, st store.FolderState) error {
	var data *imap.SearchData
	err := c.guard(ctx, func() error {
		var err error
		data, err = c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("search all: %w", err)
	}
	onServer := map[uint32]bool{}
	for _, u := range data.AllUIDs() {
		onServer[uint32(u)] = true
	}
	local, err := s.Store.FolderUIDs(ctx, st.ID)
	if err != nil {
		return err
	}
	var gone []uint32
	for _, u := range local {
		if !onServer[u] {
			gone = append(gone, u)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	batch, err := s.Store.BeginBatch(ctx)
	if err != nil {
		return err
	}
	if err := batch.Delete(st.ID, gone); err != nil {
		batch.Rollback()
		return err
	}
	return batch.Commit()
}

func flagStrings(flags []imap.Flag) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = string(f)
	}
	return out
}

// errIncomplete: a FETCH answer broke off inside a message.
var errIncomplete = errors.New("incomplete answer")

// fetchEach runs a FETCH under the watchdog and hands each answer to fn
// as it arrives. When fn finds an answer cut short, the command's own
// error (the parser's) is what is returned.
func (c *Conn) fetchEach(ctx context.Context, set imap.NumSet, opts *imap.FetchOptions, fn func(*imapclient.FetchMessageBuffer) error) error {
	return c.guard(ctx, func() error {
		cmd := c.Fetch(set, opts)
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			buf, err := msg.Collect()
			if err != nil {
				return err
			}
			if err := fn(buf); err != nil {
				if cerr := cmd.Close(); cerr != nil && errors.Is(err, errIncomplete) {
					return cerr
				}
				return err
			}
		}
		return cmd.Close()
	})
}
