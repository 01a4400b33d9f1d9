//go:build !windows

package docsign_test

import (
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"thucongvu/internal/docsign"
	"thucongvu/internal/docsign/docsigntest"
)

// Online OCSP is asked only when the policy switch is on, within the
// timeout; a responder that does not answer leaves the offline verdict.
func TestR4VerifyOnlineOCSPBehindSwitch(t *testing.T) {
	p := pki(t)
	asked := 0
	var signer *docsigntest.Identity
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked++
		body, _ := io.ReadAll(r.Body)
		req, err := ocsp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		resp, err := ocsp.CreateResponse(p.Intermediate.Cert, p.Intermediate.Cert, ocsp.Response{
			Status: ocsp.Revoked, SerialNumber: req.SerialNumber, RevokedAt: time.Now().Add(-time.Hour),
			ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour),
		}, p.Intermediate.Key)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		_, _ = w.Write(resp)
	}))
	defer srv.Close()
	signer = docsigntest.Issue(t, p.Intermediate, p.Signer.Cert.Subject, false, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour),
		func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL} })
	b := docsigntest.SignPDF(t, docsigntest.SamplePDF(t, "x", 0), signer, docsigntest.SignOptions{Chain: []*x509.Certificate{p.Intermediate.Cert}})
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{})); s.State != docsign.Valid || asked != 0 {
		t.Fatalf("offline: %s asked %d", s.State, asked)
	}
	if s := one(t, docsign.Verify(b, trust(t), docsign.Options{Online: true, Timeout: 10 * time.Second})); s.State != docsign.Revoked || asked != 1 {
		t.Fatalf("online: %s (%s) asked %d", s.State, s.Reason, asked)
	}
}
