package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/failure"
)

// selfSigned serves TLS on loopback with a fresh self-signed certificate
// and returns its address and certificate.
func selfSigned(t *testing.T) (string, *x509.Certificate) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.hanam.gov.vn"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
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
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	return ln.Addr().String(), cert
}

func handshake(addr string, cfg *tls.Config) error {
	c, err := tls.Dial("tcp", addr, cfg)
	if err == nil {
		c.Close()
	}
	return err
}

func TestPinnedAndUntrustedCertificates(t *testing.T) {
	addr, cert := selfSigned(t)
	sum := CertSHA256(cert)
	// Not pinned: refused, and the error names the SHA-256 to trust.
	err := CertError(addr, handshake(addr, Config("localhost", "", nil)))
	if !errors.Is(err, failure.ErrCertificate) || !strings.Contains(err.Error(), sum) {
		t.Fatalf("untrusted: %v", err)
	}
	// Pinned (as the user types it: upper case, colons): trusted.
	colons := strings.ToUpper(sum[:2] + ":" + sum[2:])
	if err := handshake(addr, Config("localhost", "00ff, "+colons, nil)); err != nil {
		t.Fatalf("pinned: %v", err)
	}
	// Another pin: refused as a certificate error.
	err = CertError(addr, handshake(addr, Config("localhost", strings.Repeat("ab", 32), nil)))
	if !errors.Is(err, failure.ErrCertificate) {
		t.Fatalf("wrong pin: %v", err)
	}
	// A policy CA that signed it: trusted without a pin.
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	if err := handshake(addr, Config("localhost", "", pool)); err != nil {
		t.Fatalf("policy CA: %v", err)
	}
	// Not a certificate matter: returned as it is.
	other := errors.New("connection reset")
	if got := CertError(addr, other); got != other {
		t.Fatalf("other error: %v", got)
	}
}
