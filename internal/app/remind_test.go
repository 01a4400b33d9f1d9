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

// A check-time reminder also says which documents are past their
// processing deadline (R8) and that the usage report is due within two
// weeks (R10, HN 11.8: before 15 November).
func TestReminderListsOverdueProcessingAndReportDue(t *testing.T) {
	s := newServices(t)
	ctx := t.Context()
	row := store.RegisterRow{Account: "vanthu", Direction: store.DirectionIn, MessageKey: "cv9@longan.gov.vn",
		MessageID: "cv9@longan.gov.vn", ReceivedAt: time.Now().Add(-72 * time.Hour), Summary: "Công văn số 9/STTTT"}
	if err := s.E.Store.AddRegisterEntry(ctx, &row); err != nil {
		t.Fatal(err)
	}
	if err := s.E.Store.UpdateRegister(ctx, row.ID, map[string]any{"assigned_to": []string{"chuyenvien@hanam.gov.vn"},
		"forward_id": "fwd9@hanam.gov.vn", "deadline": time.Now().AddDate(0, 0, -1).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	st := s.Settings()
	st.Language = "en"
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	// Thursday 5/11/2026, 07:45: ten days before Hà Nam's report deadline.
	clock := &fakeClock{time.Date(2026, 11, 5, 7, 45, 0, 0, remind.Vietnam)}
	r := &Reminders{S: s, Clock: clock, Notifier: &captured{}}
	_, body := r.describe(remind.Reminder{Account: "vanthu", Due: clock.Now(), Source: "HN 9.2"})
	for _, want := range []string{"1 documents are past their processing deadline.",
		"The e-mail use report for 2026 is due on 15/11/2026 (HN 11.8)."} {
		if !strings.Contains(body, want) {
			t.Errorf("reminder %q lacks %q", body, want)
		}
	}
	clock.t = time.Date(2026, 11, 23, 7, 45, 0, 0, remind.Vietnam)
	if _, body := r.describe(remind.Reminder{Account: "vanthu", Due: clock.Now(), Source: "HN 9.2"}); strings.Contains(body, "report") {
		t.Errorf("a report reminder after the deadline: %q", body)
	}
}
