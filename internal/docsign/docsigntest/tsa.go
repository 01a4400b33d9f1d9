//go:build !windows

package docsigntest

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/digitorus/timestamp"

	"thucongvu/internal/testsrv"
)

// TSA is a timestamp authority: `openssl ts -reply` behind a loopback HTTP
// server (RFC 3161 over HTTP).
type TSA struct {
	URL string
	// Dir holds tsa.crt, chain.pem (intermediate and root) and openssl.cnf.
	Dir string
	// Requests counts the answered requests.
	Requests int
	mu       sync.Mutex
}

// StartTSA serves timestamps signed by p.TSA until the test ends.
func StartTSA(tb testing.TB, p *PKI) *TSA {
	tb.Helper()
	testsrv.Need(tb, "openssl")
	dir := tb.TempDir()
	WriteFile(tb, dir, "tsa.crt", PEM(p.TSA.Cert))
	WriteFile(tb, dir, "tsa.key", KeyPEM(tb, p.TSA.Key))
	WriteFile(tb, dir, "chain.pem", PEM(p.Intermediate.Cert, p.Root.Cert))
	WriteFile(tb, dir, "root.pem", PEM(p.Root.Cert))
	WriteFile(tb, dir, "serial", []byte("01\n"))
	WriteFile(tb, dir, "openssl.cnf", []byte(fmt.Sprintf(`[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = %s
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha1, sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`, dir)))
	t := &TSA{Dir: dir}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		defer t.mu.Unlock()
		q, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		qf := filepath.Join(dir, "q.tsq")
		rf := filepath.Join(dir, "r.tsr")
		if err := os.WriteFile(qf, q, 0o600); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		cmd := exec.Command("openssl", "ts", "-reply", "-config", filepath.Join(dir, "openssl.cnf"),
			"-queryfile", qf, "-out", rf)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			http.Error(w, stderr.String(), http.StatusInternalServerError)
			return
		}
		resp, err := os.ReadFile(rf)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		t.Requests++
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write(resp)
	}))
	tb.Cleanup(srv.Close)
	t.URL = srv.URL
	return t
}

// OpenSSLCMS signs content (detached) with `openssl cms -sign`, adding args
// (e.g. "-stream" for indefinite-length BER, "-keyopt
// rsa_padding_mode:pss" for RSASSA-PSS).
func OpenSSLCMS(tb testing.TB, content []byte, id *Identity, chain []*Identity, args ...string) []byte {
	tb.Helper()
	testsrv.Need(tb, "openssl")
	dir := tb.TempDir()
	in := WriteFile(tb, dir, "in.bin", content)
	cert := WriteFile(tb, dir, "signer.pem", PEM(id.Cert))
	key := WriteFile(tb, dir, "signer.key", KeyPEM(tb, id.Key))
	out := filepath.Join(dir, "out.p7s")
	cmdArgs := []string{"cms", "-sign", "-binary", "-md", "sha256", "-in", in, "-signer", cert, "-inkey", key, "-outform", "DER", "-out", out}
	if len(chain) > 0 {
		var certs []*Identity
		certs = append(certs, chain...)
		var pemData []byte
		for _, c := range certs {
			pemData = append(pemData, PEM(c.Cert)...)
		}
		cmdArgs = append(cmdArgs, "-certfile", WriteFile(tb, dir, "chain.pem", pemData))
	}
	cmd := exec.Command("openssl", append(cmdArgs, args...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("openssl cms: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// IndefiniteLength re-encodes the outer SEQUENCE of a DER CMS with an
// indefinite length (BER, as NSS and streaming encoders write).
func IndefiniteLength(tb testing.TB, der []byte) []byte {
	tb.Helper()
	if len(der) < 4 || der[0] != 0x30 || der[1]&0x80 == 0 {
		tb.Fatalf("not a long-form DER SEQUENCE: % x", der[:min(4, len(der))])
	}
	n := int(der[1] & 0x7f)
	out := append([]byte{0x30, 0x80}, der[2+n:]...)
	return append(out, 0, 0)
}

// Token asks the TSA for a timestamp token over data (RFC 3161 over HTTP).
func (t *TSA) Token(tb testing.TB, data []byte) []byte {
	tb.Helper()
	req, err := timestamp.CreateRequest(bytes.NewReader(data), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := http.Post(t.URL, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		tb.Fatal(err)
	}
	return ts.RawToken
}
