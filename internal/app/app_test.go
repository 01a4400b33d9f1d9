package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/remind"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/ui"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

type captured struct{ titles, bodies []string }

func (c *captured) Notify(title, body string) error {
	c.titles = append(c.titles, title)
	c.bodies = append(c.bodies, body)
	return nil
}

func newServices(t *testing.T) *Services {
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	// A configured account without a server: these tests stay offline.
	e.Config.Accounts = []model.Account{{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Profile: "hanam"}}
	f, _ := e.Store.EnsureFolder(t.Context(), "vanthu", "INBOX", model.RoleInbox)
	b, _ := e.Store.BeginBatch(t.Context())
	b.Put(f.ID, &store.Record{UID: 1, Subject: "Công văn số 1", Document: true, Date: time.Now()})
	b.Put(f.ID, &store.Record{UID: 2, Subject: "Thư thường", Flags: []string{`\Seen`}, Date: time.Now()})
	b.Commit()
	return New(e, home)
}

// R1: at a check time of a working day a reminder says what waits; once
// the mailbox is opened, that period asks nothing more; a paused day is silent.
func TestRemindersFollowChecks(t *testing.T) {
	s := newServices(t)
	// Monday 23/11/2026, 07:45 in Vietnam: the morning check (07:30) is due.
	clock := &fakeClock{time.Date(2026, 11, 23, 7, 45, 0, 0, remind.Vietnam)}
	out := &captured{}
	r := &Reminders{S: s, Clock: clock, Notifier: out}
	sched, err := r.scheduler()
	if err != nil {
		t.Fatal(err)
	}
	due := sched.Due(clock.Now())
	if len(due) != 1 || due[0].Account != "vanthu" {
		t.Fatalf("due at 07:45: %+v", due)
	}
	title, body := r.describe(due[0])
	if title == "" || body != "Hộp thư vanthu: 1 thư chưa đọc, 1 văn bản chưa báo đã nhận. ("+due[0].Source+")" {
		t.Fatalf("reminder text: %q / %q", title, body)
	}
	s.E.Store.Checks().RecordCheck("vanthu", clock.Now(), "open")
	if again := sched.Due(clock.Now().Add(10 * time.Minute)); len(again) != 0 {
		t.Fatalf("reminded after the mailbox was opened: %+v", again)
	}
	st := s.Settings()
	st.PausedUntil = clock.Now().Add(24 * time.Hour)
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	if err := (pausable{r}).Notify("x", "y"); err != nil || len(out.titles) != 0 {
		t.Fatalf("paused reminders still shown: %v", out.titles)
	}
	// Saturday: nothing is due.
	if sat := sched.Due(time.Date(2026, 11, 28, 7, 45, 0, 0, remind.Vietnam)); len(sat) != 0 {
		t.Fatalf("reminder on a Saturday: %+v", sat)
	}
}

func TestOpeningInboxIsACheck(t *testing.T) {
	s := newServices(t)
	if !s.E.Store.Checks().LastCheck("vanthu").IsZero() {
		t.Fatal("check log not empty")
	}
	if _, err := s.Messages("vanthu", "INBOX", ui.SortDate, true, 0, 50); err != nil {
		t.Fatal(err)
	}
	if s.E.Store.Checks().LastCheck("vanthu").IsZero() {
		t.Fatal("opening INBOX was not logged as a check")
	}
}

func TestPreflightMapsFindingsForTheUI(t *testing.T) {
	s := newServices(t)
	s.E.Config.Accounts[0].Signature = model.Signature{Name: "Trần Thị Mai", Title: "Văn thư", Agency: "Sở TTTT"}
	got := s.Preflight(ui.Draft{Account: "vanthu", To: []string{"ai@gmail.com"}, Subject: "[MẬT] Kế hoạch", Body: "x",
		Attachments: []string{"/khong/con/tep.docx"}})
	codes := map[string]ui.Finding{}
	for _, f := range got {
		codes[f.Code] = f
	}
	if f := codes["secret"]; f.Rule != "R7" || f.Severity != ui.SeverityBlock || f.Source == "" {
		t.Errorf("secret finding: %+v", f)
	}
	if f := codes["foreign_webmail"]; f.Fix != ui.FixRemoveRecipient || f.Target != "ai@gmail.com" {
		t.Errorf("webmail finding: %+v", f)
	}
	if f := codes["attachment_missing"]; f.Severity != ui.SeverityBlock || f.Target != "/khong/con/tep.docx" {
		t.Errorf("missing attachment: %+v", f)
	}
}

