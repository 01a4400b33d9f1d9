package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/engine"
	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
	"thucongvu/internal/ui"
)

// A mail without a recipient is a blocking finding before Send, in words
// the UI translates, never the outbox's "usage: no recipient".
func TestPreflightNoRecipient(t *testing.T) {
	s := newServices(t)
	fs := s.Preflight(ui.Draft{Account: "vanthu", Subject: "Công văn số 1", Body: "Kính gửi."})
	found := false
	for _, f := range fs {
		if f.Code == "no_recipient" {
			found = f.Severity == ui.SeverityBlock
		}
	}
	if !found {
		t.Fatalf("no blocking no_recipient finding: %+v", fs)
	}
	fs = s.Preflight(ui.Draft{Account: "vanthu", To: []string{"stc@hanam.gov.vn"}, Subject: "Công văn số 1", Body: "Kính gửi."})
	for _, f := range fs {
		if f.Code == "no_recipient" {
			t.Fatalf("no_recipient with a recipient: %+v", fs)
		}
	}
}

// R2: the list's marks: a document waiting, an ordinary mail none; the
// status bar counts the documents not acknowledged and names the next
// check time (R1).
func TestAckMarksAndStatus(t *testing.T) {
	s := newServices(t)
	msgs, err := s.Messages("vanthu", "INBOX", ui.SortDate, true, 0, 10)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("messages: %v %v", msgs, err)
	}
	var ids []int64
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	marks := s.AckMarks(ids)
	for _, m := range msgs {
		want := ui.AckNotDocument
		if m.Document {
			want = ui.AckWaiting
		}
		if marks[m.ID].State != want {
			t.Errorf("%q: mark %v, want %v", m.Subject, marks[m.ID].State, want)
		}
	}
	st := s.Status()
	if st.Unacked != 1 {
		t.Errorf("status counts %d documents not acknowledged, want 1", st.Unacked)
	}
	if st.NextCheck.IsZero() || !st.NextCheck.After(time.Now()) {
		t.Errorf("next check %v", st.NextCheck)
	}
}

// officerServices opens the client in a new home with officer's account
// "nvan" on d added.
func officerServices(t *testing.T, d *testsrv.Dovecot, officer, pass string) (*Services, *engine.Engine, model.Account, string) {
	t.Helper()
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s := New(e, home)
	ih, ip := hostPort(t, d.IMAPSAddr)
	a := model.Account{Name: "nvan", Email: officer, Username: officer, Profile: "hanam",
		IMAP:              model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: ih, Port: 465, Security: model.SecurityImplicit},
		TrustedCertSHA256: d.CertSHA256}
	if err := s.AddAccount(a, pass); err != nil {
		t.Fatal(err)
	}
	return s, e, a, home
}

// Drafts: kept on this computer at once (a crash loses nothing saved),
// then in the server's Drafts folder; a second save replaces the server's
// copy; deleting removes both.
func TestDraftsLocalThenServer(t *testing.T) {
	const officer, pass = "nvan@hanam.gov.vn", "Nv#2026-draft-pass"
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{officer: pass}})
	s, e, a, home := officerServices(t, d, officer, pass)
	ctx := context.Background()
	saved, err := s.SaveDraft(ctx, ui.Draft{Account: "nvan", To: []string{"stc@hanam.gov.vn"}, Subject: "Báo cáo quý", Body: "Bản nháp thứ nhất"})
	if err != nil {
		t.Fatal(err)
	}
	if saved.ID == "" {
		t.Fatal("no draft ID")
	}
	// after a crash: a new Services on the same home finds the draft
	if ds := New(e, home).Drafts(); len(ds) != 1 || ds[0].Body != "Bản nháp thứ nhất" {
		t.Fatalf("drafts after restart: %+v", ds)
	}
	saved.Body = "Bản nháp thứ hai"
	if _, err := s.SaveDraft(ctx, saved); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(d.LogTail())
		}
	})
	bodies := serverDrafts(t, e, a)
	if len(bodies) != 1 || !strings.Contains(bodies[0], "Bản nháp thứ hai") {
		t.Fatalf("server Drafts after two saves: %d copies %q", len(bodies), bodies)
	}
	// a draft written elsewhere, opened from Thư nháp: saving replaces it
	if _, err := e.SyncOnce(ctx, []model.Account{a}, false); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.Messages("nvan", "Drafts", ui.SortDate, true, 0, 10)
	if len(rows) != 1 {
		t.Fatalf("Thư nháp shows %d drafts", len(rows))
	}
	if err := os.RemoveAll(filepath.Join(home, "drafts")); err != nil { // as on another computer
		t.Fatal(err)
	}
	other, err := s.DraftOf(rows[0].ID)
	if err != nil || !strings.Contains(other.Body, "Bản nháp thứ hai") || other.ID == "" {
		t.Fatalf("draft from the server: %+v %v", other, err)
	}
	other.Body = "Bản nháp thứ ba"
	if _, err := s.SaveDraft(ctx, other); err != nil {
		t.Fatal(err)
	}
	if bodies := serverDrafts(t, e, a); len(bodies) != 1 || !strings.Contains(bodies[0], "Bản nháp thứ ba") {
		t.Fatalf("server Drafts after saving a reopened draft: %q", bodies)
	}
	saved = other
	if err := s.DeleteDraft(ctx, saved.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(serverDrafts(t, e, a)); n != 0 {
		t.Fatalf("server Drafts after delete: %d copies", n)
	}
	if ds := s.Drafts(); len(ds) != 0 {
		t.Fatalf("local drafts after delete: %+v", ds)
	}
}

