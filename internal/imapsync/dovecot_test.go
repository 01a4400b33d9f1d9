package imapsync

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

const (
	userHa   = "nguyenthithanhha@hanam.gov.vn"
	passHa   = "Hn@2026-mật-khẩu"
	userVthu = "vanthu@hanam.gov.vn"
)

func startDovecot(t *testing.T, opts testsrv.DovecotOptions) *testsrv.Dovecot {
	if opts.Users == nil {
		opts.Users = map[string]string{userHa: passHa, userVthu: "Vt#2026abc"}
	}
	return testsrv.StartDovecot(t, opts)
}

func dovecotAccount(d *testsrv.Dovecot, implicit bool) model.Account {
	addr, sec := d.IMAPAddr, model.SecuritySTARTTLS
	if implicit {
		addr, sec = d.IMAPSAddr, model.SecurityImplicit
	}
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return model.Account{Name: "canhan", Email: userHa, Username: userHa,
		IMAP: model.Server{Host: host, Port: p, Security: sec}, TrustedCertSHA256: d.CertSHA256}
}

func dovecotSyncer(t *testing.T, a model.Account, opts *Options) *Syncer {
	st, err := store.Open(t.TempDir() + "/mail.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opts == nil {
		opts = &Options{}
	}
	return &Syncer{Account: a, Store: st, Opts: opts, Password: func() (string, error) { return passHa, nil }}
}

func officialMail(i int) []byte {
	return []byte(fmt.Sprintf("From: =?UTF-8?Q?S=E1=BB=9F_T=C3=A0i_ch=C3=ADnh?= <stc@hanam.gov.vn>\r\n"+
		"To: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMessage-ID: <cv%d@hanam.gov.vn>\r\nDate: Tue, 3 Nov 2026 08:00:00 +0700\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"ranh\"\r\n\r\n--ranh\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi: Sở Thông tin và Truyền thông.\r\nVăn bản số %d/STC-NS.\r\n"+
		"--ranh\r\nContent-Type: application/pdf; name=\"cong-van-%d.pdf\"\r\nContent-Disposition: attachment; filename=\"cong-van-%d.pdf\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MK\r\n--ranh--\r\n",
		userHa, b64(fmt.Sprintf("Công văn số %d về dự toán ngân sách", i)), i, i, i, i))
}

func TestDovecotSyncRolesFlagsExpungeUIDValidity(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	for i := 1; i <= 5; i++ {
		d.Deliver(t, userHa, officialMail(i))
	}
	s := dovecotSyncer(t, dovecotAccount(d, true), nil)
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.Has(imap.CapCondStore) {
		t.Fatal("Dovecot should offer CONDSTORE")
	}
	sum, err := s.SyncOnce(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 5 || sum.Messages != 5 {
		t.Fatalf("first pass: %+v", sum)
	}
	folders, _ := s.Store.Folders(ctx, "canhan")
	roles := map[string]string{}
	for _, f := range folders {
		roles[f.Role] = f.Name
	}
	for _, r := range []string{model.RoleInbox, model.RoleSent, model.RoleDrafts, model.RoleTrash, model.RoleJunk, model.RoleArchive} {
		if roles[r] == "" {
			t.Errorf("no folder with role %s in %+v", r, folders)
		}
	}
	list, _ := s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, true, 0, 10)
	if len(list) != 5 || !strings.HasPrefix(list[0].Subject, "Công văn số") || !list[0].Document || list[0].From.Name != "Sở Tài chính" {
		t.Fatalf("messages: %+v", list[0])
	}

	// Another client flags one message and expunges another.
	other := imapLogin(t, d)
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	other.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged, "$TCVAcked"}}, nil).Close()
	other.Store(imap.UIDSetNum(4), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	if err := other.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	if sum, err = s.SyncOnce(ctx, c); err != nil || sum.Messages != 4 {
		t.Fatalf("second pass: %+v %v", sum, err)
	}
	list, _ = s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, true, 0, 10)
	for _, m := range list {
		if m.UID == 4 {
			t.Fatal("expunged message kept")
		}
		if m.UID == 2 && (!m.Flagged || !m.Acked) {
			t.Fatalf("CONDSTORE flag change missed: %+v", m)
		}
	}

	// Unchanged: nothing is fetched and the pass is quick.
	start := time.Now()
	if sum, err = s.SyncOnce(ctx, c); err != nil || sum.New != 0 || sum.Messages != 4 {
		t.Fatalf("idle pass: %+v %v", sum, err)
	}
	t.Logf("unchanged pass: %s", time.Since(start))

	// The server renumbers INBOX: the client must start that folder afresh.
	c.Close()
	other.Close()
	old := d.UIDValidity(t, userHa, "INBOX")
	d.SetUIDValidity(t, userHa, "INBOX", old+1000)
	c2, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if sum, err = s.SyncOnce(ctx, c2); err != nil || sum.Messages != 4 || sum.New != 4 {
		t.Fatalf("after UIDVALIDITY change: %+v %v", sum, err)
	}
	states, _ := s.Store.FolderStates(ctx, "canhan")
	for _, f := range states {
		if f.Name == "INBOX" && f.UIDValidity != old+1000 {
			t.Fatalf("stored UIDVALIDITY %d, want %d", f.UIDValidity, old+1000)
		}
	}
}

