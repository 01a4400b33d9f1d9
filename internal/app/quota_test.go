package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
	"thucongvu/internal/ui"
)

// The UI's quota comes from the server in the background: the first call
// returns at once, the reading's end is an EventChanged, and a mailbox
// past 90 % is a warning.
func TestQuotasReadInTheBackground(t *testing.T) {
	const agency, agencyPass = "vanthu@hanam.gov.vn", "Vt#2026-van-thu"
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass},
		QuotaBytes: map[string]int64{agency: 64 << 10}})
	body := strings.Repeat("Nội dung văn bản. ", 1500)
	for i := 0; i < 2; i++ {
		d.Deliver(t, agency, []byte(fmt.Sprintf("From: stc@hanam.gov.vn\r\nSubject: Văn bản %d\r\nMessage-ID: <q%d@x>\r\n\r\n%s\r\n", i, i, body)))
	}
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h, p := hostPort(t, d.IMAPSAddr)
	a := model.Account{Name: "vanthu", Email: agency, Username: agency, Profile: "hanam",
		IMAP: model.Server{Host: h, Port: p, Security: model.SecurityImplicit}, SMTP: model.Server{Host: h, Port: p, Security: model.SecurityImplicit},
		TrustedCertSHA256: d.CertSHA256}
	e.Config.Accounts = []model.Account{a}
	e.Secrets.Set(a.Username+"@"+h, agencyPass)
	s := New(e, home)
	changed := make(chan struct{}, 4)
	s.Subscribe(func(ev ui.Event) {
		if ev.Kind == ui.EventChanged {
			changed <- struct{}{}
		}
	})
	if q := s.Quotas(); len(q) != 0 {
		t.Fatalf("known before any reading: %+v", q)
	}
	select {
	case <-changed:
	case <-time.After(30 * time.Second):
		t.Fatal("no EventChanged after reading the quota")
	}
	q := s.Quotas()
	if len(q) != 1 || q[0].Account != "vanthu" || q[0].LimitBytes != 64<<10 || !q[0].Warning() {
		t.Fatalf("quotas: %+v", q)
	}
}
