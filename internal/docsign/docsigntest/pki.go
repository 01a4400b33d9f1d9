//go:build !windows

// Package docsigntest makes what the signature tests need: a certificate
// authority with Vietnamese names (root, intermediate, signer, agency), a
// timestamp authority served by `openssl ts -reply` on loopback, sample
// PDFs, and PDFs signed through github.com/digitorus/pdfsign.
package docsigntest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"image"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pkcs7"
	"github.com/signintech/gopdf"

	"thucongvu/assets"
)

// Identity is a certificate and its private key.
type Identity struct {
	Cert *x509.Certificate
	Key  *rsa.PrivateKey
}

// PKI is a test certificate authority.
type PKI struct {
	Root, Intermediate *Identity
	// Signer is a person ("Nguyễn Văn A"), Agency the agency's own key.
	Signer, Agency *Identity
	// TSA is the timestamp authority's certificate (timeStamping EKU).
	TSA *Identity
}

var serial atomic.Int64

// Issue makes a certificate for subject signed by parent (self-signed when
// parent is nil), valid from notBefore to notAfter.
func Issue(tb testing.TB, parent *Identity, subject pkix.Name, ca bool, eku []x509.ExtKeyUsage, notBefore, notAfter time.Time, edit ...func(*x509.Certificate)) *Identity {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()/1000 + serial.Add(1)),
		Subject:      subject,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		ExtKeyUsage:  eku,
	}
	if len(eku) == 1 && eku[0] == x509.ExtKeyUsageTimeStamping {
		// RFC 3161 §2.3: a TSA's extended key usage is critical (openssl ts insists).
		val, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		tmpl.ExtKeyUsage = nil
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: val}}
	}
	if ca {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		tmpl.BasicConstraintsValid = true
	}
	for _, e := range edit {
		e(tmpl)
	}
	parentCert, parentKey := tmpl, crypto.Signer(key)
	if parent != nil {
		parentCert, parentKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return &Identity{Cert: cert, Key: key}
}

// NewPKI makes the root ("Trung tâm Chứng thực điện tử quốc gia (thử)"), an
// intermediate, the signer, the agency and a TSA.
func NewPKI(tb testing.TB) *PKI {
	tb.Helper()
	now := time.Now()
	root := Issue(tb, nil, pkix.Name{Country: []string{"VN"}, Organization: []string{"Bộ Khoa học và Công nghệ"},
		CommonName: "Trung tâm Chứng thực điện tử quốc gia (thử)"}, true, nil, now.Add(-48*time.Hour), now.Add(10*365*24*time.Hour))
	inter := Issue(tb, root, pkix.Name{Country: []string{"VN"}, Organization: []string{"Ban Cơ yếu Chính phủ"},
		CommonName: "CA chuyên dùng Chính phủ (thử)"}, true, nil, now.Add(-47*time.Hour), now.Add(5*365*24*time.Hour))
	signer := Issue(tb, inter, pkix.Name{Country: []string{"VN"}, Province: []string{"Long An"},
		Organization: []string{"Sở TT&TT tỉnh Long An"}, CommonName: "Nguyễn Văn A",
		ExtraNames: []pkix.AttributeTypeAndValue{{Type: []int{1, 2, 840, 113549, 1, 9, 1}, Value: "nva@longan.gov.vn"}}},
		false, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, now.Add(-24*time.Hour), now.Add(2*365*24*time.Hour))
	agency := Issue(tb, inter, pkix.Name{Country: []string{"VN"}, Province: []string{"Long An"},
		Organization: []string{"Sở TT&TT tỉnh Long An"}, CommonName: "Sở Thông tin và Truyền thông tỉnh Long An"},
		false, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, now.Add(-24*time.Hour), now.Add(2*365*24*time.Hour))
	tsa := Issue(tb, inter, pkix.Name{Country: []string{"VN"}, CommonName: "Dịch vụ cấp dấu thời gian (thử)"},
		false, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, now.Add(-24*time.Hour), now.Add(2*365*24*time.Hour))
	return &PKI{Root: root, Intermediate: inter, Signer: signer, Agency: agency, TSA: tsa}
}

