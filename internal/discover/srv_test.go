package discover

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// RFC 6186 against a real DNS server on loopback.
func TestSRV(t *testing.T) {
	const u = "user@example.test"
	tests := []struct {
		name      string
		zone      []string
		imap      Server
		smtp      Server
		imapAlts  []Server
		smtpAlts  []Server
		errSubstr string // non-empty: the step fails with this in the error
	}{
		{
			name: "implicit TLS, priority order",
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 20 0 993 backup.example.test.",
				"_imaps._tcp.example.test. 60 IN SRV 10 0 993 imap.example.test.",
				"_submissions._tcp.example.test. 60 IN SRV 0 1 465 smtp.example.test.",
			},
			imap:     srv("imap.example.test", 993, model.SecurityImplicit, u),
			imapAlts: []Server{srv("backup.example.test", 993, model.SecurityImplicit, u)},
			smtp:     srv("smtp.example.test", 465, model.SecurityImplicit, u),
		},
		{
			name: `"." means not offered: STARTTLS services used`,
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 0 0 0 .",
				"_imap._tcp.example.test. 60 IN SRV 0 0 143 mail.example.test.",
				"_submissions._tcp.example.test. 60 IN SRV 0 0 0 .",
				"_submission._tcp.example.test. 60 IN SRV 0 0 587 mail.example.test.",
			},
			imap: srv("mail.example.test", 143, model.SecuritySTARTTLS, u),
			smtp: srv("mail.example.test", 587, model.SecuritySTARTTLS, u),
		},
		{
			name: "priority across services, implicit TLS first on a tie",
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 5 0 993 tls.example.test.",
				"_imap._tcp.example.test. 60 IN SRV 1 0 143 starttls.example.test.",
				"_submissions._tcp.example.test. 60 IN SRV 1 0 465 tls.example.test.",
				"_submission._tcp.example.test. 60 IN SRV 1 0 587 starttls.example.test.",
			},
			imap:     srv("starttls.example.test", 143, model.SecuritySTARTTLS, u),
			imapAlts: []Server{srv("tls.example.test", 993, model.SecurityImplicit, u)},
			smtp:     srv("tls.example.test", 465, model.SecurityImplicit, u),
			smtpAlts: []Server{srv("starttls.example.test", 587, model.SecuritySTARTTLS, u)},
		},
		{
			name: "IMAP not offered at all",
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 0 0 0 .",
				"_submissions._tcp.example.test. 60 IN SRV 0 1 465 smtp.example.test.",
			},
			errSubstr: `_imaps._tcp: not offered (target ".")`,
		},
		{
			name:      "no records",
			zone:      []string{"example.test. 60 IN A 192.0.2.1"},
			errSubstr: "no IMAP service",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFinder(testOptions(startDNS(t, tt.zone...), nil, nil))
			a, _ := parseAddress(u)
			r, err := f.fromSRV(context.Background(), a)
			if tt.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("got %v, %v; want error with %q", r.IMAP, err, tt.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertResult(t, r, Result{Source: SourceSRV, Domain: "example.test", IMAP: tt.imap, SMTP: tt.smtp,
				IMAPAlternatives: tt.imapAlts, SMTPAlternatives: tt.smtpAlts})
		})
	}
}

// The whole chain: SRV answers when autoconfig fails (falls through), and
// the answer comes from the DNS server, not from guesses.
func TestDiscoverSRVWhenAutoconfigFails(t *testing.T) {
	res := startDNS(t,
		"_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap.example.test.",
		"_submission._tcp.example.test. 60 IN SRV 0 1 587 smtp.example.test.",
	)
	// Guess ports are open too, but SRV is more trusted.
	fn := newFakeNet(t, "mail.example.test:993", "mail.example.test:465")
	r, err := Discover(context.Background(), "user@example.test", testOptions(res, nil, fn))
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != SourceSRV || r.IMAP.Host != "imap.example.test" || r.SMTP.Port != 587 {
		t.Fatalf("got %s %v %v", r.Source, r.IMAP, r.SMTP)
	}
}

// RFC 2782 weights: over many draws the heavier target comes first about
// in proportion; a weight-0 target only when the random number is 0.
func TestSRVWeights(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	mk := func(target string, weight uint16) srvTarget {
		return srvTarget{&net.SRV{Target: target, Port: 993, Priority: 1, Weight: weight}, model.SecurityImplicit}
	}
	group := []srvTarget{mk("light.", 10), mk("heavy.", 90), mk("zero.", 0)}
	first := map[string]int{}
	const n = 10000
	for range n {
		out := orderSRV([][]srvTarget{group}, rnd)
		if len(out) != 3 {
			t.Fatalf("lost records: %v", out)
		}
		first[out[0].rec.Target]++
	}
	if h := first["heavy."]; h < n*85/100 || h > n*95/100 {
		t.Errorf("heavy first %d of %d times, want about 90%%", h, n)
	}
	if z := first["zero."]; z > n*3/100 {
		t.Errorf("weight 0 first %d of %d times, want rarely", z, n)
	}
}

func TestOffered(t *testing.T) {
	notFound := &net.DNSError{Err: "no such host", IsNotFound: true}
	tests := []struct {
		name    string
		recs    []*net.SRV
		err     error
		want    int
		wantErr error
	}{
		{"dot only", []*net.SRV{{Target: "."}}, nil, 0, errNotOffered},
		{"port 0 dropped", []*net.SRV{{Target: "a.example.", Port: 0}, {Target: "b.example.", Port: 993}}, nil, 1, nil},
		{"bad target dropped", []*net.SRV{{Target: "a b.example.", Port: 993}}, nil, 0, nil},
		{"nxdomain", nil, notFound, 0, nil},
		{"server failure kept", nil, failure.ErrUnreachable, 0, failure.ErrUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := offered(tt.recs, tt.err)
			if len(got) != tt.want {
				t.Fatalf("got %d records, want %d", len(got), tt.want)
			}
			if tt.want == 0 && err == nil {
				t.Fatal("no records and no reason")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
		})
	}
}
