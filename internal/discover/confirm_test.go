package discover

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A server that unauthenticated DNS (SRV, MX) points outside the address's
// own domain needs the user's confirmation, with where it came from
// (RFC 6186 §6); servers inside the domain, the IT file and autoconfig over
// HTTPS from the domain itself do not.
func TestDiscoverForeignServerNeedsConfirmation(t *testing.T) {
	const u = "user@example.test"
	client := startHTTPS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Host {
		case "autoconfig.hosting.test":
			_, _ = w.Write([]byte(autoconfigXML("imap.hosting.test", 993, "smtp.hosting.test", 465)))
		default:
			http.NotFound(w, r)
		}
	}))
	tests := []struct {
		name    string
		zone    []string
		client  *http.Client
		source  string
		hosts   []string
		viaPart string
	}{
		{
			name: "SRV outside the domain",
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap.attacker.test.",
				"_submissions._tcp.example.test. 60 IN SRV 0 1 465 smtp.example.test.",
				"_submissions._tcp.example.test. 60 IN SRV 5 1 465 relay.attacker.test.",
			},
			source: SourceSRV, hosts: []string{"imap.attacker.test", "relay.attacker.test"}, viaPart: "SRV",
		},
		{
			name: "SRV inside the domain",
			zone: []string{
				"_imaps._tcp.example.test. 60 IN SRV 0 1 993 imap.example.test.",
				"_submissions._tcp.example.test. 60 IN SRV 0 1 465 mx.mail.example.test.",
			},
			source: SourceSRV,
		},
		{
			name:   "MX hosted elsewhere, its autoconfig over HTTPS",
			zone:   []string{"example.test. 60 IN MX 10 mx.hosting.test."},
			client: client,
			source: SourceMX, hosts: []string{"imap.hosting.test", "smtp.hosting.test"}, viaPart: "MX mx.hosting.test",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.client
			if c == nil {
				c = offlineHTTP()
			}
			r, err := Discover(context.Background(), u, testOptions(startDNS(t, tt.zone...), c, newFakeNet(t)))
			if err != nil {
				t.Fatal(err)
			}
			if r.Source != tt.source || r.ConfirmNeeded != (len(tt.hosts) > 0) || !slices.Equal(r.ConfirmHosts, tt.hosts) ||
				!strings.Contains(r.Via, tt.viaPart) {
				t.Fatalf("got source %s confirm %v hosts %v via %q", r.Source, r.ConfirmNeeded, r.ConfirmHosts, r.Via)
			}
			if got := r.Unconfirmed(tt.hosts); len(got) != 0 {
				t.Fatalf("all accepted, still unconfirmed %v", got)
			}
			if len(tt.hosts) > 0 {
				if got := r.Unconfirmed([]string{strings.ToUpper(tt.hosts[0]) + "."}); !slices.Equal(got, tt.hosts[1:]) {
					t.Fatalf("accepting %s: still unconfirmed %v", tt.hosts[0], got)
				}
			}
			raw, _ := json.Marshal(r)
			if !strings.Contains(string(raw), `"confirm_needed":`) || !strings.Contains(string(raw), `"source":"`+tt.source+`"`) {
				t.Fatalf("JSON %s", raw)
			}
		})
	}

	// Agency IT's file is trusted whatever host it names.
	dir := t.TempDir()
	xml := autoconfigXML("imap.attacker.test", 993, "smtp.attacker.test", 465)
	if err := os.WriteFile(filepath.Join(dir, "example.test.xml"), []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Discover(context.Background(), u, &Options{ISPDirs: []string{dir}, Offline: true})
	if err != nil || r.Source != SourceISPFile || r.ConfirmNeeded {
		t.Fatalf("IT file: %+v %v", r, err)
	}
}

// The address's registered domain counts as its own, and gov.vn is a
// public suffix: another province's server is foreign.
func TestMarkForeignRegisteredDomain(t *testing.T) {
	a, err := parseAddress("nguyenvana@sotttt.longan.gov.vn")
	if err != nil {
		t.Fatal(err)
	}
	r := Result{Source: SourceSRV,
		IMAP: a.server("mail.longan.gov.vn", 993, "implicit", ""), SMTP: a.server("mail.hanam.gov.vn", 465, "implicit", "")}
	r.markForeign(a)
	if !r.ConfirmNeeded || !slices.Equal(r.ConfirmHosts, []string{"mail.hanam.gov.vn"}) {
		t.Fatalf("confirm %v hosts %v", r.ConfirmNeeded, r.ConfirmHosts)
	}
	r = Result{Source: SourcePreset, IMAP: r.IMAP, SMTP: r.SMTP}
	if r.markForeign(a); r.ConfirmNeeded {
		t.Fatalf("a preset needs no confirmation: %v", r.ConfirmHosts)
	}
}