// Machine policy set by agency IT wins over the user, and the settings
// say what it locked.
func TestMachinePolicyWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(path, []byte(`{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "IMAPPort": 993, "SMTPHost": "mail.hanam.gov.vn",
		"SMTPPort": 465, "TLS": "implicit", "CheckTimes": "07:45,13:45", "AutoAckDisabled": 1,
		"AgencyName": "Sở Thông tin và Truyền thông tỉnh Hà Nam", "AgencyPhone": "0226.3852.701"}`), 0o644)
	t.Setenv("THUCONGVU_POLICY", path)
	s := newServices(t)
	// newServices set the account after Open; apply as Open would.
	s.E.Config.Accounts = []model.Account{{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Profile: "hanam",
		IMAP: model.Server{Host: "imap.typo.vn", Port: 143, Security: model.SecuritySTARTTLS}}}
	if err := s.E.Config.Save(); err != nil {
		t.Fatal(err)
	}
	e2, err := engine.Open(s.Home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	s2 := New(e2, s.Home)
	a := e2.Config.Accounts[0]
	if a.IMAP.Host != "mail.hanam.gov.vn" || a.IMAP.Port != 993 || a.IMAP.Security != model.SecurityImplicit {
		t.Fatalf("policy servers not applied: %+v", a.IMAP)
	}
	st := s2.Settings()
	if strings.Join(st.CheckTimes, ",") != "07:45,13:45" || st.AutoAck || !st.IsLocked("check_times") || !st.IsLocked("ack.auto") {
		t.Fatalf("settings under policy: %+v", st)
	}
	st.CheckTimes, st.AutoAck = []string{"09:00"}, true
	s2.SaveSettings(st)
	if got := s2.Settings(); strings.Join(got.CheckTimes, ",") != "07:45,13:45" || got.AutoAck {
		t.Fatalf("user overrode policy: %+v", got)
	}
	s2.SetSignature("vanthu", model.Signature{Name: "Trần Thị Mai", Agency: "Cơ quan khác", Phone: "0912 345 678"})
	sig := e2.Config.Accounts[0].Signature
	if sig.Name != "Trần Thị Mai" || sig.Agency != "Sở Thông tin và Truyền thông tỉnh Hà Nam" || sig.Phone != "0226.3852.701" {
		t.Fatalf("locked signature fields changed: %+v", sig)
	}
	if !st.IsLocked("signature.agency") {
		t.Fatalf("agency field not shown locked: %v", st.Locked)
	}
}

// R1: a check time outside working hours is refused; the profile's
// minimum per session stays.
func TestCheckTimesFollowTheProfile(t *testing.T) {
	s := newServices(t)
	st := s.Settings()
	st.CheckTimes = []string{"06:00"}
	if err := s.SaveSettings(st); err == nil {
		t.Fatal("a check time before working hours was accepted")
	}
	st.CheckTimes = []string{"08:15"}
	if err := s.SaveSettings(st); err != nil {
		t.Fatal(err)
	}
	r := &Reminders{S: s, Clock: &fakeClock{time.Date(2026, 11, 23, 14, 0, 0, 0, remind.Vietnam)}, Notifier: &captured{}}
	sched, err := r.scheduler()
	if err != nil {
		t.Fatal(err)
	}
	var times []string
	for _, tm := range sched.Times() {
		times = append(times, tm.String())
	}
	if strings.Join(times, ",") != "08:15,13:30" {
		t.Fatalf("resolved check times %v: the moved morning check and the profile's afternoon one", times)
	}
}

