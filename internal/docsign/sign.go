package docsign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Certificate problems found before signing (exit 3, each with its message).
var (
	ErrCertExpired   = errors.New("the signing certificate is expired or not yet valid")
	ErrCertUntrusted = errors.New("the signing certificate does not chain to a trusted root")
)

// Roles of a signature (Decree 30/2020 art. 33, Appendix I).
const (
	AsSigner       = "signer"       // the person who signs (blue signature image)
	AsOrganization = "organization" // the agency (red seal)
	AsCopy         = "copy"         // electronic copy: top right of page one, no image
)

// SignOptions describe one signature.
type SignOptions struct {
	// As is AsSigner, AsOrganization or AsCopy.
	As string
	// Image is the signature image (AsSigner) or the seal (AsOrganization), PNG.
	Image []byte
	// TSAURL, when set, makes the signature PAdES B-T: an RFC 3161 token
	// over the signature value.
	TSAURL string
	// Chain holds the intermediates carried in the signature.
	Chain []*x509.Certificate
	// Trust is what the certificate is checked against before signing.
	Trust *TrustStore
	// Now is the signing time (the current time when zero).
	Now time.Time
	// Reason and Location go into the signature dictionary.
	Reason, Location string
	// HTTPClient reaches the TSA (a client with a 30 s timeout when nil).
	HTTPClient *http.Client
}

// maxTokenSize is the room left for the TSA's token in the signature.
const maxTokenSize = 9000

// Sign adds a signature by key (its certificate is cert) to the PDF in, as
// an incremental update that keeps earlier signatures valid, and returns
// the signed file. The SubFilter is ETSI.CAdES.detached with a
// signing-certificate-v2 attribute and no signing-time attribute (PAdES
// B-B: the claimed time is /M), B-T with a TSA.
//
// The update is laid out by github.com/digitorus/pdfsign with a stand-in
// signature; the CMS is then made here (so that the token signs once and
// the SubFilter is PAdES) and written into the reserved /Contents.
func Sign(in []byte, key crypto.Signer, cert *x509.Certificate, o SignOptions) ([]byte, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, ErrCertExpired
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: o.Trust.certPool(), Intermediates: pool(o.Chain),
		CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCertUntrusted, err)
	}
	if len(in) > MaxPDFSize {
		return nil, fmt.Errorf("PDF larger than %d MB", MaxPDFSize>>20)
	}
	rdr, err := openForSigning(in)
	if err != nil {
		return nil, err
	}
	app, err := appearanceFor(rdr, cert, o, now)
	if err != nil {
		return nil, err
	}

	// Pass 1: lay out the update with a stand-in signer of the same size.
	var laid bytes.Buffer
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{Name: cert.Subject.CommonName, Reason: o.Reason, Location: o.Location, Date: now},
			// Approval signatures: a later signature stays allowed.
			CertType: sign.ApprovalSignature, DocMDPPerm: sign.AllowFillingExistingFormFieldsAndSignaturesPerms,
		},
		Signer:            standIn{pub: cert.PublicKey},
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       cert,
		CertificateChains: [][]*x509.Certificate{append([]*x509.Certificate{cert}, o.Chain...)},
		Appearance:        app,
	}
	if o.TSAURL != "" {
		// Room for the token: pdfsign sizes /Contents by the revocation
		// data it is given, and the stand-in CMS is thrown away.
		reserve, _ := asn1.Marshal(make([]byte, maxTokenSize))
		data.RevocationData.OCSP = append(data.RevocationData.OCSP, asn1.RawValue{FullBytes: reserve})
	}
	if err := signWithPdfsign(in, rdr, &laid, data); err != nil {
		return nil, fmt.Errorf("lay out the signature: %w", err)
	}
	out := laid.Bytes()

	// The signature dictionary pdfsign wrote is the last one; make it PAdES
	// (same length, before anything is hashed).
	const pdfsignSub, padesSub = "/SubFilter /adbe.pkcs7.detached", "/SubFilter /ETSI.CAdES.detached"
	i := bytes.LastIndex(out, []byte(pdfsignSub))
	if i < len(in) {
		return nil, errors.New("lay out the signature: no signature dictionary")
	}
	copy(out[i:], padesSub)
	covered, holeStart, holeEnd, err := lastByteRange(out)
	if err != nil {
		return nil, err
	}

	// Pass 2: the real CMS, signed once on the token.
	cms, err := buildCMS(covered, key, cert, o, now)
	if err != nil {
		return nil, err
	}
	h := hex.EncodeToString(cms)
	if len(h) > holeEnd-holeStart {
		return nil, fmt.Errorf("signature of %d bytes does not fit the %d reserved", len(cms), (holeEnd-holeStart)/2)
	}
	copy(out[holeStart:], h)
	for j := holeStart + len(h); j < holeEnd; j++ {
		out[j] = '0'
	}
	return out, nil
}

