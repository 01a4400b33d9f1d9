package docsign

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/crypto/ocsp"
)

// maxOnlineAnswer bounds an OCSP answer fetched online.
const maxOnlineAnswer = 1 << 20

func limitReader(r io.Reader, n int64) io.Reader { return io.LimitReader(r, n) }

// revoked checks each certificate of the chain (not the root) against the
// OCSP responses and CRLs the PDF embeds, and online when the policy allows
// it. A revocation before the trusted signing time, or any revocation when
// the time is only the signer's clock, makes the signature revoked.
func (v *verifier) revoked(chain []*x509.Certificate, ocsps, crls [][]byte, at time.Time, timestamped bool) string {
	counts := func(revokedAt time.Time) bool { return !timestamped || !revokedAt.After(at) }
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		answered := false
		for _, der := range ocsps {
			resp, err := ocsp.ParseResponseForCert(der, cert, issuer)
			if err != nil {
				continue
			}
			answered = true
			if resp.Status == ocsp.Revoked && counts(resp.RevokedAt) {
				return fmt.Sprintf("%q revoked at %s (OCSP)", cert.Subject.CommonName, resp.RevokedAt.Format(time.RFC3339))
			}
		}
		for _, der := range crls {
			crl, err := x509.ParseRevocationList(der)
			if err != nil || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			answered = true
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(cert.SerialNumber) == 0 && counts(e.RevocationTime) {
					return fmt.Sprintf("%q revoked at %s (CRL)", cert.Subject.CommonName, e.RevocationTime.Format(time.RFC3339))
				}
			}
		}
		if !answered && v.opts.Online {
			if resp := v.askOCSP(cert, issuer); resp != nil && resp.Status == ocsp.Revoked && counts(resp.RevokedAt) {
				return fmt.Sprintf("%q revoked at %s (OCSP, online)", cert.Subject.CommonName, resp.RevokedAt.Format(time.RFC3339))
			}
		}
	}
	return ""
}

// askOCSP queries the certificate's OCSP responder, bounded by the timeout.
// Failures are not verdicts: they leave the status unknown.
func (v *verifier) askOCSP(cert, issuer *x509.Certificate) *ocsp.Response {
	if len(cert.OCSPServer) == 0 {
		return nil
	}
	req, err := ocsp.CreateRequest(cert, issuer, nil)
	if err != nil {
		return nil
	}
	timeout := v.opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	client := v.opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, cert.OCSPServer[0], bytes.NewReader(req))
	if err != nil {
		return nil
	}
	hreq.Header.Set("Content-Type", "application/ocsp-request")
	resp, err := client.Do(hreq)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOnlineAnswer))
	if err != nil {
		return nil
	}
	r, err := ocsp.ParseResponseForCert(body, cert, issuer)
	if err != nil {
		return nil
	}
	return r
}
