package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/model"
	"thucongvu/internal/remind"
	"thucongvu/internal/store"
)

// R1: each account is reminded at its own profile's check times (Hà Nam
// 07:30/13:30, Sóc Trăng four times a day, ST 13.2), in the user's
// language, with counts over the whole INBOX.
func TestRemindersPerAccountProfile(t *testing.T) {
	s := newServices(t)
	s.E.Config.Accounts = append(s.E.Config.Accounts, model.Account{Name: "soctrang", Email: "vanthu@soctrang.gov.vn", Profile: "soctrang"})
	f, _ := s.E.Store.EnsureFolder(t.Context(), "soctrang", "INBOX", model.RoleInbox)
	b, _ := s.E.Store.BeginBatch(t.Context())
	for i := 1; i <= 700; i++ {
		r := &store.Record{UID: uint32(i), Subject: fmt.Sprint("Thư ", i), Date: time.Now().Add(-time.Duration(i) * time.Minute)}
		r.Document = i == 700 // the oldest: beyond the newest 500
		b.Put(f.ID, r)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	// Monday 23/11/2026: both mailboxes checked at 09:00.
	clock := &fakeClock{time.Date(2026, 11, 23, 9, 0, 0, 0, remind.Vietnam)}
	for _, a := range []string{"vanthu", "soctrang"} {
		s.E.Store.Checks().RecordCheck(a, clock.Now(), "open")
	}
	r := &Reminders{S: s, Clock: clock, Notifier: &captured{}}
	sched, err := r.scheduler()
	if err != nil {
		t.Fatal(err)
	}
	// 10:05: Sóc Trăng's second morning check (10:00) is due; Hà Nam's next is 13:30.
	due := sched.Due(clock.Now().Add(65 * time.Minute))
	if len(due) != 1 || due[0].Account != "soctrang" || due[0].Source != "ST 13.2" {
		t.Fatalf("due at 10:05: %+v", due)
	}
	if got := sched.TimesOf("vanthu"); len(got) != 2 {
		t.Fatalf("Hà Nam's check times: %v", got)
	}
	st := s.Settings()
	st.Language = "en"
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	title, body := r.describe(due[0])
	if title != "Time to check the morning mail (10:00)" ||
		body != "Mailbox soctrang: 700 unread, 1 documents not yet acknowledged. (ST 13.2)" {
		t.Fatalf("reminder: %q / %q", title, body)
	}
	if strings.Contains(title+body, "thư") {
		t.Fatalf("Vietnamese in an English reminder: %q %q", title, body)
	}
}