func imapLogin(t *testing.T, d *testsrv.Dovecot) *imapclient.Client {
	c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(userHa, passHa).Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestDovecotCertificates(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	a := dovecotAccount(d, true)
	a.TrustedCertSHA256 = ""
	_, err := Dial(ctx, a, passHa, nil, nil)
	if !errors.Is(err, failure.ErrCertificate) || !strings.Contains(err.Error(), d.CertSHA256) {
		t.Fatalf("self-signed without trust: %v", err)
	}
	a.TrustedCertSHA256 = strings.Repeat("ab", 32)
	if _, err = Dial(ctx, a, passHa, nil, nil); !errors.Is(err, failure.ErrCertificate) {
		t.Fatalf("wrong pin: %v", err)
	}
	for _, implicit := range []bool{true, false} {
		c, err := Dial(ctx, dovecotAccount(d, implicit), passHa, nil, nil)
		if err != nil {
			t.Fatalf("pinned (implicit=%v): %v", implicit, err)
		}
		c.Close()
	}
	if _, err := Dial(ctx, dovecotAccount(d, true), "sai mật khẩu", nil, nil); !errors.Is(err, failure.ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}

	expired := startDovecot(t, testsrv.DovecotOptions{ExpiredCert: true})
	a = dovecotAccount(expired, true)
	a.TrustedCertSHA256 = ""
	if _, err := Dial(ctx, a, passHa, nil, nil); !errors.Is(err, failure.ErrCertificate) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired certificate: %v", err)
	}
}

func TestDovecotBodiesAndLargeMessage(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.Deliver(t, userHa, officialMail(1))
	big := bigMail(50 << 20)
	d.Deliver(t, userHa, big)
	var indexed []string
	s := dovecotSyncer(t, dovecotAccount(d, true), &Options{BodyText: func(raw []byte) (string, error) {
		text := "Văn bản số 1/STC-NS"
		if len(raw) > 1<<20 {
			text = "tệp đính kèm rất lớn"
		}
		indexed = append(indexed, text)
		return text, nil
	}})
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(ctx, c); err != nil {
		t.Fatal(err)
	}
	n, err := s.SyncBodies(ctx, c)
	if err != nil || n != 2 {
		t.Fatalf("bodies: %d %v", n, err)
	}
	list, _ := s.Store.Messages(ctx, "canhan", "INBOX", store.SortSize, true, 0, 1)
	raw, err := s.Store.Body(ctx, list[0].ID)
	if err != nil || len(raw) < 50<<20 {
		t.Fatalf("50 MB body: %d bytes, %v", len(raw), err)
	}
	if pending, err := s.Store.IndexPending(ctx); err != nil || pending != 2 {
		t.Fatalf("bodies waiting for the index after the body pass: %d, %v", pending, err)
	}
	if n, err := IndexBodies(ctx, s.Store, s.Opts.BodyText); err != nil || n != 2 {
		t.Fatalf("bodies indexed: %d, %v", n, err)
	}
	if hits, _ := s.Store.Search(ctx, "tep dinh kem rat lon", "", 5); len(hits) != 1 {
		t.Fatalf("body text of the large mail not searchable: %+v", hits)
	}
	if n, _ := s.SyncBodies(ctx, c); n != 0 {
		t.Fatalf("bodies fetched twice: %d", n)
	}
}

func bigMail(size int) []byte {
	var b strings.Builder
	b.WriteString("From: scan@hanam.gov.vn\r\nTo: " + userHa + "\r\nSubject: Bản scan hồ sơ\r\nMessage-ID: <big@hanam.gov.vn>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nXem tệp.\r\n" +
		"--b\r\nContent-Type: image/tiff\r\nContent-Disposition: attachment; filename=\"ho-so.tif\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	line := strings.Repeat("QUFB", 19) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString("--b--\r\n")
	return []byte(b.String())
}