// Snoozing brings an unanswered reminder back after the snooze.
func TestSnooze(t *testing.T) {
	s := newServices(t)
	clock := &fakeClock{time.Date(2026, 11, 23, 7, 45, 0, 0, remind.Vietnam)}
	r := &Reminders{S: s, Clock: clock, Notifier: &captured{}}
	sched, err := r.scheduler()
	if err != nil {
		t.Fatal(err)
	}
	r.sched, s.reminders = sched, r
	if len(sched.Due(clock.Now())) != 1 {
		t.Fatal("no reminder at 07:45")
	}
	s.Snooze(15 * time.Minute)
	if due := sched.Due(clock.Now().Add(5 * time.Minute)); len(due) != 0 {
		t.Fatalf("reminded during the snooze: %+v", due)
	}
	if due := sched.Due(clock.Now().Add(16 * time.Minute)); len(due) != 1 {
		t.Fatalf("no reminder after the snooze: %+v", due)
	}
}

// A reply keeps the user's text above the signature and the quote below;
// a forward carries the original whole (R8, ST 12.4).
func TestReplyAndForwardDrafts(t *testing.T) {
	s := newServices(t)
	ctx := t.Context()
	list, _ := s.E.Store.Search(ctx, "cong van so 1", "", 1)
	raw := "From: vp@hanam.gov.vn\r\nTo: vanthu@hanam.gov.vn\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_s=E1=BB=91_1?=\r\n" +
		"Message-ID: <cv1@hanam.gov.vn>\r\nReferences: <goc@hanam.gov.vn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNội dung gốc.\r\n"
	if err := s.E.Store.PutBodies(ctx, []store.Body{{ID: list[0].ID, Raw: []byte(raw), Text: "Nội dung gốc."}}); err != nil {
		t.Fatal(err)
	}
	_, cd, err := s.draft(ui.Draft{Account: "vanthu", To: []string{"vp@hanam.gov.vn"}, Subject: "Re: Công văn số 1",
		Body: "Đồng ý với đề xuất.\n\nVào 08:00 23/11/2026, Văn phòng đã viết:\n> Nội dung gốc.", ReplyTo: list[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if cd.Body != "Đồng ý với đề xuất." || !strings.HasPrefix(cd.Quoted, "Vào 08:00") || !strings.Contains(cd.Quoted, "> Nội dung gốc.") {
		t.Fatalf("reply split: body %q, quoted %q", cd.Body, cd.Quoted)
	}
	if cd.InReplyTo != list[0].MessageID || len(cd.References) == 0 {
		t.Fatalf("reply threading: %q %v", cd.InReplyTo, cd.References)
	}
	_, fwd, err := s.draft(ui.Draft{Account: "vanthu", To: []string{"lanhdao@hanam.gov.vn"}, Subject: "Fwd: Công văn số 1",
		Body: "Kính chuyển lãnh đạo.", ReplyTo: list[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(fwd.Attachments) != 1 || fwd.Attachments[0].ContentType != "message/rfc822" || string(fwd.Attachments[0].Data) != raw {
		t.Fatalf("forward does not carry the original whole: %+v", fwd.Attachments)
	}
}

// A mail that cannot go now is safely queued, and the UI is told that it
// waits in the outbox.
func TestSendQueuedTellsTheUI(t *testing.T) {
	s := newServices(t)
	s.E.Config.Accounts[0].SMTP = model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone}
	s.E.Config.Accounts[0].Signature = model.Signature{Name: "Trần Thị Mai", Title: "Văn thư", Agency: "Sở TTTT"}
	s.E.Secrets.Set("vanthu@hanam.gov.vn@", "x")
	var events []ui.Event
	s.Subscribe(func(e ui.Event) { events = append(events, e) })
	err := s.Send(t.Context(), ui.Draft{Account: "vanthu", To: []string{"stc@hanam.gov.vn"}, Subject: "Báo cáo tháng", Body: "Kính gửi."})
	if err != nil {
		t.Fatalf("a temporary failure must leave the mail queued, not fail: %v", err)
	}
	waiting := -1
	for _, e := range events {
		if e.Kind == ui.EventOutbox {
			waiting = e.Done
		}
	}
	if waiting != 1 {
		t.Fatalf("outbox event: %d waiting (events %+v)", waiting, events)
	}
}
