package send

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/tlsconf"
)

// An SMTP server with a self-signed certificate is refused as a
// certificate matter naming its SHA-256 (what `--trust-cert` takes), and
// accepted once that SHA-256 is trusted.
func TestSubmissionCertificateTrust(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "smtp.hanam.gov.vn"},
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
	srv := smtp.NewServer(&memBackend{})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	a := model.Account{Name: "a", Email: "a@hanam.gov.vn", SMTP: model.Server{Host: "127.0.0.1", Port: p, Security: model.SecurityImplicit}}

	_, err = Connect(context.Background(), a, "x", nil)
	sum := tlsconf.CertSHA256(cert)
	if !errors.Is(err, failure.ErrCertificate) || !strings.Contains(err.Error(), sum) {
		t.Fatalf("untrusted certificate: %v", err)
	}
	a.TrustedCertSHA256 = sum
	c, err := Connect(context.Background(), a, "x", nil)
	if err != nil {
		t.Fatalf("trusted certificate: %v", err)
	}
	c.Close()
}
