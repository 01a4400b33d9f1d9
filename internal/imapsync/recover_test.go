package imapsync

import (
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"testing"

	"thucongvu/internal/model"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

// rewriteProxy forwards to target and replaces old with new in what the
// server sends, so a test can hand the client an answer it cannot parse.
func rewriteProxy(t *testing.T, target string, old, new []byte) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			go func() { io.Copy(server, client); server.Close() }()
			go func() {
				defer client.Close()
				var pending []byte
				buf := make([]byte, 32<<10)
				for {
					n, err := server.Read(buf)
					pending = append(pending, buf[:n]...)
					pending = bytes.ReplaceAll(pending, old, new)
					keep := 0 // hold back only a tail that may begin old
					for k := min(len(old)-1, len(pending)); k > 0 && err == nil; k-- {
						if bytes.HasPrefix(old, pending[len(pending)-k:]) {
							keep = k
							break
						}
					}
					if len(pending) > keep {
						if _, werr := client.Write(pending[:len(pending)-keep]); werr != nil {
							return
						}
						pending = append([]byte(nil), pending[len(pending)-keep:]...)
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// A BODYSTRUCTURE the parser rejects costs that message its structure,
// never the whole batch.
func TestUnreadableStructureFallsBack(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	d.Deliver(t, userHa, officialMail(1))
	broken := []byte("From: vp@hanam.gov.vn\r\nTo: " + userHa + "\r\nSubject: =?UTF-8?B?" + b64("Thư có cấu trúc hỏng") + "?=\r\n" +
		"Message-ID: <broken@hanam.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8; x-tcv=zzbreakzz\r\n\r\nNội dung.\r\n--b\r\n" +
		"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n")
	d.Deliver(t, userHa, broken)
	d.Deliver(t, userHa, officialMail(3))

	proxy := rewriteProxy(t, d.IMAPAddr, []byte(`"x-tcv" "zzbreakzz"`), []byte(`"x-tcv" (((`))
	a := dovecotAccount(d, false)
	a.IMAP.Security = model.SecurityNone // the proxy must see the answers
	host, port, _ := net.SplitHostPort(proxy)
	a.IMAP.Host = host
	a.IMAP.Port, _ = strconv.Atoi(port)
	s := dovecotSyncer(t, a, nil)
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, sum, err := s.SyncRecovering(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	list, _ := s.Store.Messages(ctx, "canhan", "INBOX", store.SortDate, false, 0, 10)
	if len(list) != 3 {
		t.Fatalf("stored %d messages (summary %+v), want all 3", len(list), sum)
	}
	found := false
	for _, m := range list {
		if m.Subject == "Thư có cấu trúc hỏng" {
			found = true
			if !m.HasAttachments {
				t.Error("header fallback lost the attachment mark")
			}
		}
	}
	if !found {
		t.Fatalf("broken message missing: %+v", list)
	}
	// A second pass is clean and adds nothing.
	c, sum, err = s.SyncRecovering(ctx, c, nil)
	if err != nil || sum.New != 0 || sum.Messages != 3 {
		t.Fatalf("second pass: %+v %v", sum, err)
	}
}
