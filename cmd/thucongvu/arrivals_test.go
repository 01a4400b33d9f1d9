package main

import (
	"context"
	"testing"
	"time"

	"thucongvu/internal/app"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/ui"
)

// The demo's arriving documents (R2): after they are delivered and the
// client checks, the list marks them acknowledged, while the seed mail,
// older than the mailboxes, needs no acknowledgement.
func TestDemoArrivalsAreAcknowledged(t *testing.T) {
	ctx := context.Background()
	w, err := startDemo(ctx, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer w.cleanup()
	svc := app.New(w.engine, w.home)
	defer svc.Close()
	// the mailboxes were added a moment ago; the arrivals come after
	arrived, err := w.srv.DeliverArrivals(time.Now().Add(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CheckNow(ctx, nil); err != nil {
		t.Fatal(err)
	}
	subjects := map[string]bool{}
	for _, m := range arrived {
		subjects[m.Subject] = true
	}
	var acked, old int
	for _, a := range svc.Accounts() {
		rows, err := w.engine.Store.Messages(ctx, a.Name, "INBOX", store.SortDate, true, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		marks := svc.AckMarks(ids)
		for _, r := range rows {
			mark := marks[r.ID]
			switch {
			case subjects[r.Subject]:
				if mark.State != ui.AckDone {
					t.Errorf("arrival %q: mark %v (%s)", r.Subject, mark.State, mark.Reason)
				}
				acked++
			case r.Document:
				if mark.State != ui.AckNotRequired {
					t.Errorf("seed document %q: mark %v", r.Subject, mark.State)
				}
				old++
			}
		}
	}
	if acked != len(arrived) || old == 0 {
		t.Fatalf("%d of %d arrivals acknowledged, %d seed documents", acked, len(arrived), old)
	}
	if st := svc.Status(); st.Unacked != 0 {
		t.Fatalf("status counts %d documents waiting", st.Unacked)
	}
}
