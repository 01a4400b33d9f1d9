package testsrv

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

const (
	vanthu   = "vanthu@hanam.gov.vn"
	vanthuPW = "Mật khẩu: 1"
	lanhdao  = "lanhdao@hanam.gov.vn"
	ldPW     = "lãnh-đạo"
)

func testUsers() map[string]string { return map[string]string{vanthu: vanthuPW, lanhdao: ldPW} }

// pinned trusts only the certificate whose SHA-256 is sum, ignoring chain
// and expiry, as a client pinning a self-signed certificate would.
func pinned(sum string) *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if hex.EncodeToString(got[:]) != sum {
				return errors.New("certificate does not match pin")
			}
			return nil
		},
	}
}

type dialMode int

const (
	plain dialMode = iota
	implicitTLS
	startTLS
)

func dialIMAP(d *Dovecot, mode dialMode, cfg *tls.Config) (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: cfg}
	switch mode {
	case implicitTLS:
		return imapclient.DialTLS(d.IMAPSAddr, opts)
	case startTLS:
		return imapclient.DialStartTLS(d.IMAPAddr, opts)
	default:
		return imapclient.DialInsecure(d.IMAPAddr, opts)
	}
}

func login(t *testing.T, d *Dovecot, user, pw string) *imapclient.Client {
	t.Helper()
	c, err := dialIMAP(d, plain, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, pw).Wait(); err != nil {
		t.Fatalf("login %s: %v\n%s", user, err, d.LogTail())
	}
	return c
}

