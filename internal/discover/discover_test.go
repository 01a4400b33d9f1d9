package discover

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in           string
		email, local string
		domain       string
		ok           bool
	}{
		{"abc@longan.gov.vn", "abc@longan.gov.vn", "abc", "longan.gov.vn", true},
		{"  Abc@LongAn.Gov.VN ", "Abc@longan.gov.vn", "Abc", "longan.gov.vn", true},
		{"ubndtienson.dt@hanam.gov.vn", "ubndtienson.dt@hanam.gov.vn", "ubndtienson.dt", "hanam.gov.vn", true},
		{"thu@bộ.vn", "thu@xn--b-8xm.vn", "thu", "xn--b-8xm.vn", true},
		{"", "", "", "", false},
		{"abc", "", "", "", false},
		{"abc@", "", "", "", false},
		{"@longan.gov.vn", "", "", "", false},
		{"abc@localhost", "", "", "", false},
		{"abc@longan..gov.vn", "", "", "", false},
		{"a b@longan.gov.vn", "", "", "", false},
		{"abc@../../etc", "", "", "", false},
		{"abc@x/y.vn", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := parseAddress(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("parseAddress(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if !tt.ok {
				if !errors.Is(err, failure.ErrUsage) {
					t.Errorf("error %v does not wrap ErrUsage", err)
				}
				return
			}
			if a.email != tt.email || a.local != tt.local || a.domain != tt.domain {
				t.Errorf("got %+v, want %s %s %s", a, tt.email, tt.local, tt.domain)
			}
		})
	}
}

