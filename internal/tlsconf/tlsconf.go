// Package tlsconf is the one TLS configuration of the client, shared by
// IMAP (package imapsync) and SMTP submission (package send): the system
// roots plus the CAs of machine policy, or exactly the self-signed
// certificates the user chose to trust by their SHA-256.
package tlsconf

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/failure"
)

// Config trusts the system roots and roots (policy CAs, may be nil), or
// exactly the certificates pinned by pinSHA256 (comma-separated hex
// SHA-256, colons allowed) when it is not empty.
func Config(host, pinSHA256 string, roots *x509.CertPool) *tls.Config {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, RootCAs: roots}
	if pinSHA256 == "" {
		return cfg
	}
	pins := map[string]bool{}
	for _, p := range strings.Split(pinSHA256, ",") {
		pins[strings.ToLower(strings.ReplaceAll(strings.TrimSpace(p), ":", ""))] = true
	}
	cfg.InsecureSkipVerify = true // replaced by the pin check below
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("no certificate")
		}
		if got := CertSHA256(cs.PeerCertificates[0]); !pins[got] {
			return fmt.Errorf("certificate %s does not match the trusted %s", got, pinSHA256)
		}
		return nil
	}
	return cfg
}

// CertSHA256 is the hex SHA-256 of a certificate's DER form.
func CertSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// CertError turns a handshake error with addr that is about the server's
// certificate into one wrapping failure.ErrCertificate, naming the
// certificate and its SHA-256 so the user can decide to trust it
// explicitly; any other error is returned as it is.
func CertError(addr string, err error) error {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
		c := verr.UnverifiedCertificates[0]
		reason := verr.Err.Error()
		now := time.Now()
		if now.After(c.NotAfter) {
			reason = "expired on " + c.NotAfter.Format("2006-01-02")
		} else if now.Before(c.NotBefore) {
			reason = "not valid before " + c.NotBefore.Format("2006-01-02")
		}
		return fmt.Errorf("%w: %s presents certificate %q issued by %q (SHA-256 %s): %s",
			failure.ErrCertificate, addr, c.Subject.CommonName, c.Issuer.CommonName, CertSHA256(c), reason)
	}
	var herr x509.HostnameError
	if errors.As(err, &herr) || errors.As(err, &verr) || strings.Contains(err.Error(), "does not match the trusted") {
		return fmt.Errorf("%w: %s: %v", failure.ErrCertificate, addr, err)
	}
	return err
}