func openForSigning(in []byte) (rdr *pdf.Reader, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable PDF: %v", r)
		}
	}()
	return openRevision(in, int64(len(in)))
}

func signWithPdfsign(in []byte, rdr *pdf.Reader, w io.Writer, data sign.SignData) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return sign.Sign(bytes.NewReader(in), w, rdr, int64(len(in)), data)
}

// lastByteRange reads back the ByteRange pdfsign filled in: the covered
// bytes and the hex hole of /Contents.
func lastByteRange(out []byte) ([]byte, int, int, error) {
	r, err := openRevision(out, int64(len(out)))
	if err != nil {
		return nil, 0, 0, err
	}
	v := verifier{file: out, doc: r}
	sigs := v.signatureDicts()
	var last pdf.Value
	var lastEnd int64 = -1
	for _, s := range sigs {
		if s.Key("ByteRange").Len() == 4 && s.Key("ByteRange").Index(2).Int64() > lastEnd {
			last, lastEnd = s, s.Key("ByteRange").Index(2).Int64()
		}
	}
	if lastEnd < 0 {
		return nil, 0, 0, errors.New("lay out the signature: no ByteRange")
	}
	covered, _, err := v.byteRange(last)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("lay out the signature: %w", err)
	}
	b := int(last.Key("ByteRange").Index(1).Int64())
	c := int(last.Key("ByteRange").Index(2).Int64())
	return covered, b + 1, c - 1, nil
}

// standIn signs nothing: it returns zeros of the real signature's size so
// that pdfsign reserves the right room.
type standIn struct{ pub crypto.PublicKey }

func (s standIn) Public() crypto.PublicKey { return s.pub }

func (s standIn) Sign(_ io.Reader, _ []byte, _ crypto.SignerOpts) ([]byte, error) {
	if k, ok := s.pub.(*rsa.PublicKey); ok {
		return make([]byte, k.Size()), nil
	}
	return make([]byte, 72), nil
}

// buildCMS makes the detached CMS over covered: signing-certificate-v2
// (ETSI EN 319 122-1), then the timestamp over the signature value.
func buildCMS(covered []byte, key crypto.Signer, cert *x509.Certificate, o SignOptions, now time.Time) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(covered)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	essCert, err := signingCertificateV2(cert)
	if err != nil {
		return nil, err
	}
	if err := sd.AddSignerChain(cert, key, o.Chain, pkcs7.SignerInfoConfig{
		ExtraSignedAttributes: []pkcs7.Attribute{{Type: oidSigningCertificate, Value: asn1.RawValue{FullBytes: essCert}}},
		// PAdES forbids the CMS signing-time attribute (ETSI EN 319 142-1
		// §5.4.2): the claimed time is the signature dictionary's /M.
		SkipSigningTime: true,
	}); err != nil {
		return nil, signError(err)
	}
	sd.Detach()
	if o.TSAURL != "" {
		signed := sd.GetSignedData()
		token, err := askTimestamp(o.TSAURL, signed.SignerInfos[0].EncryptedDigest, o.HTTPClient)
		if err != nil {
			return nil, err
		}
		if len(token) > maxTokenSize {
			return nil, fmt.Errorf("timestamp token of %d bytes is too large", len(token))
		}
		if err := signed.SignerInfos[0].SetUnauthenticatedAttributes([]pkcs7.Attribute{{Type: oidTimeStampToken, Value: asn1.RawValue{FullBytes: token}}}); err != nil {
			return nil, err
		}
	}
	return sd.Finish()
}

// signError keeps the token's own errors (wrong PIN, locked) recognisable.
func signError(err error) error {
	for _, e := range []error{ErrWrongPIN, ErrTokenLocked} {
		if errors.Is(err, e) {
			return err
		}
		if err != nil && bytes.Contains([]byte(err.Error()), []byte(e.Error())) {
			return fmt.Errorf("%w", e)
		}
	}
	return fmt.Errorf("sign: %w", err)
}

// signingCertificateV2 is the ESS signing-certificate-v2 attribute value
// (RFC 5035) for cert, with SHA-256 (the default, so no algorithm field).
func signingCertificateV2(cert *x509.Certificate) ([]byte, error) {
	sum := crypto.SHA256.New()
	sum.Write(cert.Raw)
	var b cryptobyte.Builder
	b.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(sum.Sum(nil))
			})
		})
	})
	return b.Bytes()
}

// askTimestamp gets an RFC 3161 token for the signature value.
func askTimestamp(url string, signature []byte, client *http.Client) ([]byte, error) {
	req, err := timestamp.CreateRequest(bytes.NewReader(signature), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("timestamp authority: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("timestamp authority: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("timestamp authority: HTTP %d", resp.StatusCode)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("timestamp authority: %w", err)
	}
	h := crypto.SHA256.New()
	h.Write(signature)
	if !bytes.Equal(ts.HashedMessage, h.Sum(nil)) {
		return nil, errors.New("timestamp authority stamped something else")
	}
	return ts.RawToken, nil
}