// PEM encodes certificates.
func PEM(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// KeyPEM encodes a private key (PKCS #8).
func KeyPEM(tb testing.TB, key crypto.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// WriteFile writes data into dir/name and returns the path.
func WriteFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// SamplePDF is a one-page official-looking PDF with Vietnamese text and
// padding bytes to reach about minSize bytes (0: small).
func SamplePDF(tb testing.TB, text string, minSize int) []byte {
	tb.Helper()
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := p.AddTTFFontData("dejavu", assets.DejaVuSans()); err != nil {
		tb.Fatal(err)
	}
	if err := p.SetFont("dejavu", "", 13); err != nil {
		tb.Fatal(err)
	}
	p.AddPage()
	p.SetXY(60, 80)
	if err := p.Cell(nil, text); err != nil {
		tb.Fatal(err)
	}
	if minSize > 0 {
		// A scan-like page: an image of incompressible noise of about minSize bytes.
		side := int(math.Sqrt(float64(minSize) / 3))
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		_, _ = rand.Read(img.Pix)
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 0xff
		}
		p.AddPage()
		if err := p.ImageFrom(img, 20, 20, &gopdf.Rect{W: 555, H: 555}); err != nil {
			tb.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// SignOptions tune SignPDF.
type SignOptions struct {
	// Chain is carried in the CMS after the signer (nil: none).
	Chain []*x509.Certificate
	// TSAURL asks that TSA for a timestamp over the signature value.
	TSAURL string
	// Date is the signer's clock (now when zero).
	Date time.Time
	// Name is the PDF's /Name (which verification must ignore).
	Name string
	// CRLs are embedded in the signature (adbe-revocationInfoArchival).
	CRLs [][]byte
}

// SignPDF signs in with id through digitorus/pdfsign (adbe.pkcs7.detached,
// incremental update).
func SignPDF(tb testing.TB, in []byte, id *Identity, o SignOptions) []byte {
	tb.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		tb.Fatal(err)
	}
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	chain := append([]*x509.Certificate{id.Cert}, o.Chain...)
	var rev revocation.InfoArchival
	for _, c := range o.CRLs {
		_ = rev.AddCRL(c)
	}
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(in), &out, rdr, int64(len(in)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info:     sign.SignDataSignatureInfo{Name: o.Name, Reason: "Phát hành văn bản", Location: "Long An", Date: date},
			CertType: sign.ApprovalSignature, DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer:            id.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       id.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
		TSA:               sign.TSA{URL: o.TSAURL},
		RevocationData:    rev,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// ByteRange returns the covered bytes of the last signature and the offsets
// of its /Contents hole (the hex digits between < and >).
func ByteRange(tb testing.TB, signed []byte) (covered []byte, holeStart, holeEnd int) {
	tb.Helper()
	i := bytes.LastIndex(signed, []byte("/ByteRange"))
	if i < 0 {
		tb.Fatal("no /ByteRange")
	}
	j := bytes.IndexByte(signed[i:], ']') + i
	var a, b, c, d int
	if _, err := fmt.Sscanf(strings.TrimLeft(string(signed[i+len("/ByteRange"):j]), " ["), "%d %d %d %d", &a, &b, &c, &d); err != nil {
		tb.Fatal(err)
	}
	covered = append(append([]byte{}, signed[a:a+b]...), signed[c:c+d]...)
	return covered, b + 1, c - 1
}

// LastCMS parses the CMS of the last signature through digitorus/pkcs7.
func LastCMS(tb testing.TB, signed []byte) *pkcs7.PKCS7 {
	tb.Helper()
	_, hs, he := ByteRange(tb, signed)
	der, err := hex.DecodeString(string(signed[hs:he]))
	if err != nil {
		tb.Fatal(err)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		tb.Fatal(err)
	}
	return p7
}

// Resign replaces the last signature's value with what cms makes from the
// covered bytes (so a test can put a CMS made elsewhere — openssl, BER,
// RSASSA-PSS, a forged signer — into a real PDF).
func Resign(tb testing.TB, signed []byte, cms func(covered []byte) []byte) []byte {
	tb.Helper()
	covered, hs, he := ByteRange(tb, signed)
	h := hex.EncodeToString(cms(covered))
	if len(h) > he-hs {
		tb.Fatalf("CMS of %d hex digits does not fit a hole of %d", len(h), he-hs)
	}
	out := append([]byte{}, signed...)
	copy(out[hs:he], h+strings.Repeat("0", he-hs-len(h)))
	return out
}

// CMS signs content (detached) with id through digitorus/pkcs7, carrying
// extra certificates.
func CMS(tb testing.TB, content []byte, id *Identity, extra ...*x509.Certificate) []byte {
	tb.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		tb.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(id.Cert, id.Key, pkcs7.SignerInfoConfig{}); err != nil {
		tb.Fatal(err)
	}
	for _, c := range extra {
		sd.AddCertificate(c)
	}
	sd.Detach()
	der, err := sd.Finish()
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// CRL is a revocation list signed by issuer that lists the revoked
// certificates (revoked at the given time).
func CRL(tb testing.TB, issuer *Identity, revokedAt time.Time, revoked ...*x509.Certificate) []byte {
	tb.Helper()
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: revokedAt})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, issuer.Cert, issuer.Key)
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

// DocTimestamp adds a document timestamp (ETSI.RFC3161) from the TSA at url
// through pdfsign.
func DocTimestamp(tb testing.TB, in []byte, url string) []byte {
	tb.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	if err := sign.Sign(bytes.NewReader(in), &out, rdr, int64(len(in)), sign.SignData{
		Signature:       sign.SignDataSignature{CertType: sign.TimeStampSignature},
		DigestAlgorithm: crypto.SHA256,
		TSA:             sign.TSA{URL: url},
	}); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
