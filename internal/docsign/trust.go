// Package docsign verifies and makes digital signatures (ký số) on PDF
// documents (R4: official documents travel as signed PDFs; Decree 30/2020
// art. 21.2: the clerk checks that a received document is authentic and
// intact; Circular 15/2025/TT-BKHCN: say who signed, when, and whether the
// data is intact).
//
// PDF structure, CMS and timestamp tokens are read by
// github.com/digitorus/pdf, github.com/digitorus/pkcs7 and
// github.com/digitorus/timestamp; this package adds the checks those
// libraries leave out: an explicit trust pool, the signer found by its
// SignerIdentifier, whole-file ByteRange coverage, RSASSA-PSS, the timestamp
// checked against the signature value, and revocation from what the PDF
// embeds.
package docsign

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxRootFile bounds one root certificate file.
const maxRootFile = 1 << 20

// TrustStore holds the root certificates signatures must chain to. It never
// holds the operating system's roots, nor any certificate a PDF carries.
type TrustStore struct {
	roots []Root
	pool  *x509.CertPool
}

// Root is one trusted root certificate and the file it came from.
type Root struct {
	Cert *x509.Certificate
	File string
}

// Subject is the root's subject name.
func (r Root) Subject() string { return r.Cert.Subject.String() }

// Fingerprint is the SHA-256 of the certificate, upper-case hex with colons
// (as `openssl x509 -noout -fingerprint -sha256` prints it).
func (r Root) Fingerprint() string { return Fingerprint(r.Cert) }

// Fingerprint is the SHA-256 of a certificate in openssl's notation.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// NewTrustStore trusts exactly the given certificates.
func NewTrustStore(certs ...*x509.Certificate) *TrustStore {
	t := &TrustStore{pool: x509.NewCertPool()}
	for _, c := range certs {
		t.add(Root{Cert: c})
	}
	return t
}

func (t *TrustStore) add(r Root) {
	for _, have := range t.roots {
		if have.Cert.Equal(r.Cert) {
			return
		}
	}
	t.roots = append(t.roots, r)
	t.pool.AddCert(r.Cert)
}

// Roots lists the trusted roots, by subject.
func (t *TrustStore) Roots() []Root {
	if t == nil {
		return nil
	}
	out := append([]Root(nil), t.roots...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Subject() < out[j].Subject() })
	return out
}

// Len is the number of trusted roots.
func (t *TrustStore) Len() int {
	if t == nil {
		return 0
	}
	return len(t.roots)
}

// certPool is never nil: an empty pool trusts nothing (a nil pool would make
// crypto/x509 fall back to the system roots).
func (t *TrustStore) certPool() *x509.CertPool {
	if t == nil || t.pool == nil {
		return x509.NewCertPool()
	}
	return t.pool
}

// LoadTrustStore reads every certificate file (PEM or DER) in the given
// folders; a folder that does not exist is skipped. Files that are not
// certificates are reported in the returned problems and skipped.
func LoadTrustStore(dirs ...string) (*TrustStore, []string) {
	t := NewTrustStore()
	var problems []string
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				problems = append(problems, err.Error())
			}
			continue
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			path := filepath.Join(dir, e.Name())
			certs, err := ReadCertificates(path)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", path, err))
				continue
			}
			for _, c := range certs {
				t.add(Root{Cert: c, File: path})
			}
		}
	}
	return t, problems
}

// ReadCertificates reads the certificates of one PEM or DER file.
func ReadCertificates(path string) ([]*x509.Certificate, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxRootFile {
		return nil, fmt.Errorf("larger than %d bytes", maxRootFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCertificates(b)
}

// ParseCertificates parses PEM (one or more CERTIFICATE blocks) or DER.
func ParseCertificates(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) > 0 {
		return certs, nil
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return nil, errors.New("no certificate (PEM or DER)")
	}
	return []*x509.Certificate{c}, nil
}

// Expired reports whether the root is past its end date at now.
func (r Root) Expired(now time.Time) bool { return now.After(r.Cert.NotAfter) }

// EncodePEM encodes one DER certificate as PEM.
func EncodePEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
