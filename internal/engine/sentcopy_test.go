package engine

import (
	"context"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"thucongvu/internal/model"
)

// collidingSession answers the first APPEND as Dovecot does when it made
// an "auto" folder on first use while another session did too.
type collidingSession struct {
	imapserver.Session
	collisions *atomic.Int32
}

func (s *collidingSession) Append(mailbox string, r imap.LiteralReader, opts *imap.AppendOptions) (*imap.AppendData, error) {
	if s.collisions.Add(-1) >= 0 {
		io.Copy(io.Discard, r)
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAlreadyExists, Text: "Mailbox already exists"}
	}
	return s.Session.Append(mailbox, r, opts)
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}

// memIMAP is an in-memory IMAP server without SPECIAL-USE, with only
// INBOX unless APPEND collides.
func memIMAP(t *testing.T, collisions int32) (*imapmemserver.User, model.Account) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(officerA, passA)
	folders := []string{"INBOX"}
	if collisions > 0 {
		folders = append(folders, "Sent") // made by the colliding session
	}
	for _, f := range folders {
		if err := user.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(user)
	n := &atomic.Int32{}
	n.Store(collisions)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &collidingSession{Session: mem.NewSession(), collisions: n}, nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, InsecureAuth: true, Logger: quiet{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return user, model.Account{Name: "canhan", Email: officerA, Username: officerA, Profile: "hanam",
		IMAP: model.Server{Host: host, Port: p, Security: model.SecurityNone},
		SMTP: model.Server{Host: host, Port: 1, Security: model.SecurityNone}}
}

func sentMessages(t *testing.T, user *imapmemserver.User) uint32 {
	st, err := user.Status("Sent", &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	return *st.NumMessages
}

// A server without a Sent folder: the client creates it and files the copy.
// A server that answers the APPEND with ALREADYEXISTS (the folder was made
// meanwhile): the copy is filed on the retry, once.
func TestSentCopyCreatesFolderAndRetriesCollision(t *testing.T) {
	ctx := context.Background()
	for _, collisions := range []int32{0, 1} {
		user, a := memIMAP(t, collisions)
		e := openEngine(t, t.TempDir(), a, passA)
		app := &sentAppender{engine: e, account: a, syncer: e.Syncer(a)}
		err := app.append(ctx, []byte("Subject: x\r\n\r\nx\r\n"))
		app.close()
		if err != nil {
			t.Fatalf("%d collisions: %v", collisions, err)
		}
		if n := sentMessages(t, user); n != 1 {
			t.Fatalf("%d collisions: %d Sent copies", collisions, n)
		}
	}
}
