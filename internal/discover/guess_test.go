package discover

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// TCP connect probes against loopback listeners.
func TestGuess(t *testing.T) {
	const u = "user@example.test"
	tests := []struct {
		name       string
		open       []string
		imap, smtp Server
		errSubstr  string
	}{
		{
			name: "implicit TLS preferred over STARTTLS, imap. over mail.",
			open: []string{"mail.example.test:993", "imap.example.test:993", "imap.example.test:143",
				"mail.example.test:465", "smtp.example.test:587"},
			imap: srv("imap.example.test", 993, model.SecurityImplicit, u),
			smtp: srv("mail.example.test", 465, model.SecurityImplicit, u),
		},
		{
			name: "STARTTLS ports when TLS ports are closed",
			open: []string{"mail.example.test:143", "mail.example.test:587"},
			imap: srv("mail.example.test", 143, model.SecuritySTARTTLS, u),
			smtp: srv("mail.example.test", 587, model.SecuritySTARTTLS, u),
		},
		{
			name:      "no SMTP port open",
			open:      []string{"imap.example.test:993", "mail.example.test:25"},
			errSubstr: "no SMTP port open",
		},
		{
			name:      "nothing open",
			errSubstr: "no IMAP port open",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := newFakeNet(t, tt.open...)
			f := newFinder(testOptions(nil, nil, fn))
			a, _ := parseAddress(u)
			r, err := f.fromGuess(context.Background(), a, a.domain, SourceGuess)
			if tt.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("got %v, %v; want error with %q", r.IMAP, err, tt.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertResult(t, r, Result{Source: SourceGuess, Domain: "example.test", IMAP: tt.imap, SMTP: tt.smtp})
			for _, d := range fn.dialed {
				if port := d[strings.LastIndexByte(d, ':')+1:]; port != "993" && port != "143" && port != "465" && port != "587" {
					t.Errorf("probed unexpected port %s", d)
				}
			}
		})
	}
}

// A probe that hangs is cut by the probe timeout, not the whole deadline.
func TestGuessProbeTimeout(t *testing.T) {
	fn := newFakeNet(t, "mail.example.test:143", "mail.example.test:587")
	o := testOptions(nil, nil, fn)
	o.ProbeTimeout = 50 * time.Millisecond
	hanging := fn.Dial
	o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "imap.") { // a filtered port: no answer at all
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return hanging(ctx, network, addr)
	}
	f := newFinder(o)
	a, _ := parseAddress("user@example.test")
	r, err := f.fromGuess(context.Background(), a, a.domain, SourceGuess)
	if err != nil {
		t.Fatal(err)
	}
	if r.IMAP.Host != "mail.example.test" || r.IMAP.Port != 143 {
		t.Fatalf("got %v", r.IMAP)
	}
}
