package imapsync

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// tappedConn keeps what the client sends.
type tappedConn struct {
	net.Conn
	mu   *sync.Mutex
	sent *bytes.Buffer
}

func (t tappedConn) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.sent.Write(p)
	t.mu.Unlock()
	return t.Conn.Write(p)
}

// TestUnchangedPassOnlyAsksStatus: with nothing changed on Dovecot, a pass
// sends LIST and one STATUS per folder, no SELECT and no FETCH; a flag
// changed by another client, which only HIGHESTMODSEQ reveals, is still
// picked up.
func TestUnchangedPassOnlyAsksStatus(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	for i := 1; i <= 3; i++ {
		d.Deliver(t, userHa, officialMail(i))
	}
	var mu sync.Mutex
	var sent bytes.Buffer
	a := dovecotAccount(d, false)
	a.IMAP.Security = model.SecurityNone // loopback, so the test reads the commands
	s := dovecotSyncer(t, a, &Options{Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return tappedConn{c, &mu, &sent}, err
	}})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if sum, err := s.SyncOnce(ctx, c); err != nil || sum.New != 3 {
		t.Fatalf("first pass: %+v %v", sum, err)
	}
	mu.Lock()
	sent.Reset()
	mu.Unlock()
	if sum, err := s.SyncOnce(ctx, c); err != nil || sum.New != 0 || sum.Messages != 3 || sum.Folders != 6 {
		t.Fatalf("unchanged pass: %+v %v", sum, err)
	}
	mu.Lock()
	cmds := sent.String()
	mu.Unlock()
	if regexp.MustCompile(`(?i)\b(SELECT|EXAMINE|FETCH)\b`).MatchString(cmds) {
		t.Fatalf("unchanged pass opened or fetched:\n%s", cmds)
	}
	if n := len(regexp.MustCompile(`(?i)\bSTATUS\b`).FindAllString(cmds, -1)); n != 6 {
		t.Fatalf("%d STATUS commands for 6 folders:\n%s", n, cmds)
	}

	other := imapLogin(t, d)
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := other.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	id, err := s.Store.FolderID(ctx, "canhan", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	flagged := false
	s.Store.DB().QueryRow(`SELECT flagged FROM messages WHERE folder_id = ? AND uid = 1`, id).Scan(&flagged)
	if !flagged {
		t.Fatal("flag set by another client missed")
	}
}
