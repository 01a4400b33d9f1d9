package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// The documents that arrive while the demo runs land unread in INBOX with
// today's date and Message-IDs of their own, so the client sees new mail
// to acknowledge (R2).
func TestDeliverArrivals(t *testing.T) {
	s := startServer(t, Options{})
	a, _ := s.Account("stttt")
	before := seedCount(testNow, "stttt", "INBOX")
	now := testNow.Add(30 * time.Second)
	got, err := s.DeliverArrivals(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(arrivals) {
		t.Fatalf("delivered %d, want %d", len(got), len(arrivals))
	}
	seeds := map[string]bool{}
	for _, m := range testCorpus() {
		seeds[messageIDOf(m.Raw)] = true
		seeds[m.Subject] = true
	}
	for _, m := range got {
		id := messageIDOf(m.Raw)
		if id == "" || seeds[id] || seeds[m.Subject] {
			t.Errorf("%q (%s) repeats a seed message", m.Subject, id)
		}
		head, _, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
		if strings.Count(strings.ToLower(head), "\r\nmessage-id:") > 1 {
			t.Errorf("%q has two Message-IDs", m.Subject)
		}
	}
	c := dialIMAP(t, s, a)
	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	want := before
	for _, x := range arrivals {
		if x.spec.account == "stttt" {
			want++
		}
	}
	if int(*st.NumMessages) != want {
		t.Fatalf("INBOX has %d messages, want %d", *st.NumMessages, want)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{Since: now.AddDate(0, 0, -1), NotFlag: []imap.Flag{imap.FlagSeen},
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "arrival-"}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.AllUIDs()); n != want-before {
		t.Fatalf("%d unread arrivals found on the server, want %d", n, want-before)
	}
}

func messageIDOf(raw []byte) string {
	for _, l := range strings.Split(string(raw), "\r\n") {
		if l == "" {
			break
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Message-ID") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
