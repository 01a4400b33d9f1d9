package discover

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"thucongvu/internal/model"
)

// startDNS serves zone (records in presentation format) on a real DNS
// server on 127.0.0.1 and returns a Go resolver that asks only it.
func startDNS(t *testing.T, zone ...string) *net.Resolver {
	t.Helper()
	var rrs []dns.RR
	for _, z := range zone {
		rr, err := dns.NewRR(z)
		if err != nil {
			t.Fatalf("bad test record %q: %v", z, err)
		}
		rrs = append(rrs, rr)
	}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Authoritative = true
		exists := false
		for _, q := range req.Question {
			for _, rr := range rrs {
				if !strings.EqualFold(rr.Header().Name, q.Name) {
					continue
				}
				exists = true
				if rr.Header().Rrtype == q.Qtype {
					m.Answer = append(m.Answer, rr)
				}
			}
		}
		if !exists {
			m.Rcode = dns.RcodeNameError
		}
		_ = w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: handler, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	addr := pc.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		},
	}
}

// startHTTPS serves handler over TLS with a certificate for the test
// domains, and returns a client that reaches it for any host name and
// verifies that certificate (no InsecureSkipVerify).
func startHTTPS(t *testing.T, handler http.Handler) *http.Client {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "discover test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		DNSNames:              []string{"example.test", "*.example.test", "hosting.test", "*.hosting.test", "*.sub.example.test"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(handler)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	addr := ts.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
}

// fakeNet maps host:port names to loopback listeners for the guess probe.
// Open names reach a real listener; every other name reaches a loopback
// port with nothing listening, so the refusal is real too.
type fakeNet struct {
	mu     sync.Mutex
	open   map[string]string // "mail.example.test:993" → "127.0.0.1:NNNN"
	closed string
	dialed []string
	// onDial, when set, is called after each successful dial.
	onDial func(addr string)
}

func newFakeNet(t *testing.T, open ...string) *fakeNet {
	t.Helper()
	fn := &fakeNet{open: map[string]string{}}
	for _, name := range open {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		fn.open[name] = ln.Addr().String()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fn.closed = ln.Addr().String()
	ln.Close()
	return fn
}

func (fn *fakeNet) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	fn.mu.Lock()
	fn.dialed = append(fn.dialed, addr)
	target, ok := fn.open[addr]
	fn.mu.Unlock()
	if !ok {
		target = fn.closed
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, target)
	if err == nil && fn.onDial != nil {
		fn.onDial(addr)
	}
	return c, err
}

// offline is an http.Client whose every request fails at once.
func offlineHTTP() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errRefused}
		},
	}}
}

var errRefused = &net.DNSError{Err: "test: no network", IsNotFound: true}

// testOptions wires a test's DNS, HTTPS and TCP; any of them may be nil
// for "nothing answers".
func testOptions(res *net.Resolver, client *http.Client, fn *fakeNet) *Options {
	o := &Options{ISPDirs: []string{}, Timeout: 20 * time.Second, ProbeTimeout: 5 * time.Second,
		Rand: mrand.New(mrand.NewPCG(1, 2))}
	o.Resolver = res
	if o.Resolver == nil {
		o.Resolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errRefused
		}}
	}
	o.HTTPClient = client
	if client == nil {
		o.HTTPClient = offlineHTTP()
	}
	if fn != nil {
		o.Dial = fn.Dial
	} else {
		o.Dial = func(context.Context, string, string) (net.Conn, error) { return nil, errRefused }
	}
	return o
}

// srv builds an expected Server.
func srv(host string, port int, sec model.Security, user string) Server {
	return Server{Server: model.Server{Host: host, Port: port, Security: sec}, Username: user}
}

func (s Server) String() string {
	return s.Username + "@" + s.Host + ":" + strconv.Itoa(s.Port) + "/" + string(s.Security)
}

// autoconfigXML is a minimal valid document.
func autoconfigXML(imapHost string, imapPort int, smtpHost string, smtpPort int) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="test">
<incomingServer type="imap"><hostname>` + imapHost + `</hostname><port>` + strconv.Itoa(imapPort) +
		`</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>` + smtpHost + `</hostname><port>` + strconv.Itoa(smtpPort) +
		`</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
</emailProvider></clientConfig>`
}