// R11: each of the five named systems, its sub-domains, and look-alikes
// that must not match.
func TestPresets(t *testing.T) {
	tests := []struct {
		email string
		host  string // "" = no preset
	}{
		{"abc@longan.gov.vn", "mail.longan.gov.vn"},
		{"stttt@hanam.gov.vn", "mail.hanam.gov.vn"},
		{"a@soctrang.gov.vn", "mail.soctrang.gov.vn"},
		{"hoangnv@molisa.gov.vn", "mail.molisa.gov.vn"},
		{"tensudung@binhduong.gov.vn", "mail.binhduong.gov.vn"},
		{"x@sotttt.longan.gov.vn", "mail.longan.gov.vn"},
		{"x@a.b.binhduong.gov.vn", "mail.binhduong.gov.vn"},
		{"x@notlongan.gov.vn", ""},
		{"x@longan.gov.vn.example.com", ""},
		{"x@gmail.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			r, err := Discover(context.Background(), tt.email, &Options{ISPDirs: []string{}, Offline: true})
			if tt.host == "" {
				if !errors.Is(err, failure.ErrNotFound) {
					t.Fatalf("got %+v, %v; want ErrNotFound", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Result{
				Source: SourcePreset, Domain: strings.SplitN(tt.email, "@", 2)[1],
				IMAP:             srv(tt.host, 993, model.SecurityImplicit, tt.email),
				SMTP:             srv(tt.host, 465, model.SecurityImplicit, tt.email),
				IMAPAlternatives: []Server{srv(tt.host, 143, model.SecuritySTARTTLS, tt.email)},
				SMTPAlternatives: []Server{srv(tt.host, 587, model.SecuritySTARTTLS, tt.email)},
			}
			assertResult(t, r, want)
		})
	}
}

// The IT file outranks the preset; the most specific domain wins; a
// malformed file is skipped with a warning.
func TestISPFile(t *testing.T) {
	exeDir, etcDir := t.TempDir(), t.TempDir()
	write := func(dir, name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(exeDir, "longan.gov.vn.xml", autoconfigXML("imap.longan.gov.vn", 993, "smtp.longan.gov.vn", 587))
	write(etcDir, "sotttt.longan.gov.vn.xml", autoconfigXML("mail.sotttt.longan.gov.vn", 993, "mail.sotttt.longan.gov.vn", 587))
	write(exeDir, "hanam.gov.vn.xml", "<clientConfig><broken")
	write(etcDir, "hanam.gov.vn.xml", autoconfigXML("imap2.hanam.gov.vn", 993, "smtp2.hanam.gov.vn", 587))
	write(exeDir, "soctrang.gov.vn.xml", "not xml at all")
	write(exeDir, "example.test.xml", autoconfigXML("imap.example.test", 993, "smtp.example.test", 587))

	tests := []struct {
		email      string
		source     string
		imap, smtp string
		warnings   int
	}{
		{"abc@longan.gov.vn", SourceISPFile, "imap.longan.gov.vn", "smtp.longan.gov.vn", 0},
		{"abc@sotttt.longan.gov.vn", SourceISPFile, "mail.sotttt.longan.gov.vn", "mail.sotttt.longan.gov.vn", 0},
		{"abc@phong.sotttt.longan.gov.vn", SourceISPFile, "mail.sotttt.longan.gov.vn", "mail.sotttt.longan.gov.vn", 0},
		{"abc@hanam.gov.vn", SourceISPFile, "imap2.hanam.gov.vn", "smtp2.hanam.gov.vn", 1},
		{"abc@soctrang.gov.vn", SourcePreset, "mail.soctrang.gov.vn", "mail.soctrang.gov.vn", 1},
		{"abc@example.test", SourceISPFile, "imap.example.test", "smtp.example.test", 0},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			r, err := Discover(context.Background(), tt.email, &Options{ISPDirs: []string{exeDir, etcDir}, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.Source != tt.source || r.IMAP.Host != tt.imap || r.SMTP.Host != tt.smtp || len(r.Warnings) != tt.warnings {
				t.Fatalf("got %s %s %s warnings %q; want %s %s %s %d warnings",
					r.Source, r.IMAP.Host, r.SMTP.Host, r.Warnings, tt.source, tt.imap, tt.smtp, tt.warnings)
			}
			if tt.source == SourceISPFile && (r.IMAP.Username != tt.email || r.SMTP.Username != strings.Split(tt.email, "@")[0]) {
				t.Errorf("usernames %q %q not expanded from placeholders", r.IMAP.Username, r.SMTP.Username)
			}
		})
	}
}

func TestFirstInOrder(t *testing.T) {
	ok := func(v string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return v, nil }
	}
	fail := func(context.Context) (string, error) { return "", errors.New("boom") }

	t.Run("lower-trust fast answer loses to higher-trust slow answer", func(t *testing.T) {
		lowDone := make(chan struct{})
		got, err := firstInOrder(context.Background(), []attempt[string]{
			{"high", func(context.Context) (string, error) { <-lowDone; return "high", nil }},
			{"low", func(context.Context) (string, error) { defer close(lowDone); return "low", nil }},
		})
		if err != nil || got != "high" {
			t.Fatalf("got %q, %v; want high", got, err)
		}
	})
	t.Run("higher-trust failure falls through", func(t *testing.T) {
		got, err := firstInOrder(context.Background(), []attempt[string]{{"a", fail}, {"b", fail}, {"c", ok("c")}, {"d", ok("d")}})
		if err != nil || got != "c" {
			t.Fatalf("got %q, %v; want c", got, err)
		}
	})
	t.Run("winner does not wait for lower trust and cancels it", func(t *testing.T) {
		cancelled := make(chan struct{})
		got, err := firstInOrder(context.Background(), []attempt[string]{
			{"high", ok("high")},
			{"low", func(ctx context.Context) (string, error) { <-ctx.Done(); close(cancelled); return "", ctx.Err() }},
		})
		if err != nil || got != "high" {
			t.Fatalf("got %q, %v; want high", got, err)
		}
		<-cancelled // hangs (test timeout) if the lower attempt is never cancelled
	})
	t.Run("all fail: every reason named", func(t *testing.T) {
		_, err := firstInOrder(context.Background(), []attempt[string]{{"one", fail}, {"two", fail}})
		if err == nil || !strings.Contains(err.Error(), "one: boom") || !strings.Contains(err.Error(), "two: boom") {
			t.Fatalf("error %v should name both attempts", err)
		}
	})
}

// Trust order end to end: the autoconfig server answers only after the
// guess probe has found open ports, and still wins.
func TestDiscoverTrustOrder(t *testing.T) {
	guessed := make(chan struct{})
	fn := newFakeNet(t, "imap.example.test:993", "smtp.example.test:465")
	opened := 0
	fn.onDial = func(string) { // both guess ports answered: the guess step has its result
		fn.mu.Lock()
		defer fn.mu.Unlock()
		if opened++; opened == 2 {
			close(guessed)
		}
	}
	client := startHTTPS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "autoconfig.example.test" {
			http.NotFound(w, r)
			return
		}
		select {
		case <-guessed:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte(autoconfigXML("ac-imap.example.test", 993, "ac-smtp.example.test", 587)))
	}))
	r, err := Discover(context.Background(), "user@example.test", testOptions(nil, client, fn))
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != SourceAutoconfig || r.IMAP.Host != "ac-imap.example.test" {
		t.Fatalf("got %s %s; want autoconfig ac-imap.example.test", r.Source, r.IMAP.Host)
	}
}

