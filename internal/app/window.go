package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/ack"
	"thucongvu/internal/compose"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/remind"
	"thucongvu/internal/send"
	"thucongvu/internal/store"
	"thucongvu/internal/ui"
)

var _ ui.WindowServices = (*Services)(nil)

// windowState is what the window side of the services keeps: the sync
// under way and the drafts being saved.
type windowState struct {
	mu       sync.Mutex
	syncing  int
	lastSync time.Time
	syncErr  string
	// draftMu serialises draft saves, so two copies never race on the server.
	draftMu sync.Mutex
	// roles caches each account's folder roles for the list's marks; read
	// again after rolesTTL.
	roles   map[string]map[string]string
	rolesAt time.Time
	// status is the last Status, reused for statusTTL: the window asks on
	// every refresh, and counting a large INBOX takes tens of milliseconds.
	status   ui.StatusInfo
	statusAt time.Time
}

const statusTTL = 3 * time.Second

// statusStale makes the next Status count again.
func (s *Services) statusStale() {
	w := s.win()
	w.mu.Lock()
	w.statusAt = time.Time{}
	w.mu.Unlock()
}

// rolesTTL is how long the folder roles are trusted: folders are rarely
// renamed, and a sync that renames one refreshes the list soon after.
const rolesTTL = 30 * time.Second

// folderRole is a folder's role, from the cache.
func (s *Services) folderRole(ctx context.Context, account, folder string) string {
	w := s.win()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.roles == nil || time.Since(w.rolesAt) > rolesTTL {
		w.roles, w.rolesAt = map[string]map[string]string{}, time.Now()
	}
	r, ok := w.roles[account]
	if !ok {
		r, _ = s.E.Store.FolderRoles(ctx, account)
		w.roles[account] = r
	}
	return r[folder]
}

var windowStates sync.Map // *Services → *windowState

func (s *Services) win() *windowState {
	w, _ := windowStates.LoadOrStore(s, &windowState{})
	return w.(*windowState)
}

// syncStarted and syncDone bracket a sync pass for the status bar.
func (s *Services) syncStarted() {
	w := s.win()
	w.mu.Lock()
	w.syncing++
	w.statusAt = time.Time{}
	w.mu.Unlock()
}

func (s *Services) syncDone(err error) {
	w := s.win()
	w.mu.Lock()
	w.syncing--
	w.statusAt = time.Time{}
	w.lastSync = time.Now()
	w.syncErr = ""
	if err != nil {
		w.syncErr = err.Error()
	}
	w.mu.Unlock()
}

// AckMarks implements ui.WindowServices (R2): a received document's
// acknowledgement, a sent document's "n/m đã nhận".
func (s *Services) AckMarks(ids []int64) map[int64]ui.AckMark {
	ctx := context.Background()
	out := map[int64]ui.AckMark{}
	manual := map[string]map[uint32]string{} // account → UID → reason
	sent := map[string]map[string]engine.SentDocument{}
	inSent := func(sum model.MessageSummary) bool {
		return s.folderRole(ctx, sum.Account, sum.Folder) == model.RoleSent
	}
	for _, id := range ids {
		sum, err := s.E.Store.Message(ctx, id)
		if err != nil || !sum.Document {
			out[id] = ui.AckMark{State: ui.AckNotDocument}
			continue
		}
		if inSent(sum) {
			docs, ok := sent[sum.Account]
			if !ok {
				docs = map[string]engine.SentDocument{}
				if a, err := s.account(sum.Account); err == nil {
					list, _ := s.E.Receipts(ctx, a, time.Now())
					for _, d := range list {
						docs[d.MessageID] = d
					}
				}
				sent[sum.Account] = docs
			}
			d := docs[sum.MessageID]
			m := ui.AckMark{State: ui.AckSentDoc, Acked: d.Acked, Total: d.Total}
			if rs := s.Resends(id); len(rs) > 0 {
				m.LastResend = rs[len(rs)-1].At
			}
			out[id] = m
			continue
		}
		if at, ok := s.E.AckedAt(ctx, sum.Account, sum.MessageID); ok {
			out[id] = ui.AckMark{State: ui.AckDone, At: at}
			continue
		}
		if sum.Acked {
			out[id] = ui.AckMark{State: ui.AckDone}
			continue
		}
		if before(s, sum) {
			out[id] = ui.AckMark{State: ui.AckNotRequired}
			continue
		}
		reasons, ok := manual[sum.Account]
		if !ok {
			reasons = map[uint32]string{}
			if l, err := s.E.Ledger(); err == nil {
				ds, _ := l.Manual(ctx, sum.Account, "INBOX")
				for _, d := range ds {
					reasons[d.UID] = d.Reason
				}
			}
			manual[sum.Account] = reasons
		}
		if r, ok := reasons[sum.UID]; ok && sum.Folder == "INBOX" {
			out[id] = ui.AckMark{State: ui.AckManual, Reason: r}
			continue
		}
		out[id] = ui.AckMark{State: ui.AckWaiting}
	}
	return out
}