// serverDrafts reads the texts of the server's Drafts folder.
func serverDrafts(t *testing.T, e *engine.Engine, a model.Account) []string {
	t.Helper()
	ctx := context.Background()
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer func() {
		c.Logout().Wait()
		c.Close()
	}()
	sel, err := c.Select("Drafts", nil).Wait()
	if err != nil {
		t.Fatalf("select Drafts: %v", err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}, Flags: true}).Collect()
	if err != nil {
		t.Fatalf("fetch Drafts: %v", err)
	}
	var out []string
	for _, m := range msgs {
		if !hasFlag(m.Flags, imap.FlagDraft) {
			t.Errorf("server copy without \\Draft: %v", m.Flags)
		}
		for _, b := range m.BodySection {
			pm, err := mail.Parse(b.Bytes)
			if err != nil {
				t.Fatalf("parse the server's copy: %v\n%s", err, b.Bytes)
			}
			out = append(out, pm.Text)
		}
	}
	return out
}

func hasFlag(fs []imap.Flag, f imap.Flag) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// Delete moves a message to the server's Trash (IMAP MOVE) and the store
// follows; deleting in Trash leaves it there.
func TestMoveToTrash(t *testing.T) {
	const officer, pass = "nvan@hanam.gov.vn", "Nv#2026-trash-pass"
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{officer: pass}})
	d.AppendMany(t, officer, "INBOX", 2, func(i int) []byte {
		return []byte("From: Sở Tài chính <stc@hanam.gov.vn>\r\nTo: " + officer + "\r\nSubject: Thư số " + string(rune('1'+i)) +
			"\r\nMessage-ID: <trash-" + string(rune('1'+i)) + "@hanam.gov.vn>\r\nDate: Mon, 23 Nov 2026 08:00:00 +0700\r\n\r\nNội dung.\r\n")
	})
	s, e, a, _ := officerServices(t, d, officer, pass)
	if _, err := e.SyncOnce(context.Background(), []model.Account{a}, false); err != nil {
		t.Fatal(err)
	}
	inbox, err := s.Messages("nvan", "INBOX", ui.SortDate, true, 0, 10)
	if err != nil || len(inbox) != 2 {
		t.Fatalf("INBOX: %v %v", inbox, err)
	}
	if err := s.MoveToTrash(inbox[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountMessages("nvan", "INBOX"); n != 1 {
		t.Fatalf("INBOX has %d messages after the move", n)
	}
	trash, _ := s.Messages("nvan", "Trash", ui.SortDate, true, 0, 10)
	if len(trash) != 1 || trash[0].Subject != inbox[0].Subject {
		t.Fatalf("Trash: %+v", trash)
	}
	if err := s.MoveToTrash(trash[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountMessages("nvan", "Trash"); n != 1 {
		t.Fatalf("Trash has %d messages after deleting there", n)
	}
}