// A higher-trust step that hangs past the deadline loses to a lower one
// that answered.
func TestDiscoverTimeout(t *testing.T) {
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	t.Run("hanging autoconfig, guess answers", func(t *testing.T) {
		o := testOptions(nil, startHTTPS(t, hang), newFakeNet(t, "mail.example.test:993", "mail.example.test:587"))
		o.Timeout = 500 * time.Millisecond
		r, err := Discover(context.Background(), "user@example.test", o)
		if err != nil {
			t.Fatal(err)
		}
		want := Result{Source: SourceGuess, Domain: "example.test",
			IMAP: srv("mail.example.test", 993, model.SecurityImplicit, "user@example.test"),
			SMTP: srv("mail.example.test", 587, model.SecuritySTARTTLS, "user@example.test")}
		assertResult(t, r, want)
	})
	t.Run("nothing answers before the deadline", func(t *testing.T) {
		o := testOptions(nil, startHTTPS(t, hang), nil)
		o.Timeout = 200 * time.Millisecond
		_, err := Discover(context.Background(), "user@example.test", o)
		if !errors.Is(err, failure.ErrNotFound) || !strings.Contains(err.Error(), "deadline") {
			t.Fatalf("error %v; want ErrNotFound naming the deadline", err)
		}
	})
}

func TestDiscoverNothingFound(t *testing.T) {
	_, err := Discover(context.Background(), "user@example.test", testOptions(startDNS(t), nil, newFakeNet(t)))
	if !errors.Is(err, failure.ErrNotFound) {
		t.Fatalf("error %v; want ErrNotFound", err)
	}
	for _, step := range []string{"autoconfig", "srv", "mx", "guess"} {
		if !strings.Contains(err.Error(), step+":") {
			t.Errorf("error %q does not say why step %s failed", err, step)
		}
	}
	if _, err := Discover(context.Background(), "not an address", nil); !errors.Is(err, failure.ErrUsage) {
		t.Errorf("error %v; want ErrUsage", err)
	}
}

func assertResult(t *testing.T, got, want Result) {
	t.Helper()
	if got.Source != want.Source || got.Domain != want.Domain || got.IMAP != want.IMAP || got.SMTP != want.SMTP {
		t.Fatalf("got\n  %s %s imap %v smtp %v\nwant\n  %s %s imap %v smtp %v",
			got.Source, got.Domain, got.IMAP, got.SMTP, want.Source, want.Domain, want.IMAP, want.SMTP)
	}
	if !equalServers(got.IMAPAlternatives, want.IMAPAlternatives) || !equalServers(got.SMTPAlternatives, want.SMTPAlternatives) {
		t.Fatalf("alternatives: got %v / %v, want %v / %v",
			got.IMAPAlternatives, got.SMTPAlternatives, want.IMAPAlternatives, want.SMTPAlternatives)
	}
}

func equalServers(a, b []Server) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
