package imapsync

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// viaProxy points the account at a fault proxy in front of Dovecot.
func viaProxy(t *testing.T, d *testsrv.Dovecot) (*testsrv.Proxy, model.Account) {
	p := testsrv.NewProxy(t, d.IMAPSAddr)
	a := dovecotAccount(d, true)
	host, port, _ := net.SplitHostPort(p.Addr)
	a.IMAP.Host = host
	a.IMAP.Port, _ = strconv.Atoi(port)
	return p, a
}

// A connection cut in the middle of a FETCH loses nothing and, on the
// next pass, duplicates nothing.
func TestDropMidFetchResumes(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.AppendMany(t, userHa, "INBOX", 300, benchMail)
	p, a := viaProxy(t, d)
	s := dovecotSyncer(t, a, &Options{BatchSize: 50})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.DropAfterBytes(60_000) // somewhere inside the envelope FETCH
	if _, err := s.SyncOnce(ctx, c); err == nil {
		t.Fatal("a cut connection reported success")
	}
	c.Close()
	partial, _ := s.Store.CountMessages(ctx, "canhan", "INBOX")
	if partial == 0 || partial >= 300 {
		t.Fatalf("after the cut: %d stored", partial)
	}
	c2, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	sum, err := s.SyncOnce(ctx, c2)
	if err != nil || sum.Messages != 300 || sum.New != 300-partial {
		t.Fatalf("resume: %+v %v (partial %d)", sum, err, partial)
	}
	uids, _ := s.Store.FolderUIDs(ctx, mustFolder(t, s, "INBOX"))
	for i, u := range uids {
		if u != uint32(i+1) {
			t.Fatalf("UIDs after resume are not 1..300: %v", uids[:min(len(uids), 20)])
		}
	}
}

// A connection that stays open but carries nothing is given up by the
// watchdog instead of hanging the client.
func TestFrozenConnectionTimesOut(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.Deliver(t, userHa, officialMail(1))
	p, a := viaProxy(t, d)
	s := dovecotSyncer(t, a, &Options{Timeout: 500 * time.Millisecond})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p.Freeze()
	defer p.Thaw()
	start := time.Now()
	_, err = s.SyncOnce(ctx, c)
	if !errors.Is(err, failure.ErrUnreachable) {
		t.Fatalf("frozen connection: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("watchdog took %s", time.Since(start))
	}
}

// IDLE ended silently (the server or a NAT box forgot the connection):
// the periodic NOOP finds out, the client reconnects and new mail arrives.
func TestSilentIdleReconnects(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := startDovecot(t, testsrv.DovecotOptions{})
	p, a := viaProxy(t, d)
	s := dovecotSyncer(t, a, &Options{Timeout: 400 * time.Millisecond, IdleRefresh: 300 * time.Millisecond})
	events := make(chan Event, 32)
	go s.Run(ctx, false, func(ev Event) { events <- ev })
	if ev := <-events; ev.Err != nil {
		t.Fatalf("first pass: %v", ev.Err)
	}
	p.Freeze() // the connection now swallows everything, IDLE included
	var sawErr bool
	deadline := time.After(20 * time.Second)
	for !sawErr {
		select {
		case ev := <-events:
			sawErr = ev.Err != nil
		case <-deadline:
			t.Fatal("a silent connection was never noticed")
		}
	}
	p.Thaw()
	d.Deliver(t, userHa, officialMail(7))
	for {
		select {
		case ev := <-events:
			if ev.Err == nil && ev.Summary.Messages == 1 {
				n, _ := s.Store.CountMessages(ctx, "canhan", "INBOX")
				if n != 1 {
					t.Fatalf("stored %d", n)
				}
				return
			}
		case <-deadline:
			t.Fatal("no pass after reconnecting")
		}
	}
}
