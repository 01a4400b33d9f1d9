package discover

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"thucongvu/internal/model"
)

// The MX host's registered domain is asked for autoconfig, then guessed.
func TestMX(t *testing.T) {
	const u = "user@example.test"
	client := startHTTPS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host == "autoconfig.hosting.test" && r.URL.Query().Get("emailaddress") == u {
			_, _ = w.Write([]byte(autoconfigXML("imap.hosting.test", 993, "smtp.hosting.test", 587)))
			return
		}
		http.NotFound(w, r)
	}))
	tests := []struct {
		name      string
		zone      []string
		open      []string
		client    *http.Client
		want      Result
		errSubstr string
	}{
		{
			name:   "autoconfig of the MX domain",
			zone:   []string{"example.test. 60 IN MX 10 mx1.mail.hosting.test.", "example.test. 60 IN MX 5 mx0.mail.hosting.test."},
			client: client,
			want: Result{Source: SourceMX, Domain: "example.test",
				IMAP: srv("imap.hosting.test", 993, model.SecurityImplicit, u),
				SMTP: srv("smtp.hosting.test", 587, model.SecuritySTARTTLS, "user")},
		},
		{
			name: "guesses on the MX domain",
			zone: []string{"example.test. 60 IN MX 10 mx.othermail.test."},
			open: []string{"imap.othermail.test:993", "smtp.othermail.test:465"},
			want: Result{Source: SourceMX, Domain: "example.test",
				IMAP: srv("imap.othermail.test", 993, model.SecurityImplicit, u),
				SMTP: srv("smtp.othermail.test", 465, model.SecurityImplicit, u)},
		},
		{
			name:      "MX in the address's own domain adds nothing",
			zone:      []string{"example.test. 60 IN MX 10 mx.example.test."},
			open:      []string{"imap.example.test:993", "smtp.example.test:465"},
			errSubstr: "no MX host outside",
		},
		{
			name:      "null MX (RFC 7505)",
			zone:      []string{"example.test. 60 IN MX 0 ."},
			errSubstr: "no MX host outside",
		},
		{
			name:      "no MX record",
			zone:      []string{"example.test. 60 IN A 192.0.2.1"},
			errSubstr: "no such host",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFinder(testOptions(startDNS(t, tt.zone...), tt.client, newFakeNet(t, tt.open...)))
			a, _ := parseAddress(u)
			r, err := f.fromMX(context.Background(), a)
			if tt.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("got %v, %v; want error with %q", r.IMAP, err, tt.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertResult(t, r, tt.want)
		})
	}
}