func TestDovecotLogin(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	tests := []struct {
		name     string
		mode     dialMode
		tls      *tls.Config
		user, pw string
		wantErr  bool
	}{
		{"plain", plain, nil, vanthu, vanthuPW, false},
		{"plain upper-case login", plain, nil, strings.ToUpper(vanthu), vanthuPW, false},
		{"wrong password", plain, nil, vanthu, "sai", true},
		{"unknown user", plain, nil, "khong@hanam.gov.vn", vanthuPW, true},
		{"imaps pinned", implicitTLS, pinned(d.CertSHA256), lanhdao, ldPW, false},
		{"imaps trusted pool", implicitTLS, d.TLSConfig(), lanhdao, ldPW, false},
		{"imaps wrong pin", implicitTLS, pinned(strings.Repeat("0", 64)), lanhdao, ldPW, true},
		{"imaps system roots", implicitTLS, &tls.Config{ServerName: "localhost"}, lanhdao, ldPW, true},
		{"starttls pinned", startTLS, pinned(d.CertSHA256), vanthu, vanthuPW, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dialIMAP(d, tt.mode, tt.tls)
			if err == nil {
				defer c.Close()
				err = c.Login(tt.user, tt.pw).Wait()
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestDovecotCapabilitiesAndSpecialUse(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	c := login(t, d, vanthu, vanthuPW)
	caps := c.Caps()
	for _, want := range []imap.Cap{imap.CapCondStore, imap.CapQResync, imap.CapIdle, imap.CapSpecialUse, imap.CapUIDPlus, imap.CapMove} {
		if !caps.Has(want) {
			t.Errorf("capability %s missing", want)
		}
	}
	list, err := c.List("", "*", &imap.ListOptions{ReturnSubscribed: true, ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]imap.MailboxAttr{}
	for _, m := range list {
		if m.Delim != '/' {
			t.Errorf("%s: delimiter %q, want '/'", m.Mailbox, m.Delim)
		}
		got[m.Mailbox] = m.Attrs
	}
	for name, attr := range map[string]imap.MailboxAttr{
		"Sent": imap.MailboxAttrSent, "Drafts": imap.MailboxAttrDrafts, "Trash": imap.MailboxAttrTrash,
		"Junk": imap.MailboxAttrJunk, "Archive": imap.MailboxAttrArchive,
	} {
		if !slices.Contains(got[name], attr) || !slices.Contains(got[name], imap.MailboxAttrSubscribed) {
			t.Errorf("%s: attrs %v, want %s and \\Subscribed", name, got[name], attr)
		}
	}
	if _, ok := got["INBOX"]; !ok {
		t.Errorf("INBOX missing from %v", got)
	}
}

func TestDovecotExpiredCert(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers(), ExpiredCert: true})
	_, err := dialIMAP(d, implicitTLS, d.TLSConfig())
	var inv x509.CertificateInvalidError
	if !errors.As(err, &inv) || inv.Reason != x509.Expired {
		t.Fatalf("dial with verification: err = %v, want expired certificate", err)
	}
	// Pinning ignores expiry: the connection itself works.
	c, err := dialIMAP(d, implicitTLS, pinned(d.CertSHA256))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(vanthu, vanthuPW).Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestDovecotDeliverAndAddUser(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	const late = "chanhvp@longan.gov.vn"
	d.AddUser(t, late, "mới thêm")
	subject := "Về việc triển khai Kế hoạch số 12/KH-UBND"
	raw := fmt.Sprintf("From: Văn thư <%s>\r\nTo: %s\r\nSubject: =?UTF-8?Q?%s?=\r\nMessage-ID: <1@test>\r\n\r\nKính gửi.\r\n",
		vanthu, late, qEncode(subject))
	d.Deliver(t, late, []byte(raw))
	if err := d.DeliverEnvelope("", []string{"khongco@longan.gov.vn"}, []byte(raw)); err == nil {
		t.Error("LMTP accepted an unknown recipient")
	}

	c := login(t, d, late, "mới thêm")
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true, UID: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v, %d messages", err, len(msgs))
	}
	if got := msgs[0].Envelope.Subject; got != subject {
		t.Errorf("subject = %q, want %q", got, subject)
	}
	if got := msgs[0].Envelope.From[0].Addr(); got != vanthu {
		t.Errorf("from = %q", got)
	}
	// Keywords such as the acknowledgement marker are permanent.
	const acked = imap.Flag("$TCVAcked")
	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{acked}, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c = login(t, d, late, "mới thêm")
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err = c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 || !slices.Contains(msgs[0].Flags, acked) {
		t.Fatalf("flags after reconnect: %v %v", msgs, err)
	}
}

func qEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c == ' ' {
			b.WriteByte('_')
		} else if c < 128 && c != '=' && c != '?' && c != '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

func TestDovecotAppendManyAndUIDValidity(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	const n = 300
	gen := func(i int) []byte {
		return fmt.Appendf(nil, "From: a@hanam.gov.vn\nSubject: Thư số %d\nMessage-ID: <%d@bulk>\n\nNội dung %d\n", i, i, i)
	}
	for _, mbox := range []string{"INBOX", "Công văn đến/2025"} {
		t.Run(mbox, func(t *testing.T) {
			d.AppendMany(t, vanthu, mbox, n, gen)
			c := login(t, d, vanthu, vanthuPW)
			sel, err := c.Select(mbox, nil).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if sel.NumMessages != n {
				t.Fatalf("messages = %d, want %d", sel.NumMessages, n)
			}
			var all imap.SeqSet
			all.AddRange(1, n)
			msgs, err := c.Fetch(all, &imap.FetchOptions{Envelope: true, UID: true, InternalDate: true}).Collect()
			if err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(a.SeqNum) - int(b.SeqNum) })
			for j, m := range msgs {
				if want := fmt.Sprintf("Thư số %d", j); m.Envelope.Subject != want || m.UID != imap.UID(j+1) {
					t.Fatalf("message %d: uid %d subject %q, want uid %d %q", j, m.UID, m.Envelope.Subject, j+1, want)
				}
			}
			if len(msgs) != n {
				t.Fatalf("fetched %d messages, want %d", len(msgs), n)
			}
			if !msgs[0].InternalDate.Before(msgs[n-1].InternalDate) {
				t.Errorf("internal dates not increasing: %v, %v", msgs[0].InternalDate, msgs[n-1].InternalDate)
			}
			c.Close()

			old := d.UIDValidity(t, vanthu, mbox)
			d.SetUIDValidity(t, vanthu, mbox, old+7)
			c = login(t, d, vanthu, vanthuPW)
			st, err := c.Status(mbox, &imap.StatusOptions{UIDValidity: true, NumMessages: true}).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if st.UIDValidity != old+7 || *st.NumMessages != n {
				t.Errorf("after update: uidvalidity %d messages %d, want %d and %d", st.UIDValidity, *st.NumMessages, old+7, n)
			}
		})
	}
}

func TestDovecotRestart(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	addr := d.IMAPAddr
	c := login(t, d, vanthu, vanthuPW)
	d.Stop()
	select {
	case <-c.Closed():
	default:
		if err := c.Noop().Wait(); err == nil {
			t.Fatal("session survived Stop")
		}
	}
	if _, err := dialIMAP(d, plain, nil); err == nil {
		t.Fatal("dial succeeded while stopped")
	}
	d.Restart(t)
	if d.IMAPAddr != addr {
		t.Fatalf("address changed: %s → %s", addr, d.IMAPAddr)
	}
	login(t, d, vanthu, vanthuPW)
}
