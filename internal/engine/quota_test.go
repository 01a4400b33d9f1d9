package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"thucongvu/internal/testsrv"
)

// The quota comes from the server (RFC 9208) and warns from 90 %.
func TestQuotaFromServer(t *testing.T) {
	ctx := context.Background()
	const limit = 100 << 10
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, stc: stcPass},
		QuotaBytes: map[string]int64{agency: limit}})
	w := &ackWorld{d: d, p: testsrv.StartPostfix(t, d)}
	a := w.account(t)
	e := openEngineAt(t, t.TempDir(), a, agencyPass)
	q, err := e.Quota(ctx, a)
	if err != nil || q == nil {
		t.Fatalf("quota: %+v, %v", q, err)
	}
	if q.LimitBytes != limit || q.UsedBytes != 0 || q.Warning {
		t.Fatalf("empty mailbox: %+v", q)
	}
	body := strings.Repeat("Nội dung văn bản. ", 1000) // about 20 KB
	for i := 0; i < 3; i++ {
		d.Deliver(t, agency, []byte(fmt.Sprintf("From: %s\r\nSubject: Văn bản %d\r\nMessage-ID: <q%d@x>\r\n\r\n%s\r\n", stc, i, i, body)))
	}
	q, err = e.Quota(ctx, a)
	if err != nil || q == nil {
		t.Fatal(err)
	}
	if q.Percent < 60 || q.Percent >= QuotaWarnPercent || q.Warning {
		t.Fatalf("at about 70 %%: %+v", q)
	}
	d.Deliver(t, agency, []byte(fmt.Sprintf("From: %s\r\nSubject: Văn bản cuối\r\nMessage-ID: <q9@x>\r\n\r\n%s\r\n", stc, body)))
	q, err = e.Quota(ctx, a)
	if err != nil || q == nil {
		t.Fatal(err)
	}
	if q.Percent < QuotaWarnPercent || !q.Warning {
		t.Fatalf("above 90 %%: %+v", q)
	}
	// A user without a limit has no quota to show.
	b := a
	b.Name, b.Email, b.Username = "stc", stc, stc
	e2 := openEngineAt(t, t.TempDir(), b, stcPass)
	if q, err := e2.Quota(ctx, b); err != nil || q != nil {
		t.Fatalf("no limit: %+v, %v", q, err)
	}
}