// Status implements ui.WindowServices.
func (s *Services) Status() ui.StatusInfo {
	w := s.win()
	w.mu.Lock()
	if !w.statusAt.IsZero() && time.Since(w.statusAt) < statusTTL {
		st := w.status
		st.Syncing, st.LastSync, st.SyncError = w.syncing > 0, w.lastSync, w.syncErr
		w.mu.Unlock()
		return st
	}
	w.mu.Unlock()
	ctx := context.Background()
	var st ui.StatusInfo
	for _, a := range s.Accounts() {
		st.Unacked += s.unacked(ctx, a)
	}
	if ob, err := s.E.Outbox(); err == nil {
		items, _ := ob.List(ctx)
		for _, it := range items {
			if it.State == send.StateQueued {
				st.OutboxWaiting++
			}
		}
	}
	st.NextCheck = s.nextCheck(time.Now())
	w.mu.Lock()
	w.status, w.statusAt = st, time.Now()
	st.Syncing, st.LastSync, st.SyncError = w.syncing > 0, w.lastSync, w.syncErr
	w.mu.Unlock()
	return st
}

// nextCheck is the next check time after now on a working day, over every
// account's profile and the user's times (R1).
func (s *Services) nextCheck(now time.Time) time.Time {
	cal, err := s.E.Calendar()
	if err != nil {
		return time.Time{}
	}
	var user []profile.TimeOfDay
	for _, t := range s.userCheckTimes() {
		if v, err := profile.ParseTimeOfDay(t); err == nil {
			user = append(user, v)
		}
	}
	accounts := s.Accounts()
	day := remind.DateOf(now)
	for i := 0; i < 60; i++ {
		d := day.AddDays(i)
		if !cal.IsWorkingDay(d) {
			continue
		}
		times := append([]profile.TimeOfDay(nil), user...)
		if len(times) == 0 {
			for _, a := range accounts {
				times = append(times, cal.CheckTimes(engine.Profile(a), d)...)
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		for _, t := range times {
			if at := d.At(int(t)); at.After(now) {
				return at
			}
		}
	}
	return time.Time{}
}

// Acknowledge implements ui.WindowServices: an acknowledgement pass of the
// message's account now (R2); a document it leaves to the user comes back
// as a ready acknowledgement for the user to check and send.
func (s *Services) Acknowledge(id int64) (*ui.Draft, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	sum, err := s.E.Store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.account(sum.Account)
	if err != nil {
		return nil, err
	}
	if _, err := s.E.AckPass(ctx, a, s.ackOptions()); err != nil && !errors.Is(err, engine.ErrAcksOff) {
		return nil, err
	}
	s.E.Flush(ctx, a)
	s.statusStale()
	s.emitOutbox(ctx)
	s.emit(ui.Event{Kind: ui.EventChanged})
	if _, ok := s.E.AckedAt(ctx, sum.Account, sum.MessageID); ok {
		return nil, nil
	}
	raw, err := s.E.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := mail.Parse(raw)
	if err != nil {
		return nil, err
	}
	lang := ackLang(s.Settings().Language)
	cd, err := ack.Compose(a, m, lang, s.E.AckTemplate(a, lang).Text)
	if err != nil {
		return nil, err
	}
	d := &ui.Draft{Account: a.Name, Subject: cd.Subject, Body: cd.Body, ReplyTo: id}
	for _, t := range cd.To {
		d.To = append(d.To, t.Address)
	}
	return d, nil
}

// storedDraft is a draft kept on this computer, with the Message-ID of its
// copy on the server.
type storedDraft struct {
	ui.Draft
	ServerID string `json:"server_id,omitempty"`
}

func (s *Services) draftsDir() string { return filepath.Join(s.Home, "drafts") }

// maxDraftFile bounds a stored draft read back (its attachments are paths).
const maxDraftFile = 8 << 20

func (s *Services) readDraft(id string) (storedDraft, error) {
	var d storedDraft
	if !validDraftID(id) {
		return d, fmt.Errorf("%w: draft %q", failure.ErrNotFound, id)
	}
	f, err := os.Open(filepath.Join(s.draftsDir(), id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return d, fmt.Errorf("%w: draft %s", failure.ErrNotFound, id)
	}
	if err != nil {
		return d, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxDraftFile {
		return d, fmt.Errorf("draft %s: too large", id)
	}
	if err := json.NewDecoder(f).Decode(&d); err != nil {
		return d, fmt.Errorf("draft %s: %w", id, err)
	}
	return d, nil
}

func validDraftID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return false
		}
	}
	return true
}

// writeDraft stores d atomically (a crash leaves the old or the new copy).
func (s *Services) writeDraft(d storedDraft) error {
	if err := os.MkdirAll(s.draftsDir(), 0o700); err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	path := filepath.Join(s.draftsDir(), d.ID+".json")
	tmp, err := os.CreateTemp(s.draftsDir(), ".draft-*")
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("save draft: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("save draft: %w", err)
	}
	tmp.Close()
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// SaveDraft implements ui.WindowServices: on this computer first, then
// the server's Drafts folder, replacing the previous copy there.
func (s *Services) SaveDraft(ctx context.Context, d ui.Draft) (ui.Draft, error) {
	w := s.win()
	w.draftMu.Lock()
	defer w.draftMu.Unlock()
	if d.ID == "" {
		var b [8]byte
		rand.Read(b[:])
		d.ID = hex.EncodeToString(b[:])
	}
	d.Saved = time.Now()
	prev, _ := s.readDraft(d.ID)
	sd := storedDraft{Draft: d, ServerID: prev.ServerID}
	if err := s.writeDraft(sd); err != nil {
		return ui.Draft{}, err
	}
	a, cd, err := s.draft(d)
	if err != nil {
		return d, err
	}
	cd.Attachments = readableAttachments(cd.Attachments)
	built, err := compose.Build(cd, model.Signature{}, d.Saved)
	if err != nil {
		return d, err
	}
	if err := s.E.PutDraft(ctx, a, built.Raw, prev.ServerID); err != nil {
		return d, err
	}
	sd.ServerID = built.MessageID
	if err := s.writeDraft(sd); err != nil {
		return d, err
	}
	go s.syncDrafts(a)
	return d, nil
}

// syncDrafts brings the new copy into Thư nháp.
func (s *Services) syncDrafts(a model.Account) {
	ctx, cancel := s.ctx()
	defer cancel()
	if _, err := s.E.SyncOnce(ctx, []model.Account{a}, false); err == nil {
		s.emit(ui.Event{Kind: ui.EventChanged})
	}
}

// readableAttachments drops attachments that can no longer be read: a
// draft is kept even when a file it names went away.
func readableAttachments(as []compose.Attachment) []compose.Attachment {
	var out []compose.Attachment
	for _, at := range as {
		if at.Path == "" {
			out = append(out, at)
			continue
		}
		if _, err := os.Stat(at.Path); err == nil {
			out = append(out, at)
		}
	}
	return out
}

// DeleteDraft implements ui.WindowServices.
func (s *Services) DeleteDraft(ctx context.Context, id string) error {
	w := s.win()
	w.draftMu.Lock()
	defer w.draftMu.Unlock()
	d, err := s.readDraft(id)
	if err != nil {
		return err
	}
	if d.ServerID != "" {
		if a, err := s.account(d.Account); err == nil {
			if err := s.E.DeleteDraft(ctx, a, d.ServerID); err != nil {
				return err
			}
			go s.syncDrafts(a)
		}
	}
	if err := os.Remove(filepath.Join(s.draftsDir(), id+".json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Drafts implements ui.WindowServices.
func (s *Services) Drafts() []ui.Draft {
	entries, _ := os.ReadDir(s.draftsDir())
	var out []ui.Draft
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		if d, err := s.readDraft(id); err == nil {
			out = append(out, d.Draft)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Saved.After(out[j].Saved) })
	return out
}

// DraftOf implements ui.WindowServices: the local draft whose server copy
// the message is, else the message itself as a draft.
func (s *Services) DraftOf(id int64) (ui.Draft, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	sum, err := s.E.Store.Message(ctx, id)
	if err != nil {
		return ui.Draft{}, err
	}
	entries, _ := os.ReadDir(s.draftsDir())
	for _, e := range entries {
		if did, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			if d, err := s.readDraft(did); err == nil && d.ServerID != "" && d.ServerID == sum.MessageID {
				return d.Draft, nil
			}
		}
	}
	raw, err := s.E.Body(ctx, id)
	if err != nil {
		return ui.Draft{}, err
	}
	m, err := mail.Parse(raw)
	if err != nil {
		return ui.Draft{}, err
	}
	d := ui.Draft{Account: sum.Account, Subject: m.Subject, Body: m.Text}
	for _, l := range []struct {
		in  []mail.Address
		out *[]string
	}{{m.To, &d.To}, {m.Cc, &d.Cc}} {
		for _, a := range l.in {
			*l.out = append(*l.out, a.Address)
		}
	}
	// kept here from now on, so the next save replaces this server copy
	// rather than adding a second one
	var b [8]byte
	rand.Read(b[:])
	d.ID, d.Saved = hex.EncodeToString(b[:]), time.Now()
	if err := s.writeDraft(storedDraft{Draft: d, ServerID: sum.MessageID}); err != nil {
		return ui.Draft{}, err
	}
	return d, nil
}

// resendRecord is one re-send kept in resends.json (R2).
type resendRecord struct {
	Account    string    `json:"account"`
	MessageID  string    `json:"message_id"`
	At         time.Time `json:"at"`
	Recipients []string  `json:"recipients"`
}

const maxResendLog = 1 << 20

func (s *Services) readResends() []resendRecord {
	f, err := os.Open(filepath.Join(s.Home, "resends.json"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []resendRecord
	if st, err := f.Stat(); err != nil || st.Size() > maxResendLog {
		return nil
	}
	json.NewDecoder(f).Decode(&out)
	return out
}

// recordResend keeps when and to whom a document was re-sent.
func (s *Services) recordResend(r resendRecord) error {
	w := s.win()
	w.mu.Lock()
	defer w.mu.Unlock()
	all := append(s.readResends(), r)
	if len(all) > 2000 {
		all = all[len(all)-2000:]
	}
	data, err := json.Marshal(all)
	if err != nil {
		return err
	}
	path := filepath.Join(s.Home, "resends.json")
	if err := os.WriteFile(path+".tmp", data, 0o600); err != nil {
		return fmt.Errorf("record the re-send: %w", err)
	}
	return os.Rename(path+".tmp", path)
}

// Resends implements ui.WindowServices.
func (s *Services) Resends(id int64) []ui.Resend {
	sum, err := s.E.Store.Message(context.Background(), id)
	if err != nil {
		return nil
	}
	var out []ui.Resend
	for _, r := range s.readResends() {
		if r.Account == sum.Account && r.MessageID == sum.MessageID {
			out = append(out, ui.Resend{At: r.At, Recipients: r.Recipients})
		}
	}
	return out
}

// DefaultAckTemplate implements ui.WindowServices.
func (s *Services) DefaultAckTemplate(lang string) string {
	return ack.DefaultTemplates[ackLang(lang)]
}

// UpdateAccount implements ui.WindowServices: the servers and password of
// an existing mailbox; settings machine policy fixes stay as they are.
func (s *Services) UpdateAccount(a model.Account, password string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	s.duties.pause()
	s.cfgMu.Lock()
	err := s.E.UpdateAccount(ctx, a, password)
	s.cfgMu.Unlock()
	s.duties.Reconcile()
	if err != nil {
		return err
	}
	s.emit(ui.Event{Kind: ui.EventChanged})
	return nil
}

// missing lists who has not acknowledged a sent document (R2).
func (s *Services) missing(ctx context.Context, a model.Account, messageID string) []string {
	docs, err := s.E.Receipts(ctx, a, time.Now())
	if err != nil {
		return nil
	}
	for _, d := range docs {
		if d.MessageID == messageID {
			return d.Missing
		}
	}
	return nil
}

// before: the mail came before its mailbox was added to this client; R2
// acknowledgements start with the mail that arrives after.
func before(s *Services, sum model.MessageSummary) bool {
	a, err := s.account(sum.Account)
	return err == nil && !a.Added.IsZero() && sum.Date.Before(a.Added.Truncate(time.Second))
}

// unacked counts the account's INBOX documents that arrived since the
// mailbox was added and are not acknowledged (R2): those the server does
// not mark yet, less those this client queued since the last sync (the
// ledger's acks). One query over the date index.
func (s *Services) unacked(ctx context.Context, a model.Account) int {
	if _, err := s.E.Ledger(); err != nil { // makes the ledger's table
		return 0
	}
	since := int64(0)
	if !a.Added.IsZero() {
		since = a.Added.Truncate(time.Second).Unix()
	}
	var n int
	err := s.E.Store.DB().QueryRowContext(ctx, `
		SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id
		WHERE f.account = ? AND f.name = 'INBOX' AND m.date >= ? AND m.document <> 0
		  AND (' ' || m.flags || ' ') NOT LIKE ?
		  AND NOT EXISTS (SELECT 1 FROM acks k WHERE k.account = f.account AND k.message_id = m.message_id AND k.state = ?)`,
		a.Name, since, "% "+store.KeywordAcked+" %", ack.StateQueued).Scan(&n)
	if err != nil {
		return 0
	}
	return n
}

// MoveToTrash implements ui.WindowServices.
func (s *Services) MoveToTrash(id int64) error {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.E.MoveToTrash(ctx, id); err != nil {
		return err
	}
	s.statusStale()
	s.emit(ui.Event{Kind: ui.EventChanged})
	return nil
}
