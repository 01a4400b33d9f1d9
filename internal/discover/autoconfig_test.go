package discover

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/model"
)

func TestParseConfigValid(t *testing.T) {
	a, _ := parseAddress("nguyenvana@example.vn")
	want := map[string]struct{ imap, smtp []Server }{
		"mozilla-full.xml": {
			imap: []Server{
				srv("imap.example.vn", 993, model.SecurityImplicit, "nguyenvana"),
				srv("imap.example.vn", 143, model.SecuritySTARTTLS, "nguyenvana"),
			},
			smtp: []Server{srv("smtp.example.vn", 587, model.SecuritySTARTTLS, "nguyenvana@example.vn")},
		},
		// plain is listed first but goes last; %EMAILDOMAIN% in host names.
		"plain-listed-first.xml": {
			imap: []Server{
				srv("mail.example.vn", 993, model.SecurityImplicit, "nguyenvana@example.vn"),
				srv("mail.example.vn", 143, model.SecurityNone, "nguyenvana@example.vn"),
			},
			smtp: []Server{srv("mail.example.vn", 465, model.SecurityImplicit, "nguyenvana@example.vn")},
		},
	}
	files, _ := filepath.Glob("testdata/valid/*.xml")
	if len(files) != len(want) {
		t.Fatalf("%d files in testdata/valid, %d expectations", len(files), len(want))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			imap, smtp, err := parseConfig(data, a)
			if err != nil {
				t.Fatal(err)
			}
			w := want[filepath.Base(file)]
			if !equalServers(imap, w.imap) || !equalServers(smtp, w.smtp) {
				t.Fatalf("got imap %v smtp %v\nwant imap %v smtp %v", imap, smtp, w.imap, w.smtp)
			}
		})
	}
}

func TestParseConfigMalformed(t *testing.T) {
	a, _ := parseAddress("nguyenvana@example.vn")
	files, _ := filepath.Glob("testdata/malformed/*.xml")
	if len(files) == 0 {
		t.Fatal("no testdata/malformed files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			imap, smtp, err := parseConfig(data, a)
			if !errors.Is(err, errMalformed) {
				t.Fatalf("got imap %v smtp %v err %v; want errMalformed", imap, smtp, err)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/malformed"} {
		files, _ := filepath.Glob(dir + "/*.xml")
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	a, _ := parseAddress("nguyenvana@example.vn")
	f.Fuzz(func(t *testing.T, data []byte) {
		imap, smtp, err := parseConfig(data, a)
		if err != nil {
			return
		}
		for _, s := range append(imap, smtp...) {
			if !validHost(s.Host) || s.Port < 1 || s.Port > 65535 || s.Security == "" {
				t.Fatalf("parseConfig accepted an unusable server %v", s)
			}
		}
	})
}

// The two autoconfig URLs over real TLS: the address goes in the query of
// the first; the second is used when the first is absent.
func TestAutoconfigFetch(t *testing.T) {
	var gotQuery string
	client := startHTTPS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Host + r.URL.Path {
		case "autoconfig.example.test/mail/config-v1.1.xml":
			gotQuery = r.URL.Query().Get("emailaddress")
			_, _ = w.Write([]byte(autoconfigXML("imap.example.test", 993, "smtp.example.test", 587)))
		case "other.test/.well-known/autoconfig/mail/config-v1.1.xml",
			"sub.example.test/.well-known/autoconfig/mail/config-v1.1.xml":
			_, _ = w.Write([]byte(autoconfigXML("wk-imap.example.test", 993, "wk-smtp.example.test", 587)))
		case "hosting.test/.well-known/autoconfig/mail/config-v1.1.xml":
			_, _ = w.Write([]byte(autoconfigXML("wk.hosting.test", 993, "wk.hosting.test", 465)))
		case "autoconfig.hosting.test/mail/config-v1.1.xml":
			http.Redirect(w, r, "http://hosting.test/plain.xml", http.StatusFound)
		case "hosting.test/plain.xml":
			t.Error("followed a redirect to plain http")
		default:
			http.NotFound(w, r)
		}
	}))
	tests := []struct {
		name, email, domain string
		imap                string // "" = error
	}{
		{"autoconfig host wins", "lê.văn@example.test", "example.test", "imap.example.test"},
		{"well-known after 404", "x@sub.example.test", "sub.example.test", "wk-imap.example.test"},
		{"https redirect refused, well-known used", "x@hosting.test", "hosting.test", "wk.hosting.test"},
		{"certificate not valid for host", "x@other.test", "other.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFinder(testOptions(nil, client, nil))
			a, err := parseAddress(tt.email)
			if err != nil {
				t.Fatal(err)
			}
			r, err := f.fromAutoconfig(context.Background(), a, tt.domain, SourceAutoconfig)
			if tt.imap == "" {
				if err == nil {
					t.Fatalf("got %v; want an error", r.IMAP)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.IMAP.Host != tt.imap || r.Source != SourceAutoconfig || r.IMAP.Username != a.email {
				t.Fatalf("got %v from %s", r.IMAP, r.Source)
			}
		})
	}
	if gotQuery != "lê.văn@example.test" {
		t.Errorf("emailaddress query = %q", gotQuery)
	}
}

// Every URL discovery fetches is https.
func TestAutoconfigURLsHTTPSOnly(t *testing.T) {
	for _, u := range autoconfigURLs("example.vn", "a@example.vn") {
		if !strings.HasPrefix(u, "https://") {
			t.Errorf("%s is not https", u)
		}
	}
}
