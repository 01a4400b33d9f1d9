//go:build unix

package send

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// On a real Postfix with its self-signed certificate, submission over
// STARTTLS and over implicit TLS is a certificate error naming the
// certificate's SHA-256 (exit 5), never a login "without AUTH"; once that
// SHA-256 is trusted the login succeeds. A flush reports the certificate
// and keeps the mail queued with the reason.
func TestPostfixUntrustedCertificate(t *testing.T) {
	const user, pw = "vanthu@hanam.gov.vn", "Mật-khẩu 1"
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{user: pw}})
	p := testsrv.StartPostfix(t, d)
	for _, tc := range []struct {
		name string
		addr string
		sec  model.Security
	}{{"starttls", p.SubmissionAddr, model.SecuritySTARTTLS}, {"implicit", p.SubmissionsAddr, model.SecurityImplicit}} {
		t.Run(tc.name, func(t *testing.T) {
			host, port, _ := net.SplitHostPort(tc.addr)
			n, _ := strconv.Atoi(port)
			a := model.Account{Name: "vanthu", Email: user, Username: user,
				SMTP: model.Server{Host: host, Port: n, Security: tc.sec}}
			ctx := context.Background()
			_, err := Connect(ctx, a, pw, nil)
			if !errors.Is(err, failure.ErrCertificate) || failure.ExitCode(err) != 5 || !strings.Contains(err.Error(), p.CertSHA256) {
				t.Fatalf("untrusted certificate: %v (exit %d)", err, failure.ExitCode(err))
			}

			ob := openOutbox(t)
			id, err := ob.Queue(ctx, Envelope{Account: a.Name, From: user, To: []string{user}, Subject: "Công văn"},
				[]byte("From: "+user+"\r\nTo: "+user+"\r\nSubject: x\r\n\r\nx\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			appended := 0
			s := Sender{Account: a, Password: func() (string, error) { return pw, nil },
				AppendSent: func(context.Context, []byte) error { appended++; return nil }}
			res, err := ob.Flush(ctx, s)
			if !errors.Is(err, failure.ErrCertificate) || errors.Is(err, ErrTemporary) || res.Sent != 0 {
				t.Fatalf("flush with an untrusted certificate: %+v %v", res, err)
			}
			it, _ := ob.Item(ctx, id)
			if it.State != StateQueued || !strings.Contains(it.LastError, p.CertSHA256) {
				t.Fatalf("the mail after the flush: %+v", it)
			}

			a.TrustedCertSHA256 = p.CertSHA256
			c, err := Connect(ctx, a, pw, nil)
			if err != nil {
				t.Fatalf("trusted certificate: %v", err)
			}
			c.Close()
			if _, err := Connect(ctx, a, "wrong", nil); !errors.Is(err, failure.ErrAuth) {
				t.Fatalf("wrong password once trusted: %v", err)
			}
		})
	}
}
