package docsign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// State is the verdict on a signature or a whole file.
type State string

// States, in the words of the command-line contract.
const (
	Valid                State = "valid"
	Broken               State = "broken"
	UnknownIssuer        State = "unknown_issuer"
	Expired              State = "expired"
	Revoked              State = "revoked"
	ModifiedAfterSigning State = "modified_after_signing"
	Unsupported          State = "unsupported"
	Unsigned             State = "unsigned"
)

// severity orders the states: a file's state is its worst signature's.
var severity = map[State]int{
	Valid: 0, Unsupported: 1, UnknownIssuer: 2, Expired: 3, Revoked: 4,
	ModifiedAfterSigning: 5, Broken: 6,
}

// Time sources of Signature.SignedAt.
const (
	TimeFromTimestamp = "timestamp"    // an RFC 3161 token from a trusted TSA
	TimeFromSigner    = "signer_clock" // what the signer's computer said
)

// Limits on hostile input.
const (
	MaxPDFSize     = 256 << 20 // bytes of one PDF
	maxSignatures  = 64
	maxContents    = 1 << 20 // bytes of one CMS
	maxFields      = 4096    // form fields walked
	maxFieldDepth  = 16
	maxPageDepth   = 32
	maxPageNodes   = 20000
	maxDSSItems    = 256
	maxDSSItemSize = 1 << 20
)

// ErrNotPDF is returned for input that is not a PDF at all.
var ErrNotPDF = errors.New("not a PDF file")

// Signature is one signature (or document timestamp) of a PDF. Names come
// from the verified certificate, never from the PDF's /Name.
type Signature struct {
	Signer       string    `json:"signer"`
	Organization string    `json:"organization"`
	Email        string    `json:"email"`
	SignedAt     time.Time `json:"signed_at"`
	TimeSource   string    `json:"time_source"`
	Issuer       string    `json:"issuer"`
	State        State     `json:"state"`
	// Reason says why a signature is not valid (English, for logs and --json).
	Reason string `json:"reason,omitempty"`
	// Kind is "signature" or "document_timestamp".
	Kind string `json:"kind"`
	// SubFilter is the signature's format (adbe.pkcs7.detached, ETSI.CAdES.detached…).
	SubFilter string `json:"sub_filter,omitempty"`
	// SignedLength is how many bytes from the start of the file the signature
	// covers: those bytes are the document as it was signed.
	SignedLength int64 `json:"signed_length"`
}

// Report is the verdict on one PDF.
type Report struct {
	State      State       `json:"state"`
	Signatures []Signature `json:"signatures"`
	// SHA256 is the hex digest of the file (the cache key).
	SHA256 string `json:"sha256"`
	// Err is set when the input is not a PDF or is too large to check.
	Err error `json:"-"`
}

// Options tune verification. The zero value is offline, at the current time.
type Options struct {
	// Now is the verification time when no trusted timestamp says otherwise.
	Now time.Time
	// Online allows OCSP queries for certificates whose revocation status
	// the PDF does not embed (machine policy; off by default).
	Online bool
	// Timeout bounds each online query (5 s when zero).
	Timeout time.Duration
	// HTTPClient is used for online queries (a client with Timeout when nil).
	HTTPClient *http.Client
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// SignedVersion returns the bytes a signature covers: the document as it
// was signed ("Mở bản đã ký"). It returns nil when the range is not inside
// the file.
func SignedVersion(file []byte, s Signature) []byte {
	if s.SignedLength <= 0 || s.SignedLength > int64(len(file)) {
		return nil
	}
	return file[:s.SignedLength]
}

// Verify checks every signature of a PDF against the trust store. It never
// panics and never fails: what cannot be checked is reported in the Report.
func Verify(file []byte, trust *TrustStore, opts Options) (rep Report) {
	sum := sha256.Sum256(file)
	rep.SHA256 = hex.EncodeToString(sum[:])
	if len(file) > MaxPDFSize {
		rep.State = Broken
		rep.Err = fmt.Errorf("PDF larger than %d MB", MaxPDFSize>>20)
		return rep
	}
	if !bytes.HasPrefix(bytes.TrimLeft(file[:min(len(file), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		rep.State = Unsigned
		rep.Err = ErrNotPDF
		return rep
	}
	defer func() {
		if r := recover(); r != nil {
			rep.State = Broken
			rep.Signatures = append(rep.Signatures, Signature{State: Broken, Kind: "signature",
				Reason: fmt.Sprintf("unreadable PDF structure: %v", r)})
		}
	}()
	doc, err := openRevision(file, int64(len(file)))
	if err != nil {
		// A PDF header with an unreadable body: damaged or truncated.
		rep.State = Broken
		rep.Signatures = []Signature{{State: Broken, Kind: "signature", Reason: err.Error()}}
		return rep
	}
	v := verifier{file: file, trust: trust, opts: opts, doc: doc}
	v.loadDSS()
	for _, sig := range v.signatureDicts() {
		rep.Signatures = append(rep.Signatures, v.check(sig))
	}
	rep.State = overall(rep.Signatures)
	return rep
}

func overall(sigs []Signature) State {
	if len(sigs) == 0 {
		return Unsigned
	}
	worst := Valid
	for _, s := range sigs {
		if severity[s.State] > severity[worst] {
			worst = s.State
		}
	}
	return worst
}

// openRevision opens the PDF made of the first n bytes of file (a revision
// ends where a signature's ByteRange ends).
func openRevision(file []byte, n int64) (*pdf.Reader, error) {
	// digitorus/pdf looks for %%EOF backwards in steps that grow with the
	// file: refuse a file whose end is not near its last %%EOF.
	tail := file[max(0, n-2048):n]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return nil, errors.New("no %%EOF at the end of the file (truncated?)")
	}
	return pdf.NewReader(bytes.NewReader(file[:n]), n)
}

type verifier struct {
	file  []byte
	trust *TrustStore
	opts  Options
	doc   *pdf.Reader

	dssCerts []*x509.Certificate
	dssOCSP  [][]byte
	dssCRL   [][]byte
}

// signatureDicts walks the form fields for signature values (/FT /Sig with
// a /V dictionary), bounded in count and depth.
func (v *verifier) signatureDicts() []pdf.Value {
	var out []pdf.Value
	seen := 0
	var walk func(fields pdf.Value, depth int, inheritedSig bool)
	walk = func(fields pdf.Value, depth int, inheritedSig bool) {
		if depth > maxFieldDepth {
			return
		}
		for i := 0; i < fields.Len() && seen < maxFields && len(out) < maxSignatures; i++ {
			seen++
			f := fields.Index(i)
			isSig := f.Key("FT").Name() == "Sig" || (inheritedSig && f.Key("FT").IsNull())
			if val := f.Key("V"); isSig && val.Kind() == pdf.Dict {
				out = append(out, val)
			}
			if kids := f.Key("Kids"); kids.Kind() == pdf.Array {
				walk(kids, depth+1, isSig)
			}
		}
	}
	walk(v.doc.Trailer().Key("Root").Key("AcroForm").Key("Fields"), 0, false)

	// A signature widget on a page that the form's field list forgets
	// (poppler's pdfsig writes such files) is still shown by viewers: it
	// is reported too, never dropped.
	seenV := map[uint32]bool{}
	for _, val := range out {
		p := val.GetPtr()
		seenV[p.GetID()] = true
	}
	nodes := 0
	var pages func(node pdf.Value, depth int)
	pages = func(node pdf.Value, depth int) {
		if depth > maxPageDepth || nodes > maxPageNodes || len(out) >= maxSignatures {
			return
		}
		nodes++
		if kids := node.Key("Kids"); kids.Kind() == pdf.Array {
			for i := 0; i < kids.Len() && nodes <= maxPageNodes; i++ {
				pages(kids.Index(i), depth+1)
			}
			return
		}
		annots := node.Key("Annots")
		for i := 0; i < annots.Len() && i < maxFields && len(out) < maxSignatures; i++ {
			w := annots.Index(i)
			val := w.Key("V")
			if !isSigWidget(w) || val.Kind() != pdf.Dict {
				continue
			}
			p, wp := val.GetPtr(), w.GetPtr()
			if id := p.GetID(); id != wp.GetID() && !seenV[id] {
				seenV[id] = true
				out = append(out, val)
			}
		}
	}
	pages(v.doc.Trailer().Key("Root").Key("Pages"), 0)
	return out
}

// loadDSS reads the Document Security Store (PAdES LTV): certificates,
// OCSP responses and CRLs added after signing.
func (v *verifier) loadDSS() {
	dss := v.doc.Trailer().Key("Root").Key("DSS")
	if dss.Kind() != pdf.Dict {
		return
	}
	read := func(key string) [][]byte {
		var out [][]byte
		arr := dss.Key(key)
		for i := 0; i < arr.Len() && i < maxDSSItems; i++ {
			if b := streamBytes(arr.Index(i), maxDSSItemSize); b != nil {
				out = append(out, b)
			}
		}
		return out
	}
	for _, der := range read("Certs") {
		if c, err := x509.ParseCertificate(der); err == nil {
			v.dssCerts = append(v.dssCerts, c)
		}
	}
	v.dssOCSP = read("OCSPs")
	v.dssCRL = read("CRLs")
}

func streamBytes(s pdf.Value, limit int64) []byte {
	if s.Kind() != pdf.Stream {
		return nil
	}
	rc := s.Reader()
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(limitReader(rc, limit+1)); err != nil || int64(buf.Len()) > limit {
		return nil
	}
	return buf.Bytes()
}

// check verifies one signature dictionary.
func (v *verifier) check(sig pdf.Value) (s Signature) {
	s.Kind = "signature"
	s.SubFilter = sig.Key("SubFilter").Name()
	isDocTS := sig.Key("Type").Name() == "DocTimeStamp" || s.SubFilter == "ETSI.RFC3161"
	if isDocTS {
		s.Kind = "document_timestamp"
	}
	fail := func(st State, format string, a ...any) Signature {
		s.State = st
		s.Reason = fmt.Sprintf(format, a...)
		return s
	}

	covered, end, err := v.byteRange(sig)
	if err != nil {
		return fail(Broken, "ByteRange: %v", err)
	}
	s.SignedLength = end
	contents := []byte(sig.Key("Contents").RawString())
	if len(contents) == 0 || len(contents) > maxContents {
		return fail(Broken, "no signature value")
	}
	contents = trimTrailingZeros(contents)

	switch s.SubFilter {
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached", "ETSI.RFC3161":
	default:
		return fail(Unsupported, "signature format %q", s.SubFilter)
	}

	if isDocTS {
		v.checkDocTimestamp(&s, contents, covered)
	} else {
		v.checkCMS(&s, contents, covered, sig)
	}
	if s.State == Valid || s.State == Expired || s.State == UnknownIssuer || s.State == Revoked {
		if mod := v.changedSince(end); mod != "" {
			// Anything appended that is not a later signature, DSS or
			// document timestamp: the signed version is still there.
			s.State = ModifiedAfterSigning
			s.Reason = mod
		}
	}
	return s
}

// trimTrailingZeros drops the zero padding of /Contents after the DER.
func trimTrailingZeros(b []byte) []byte {
	var raw asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &raw); err == nil && len(rest) > 0 && len(bytes.Trim(rest, "\x00")) == 0 {
		return b[:len(b)-len(rest)]
	}
	return b
}

// byteRange checks /ByteRange [0 a b c]: it starts at 0, its hole is exactly
// the /Contents hex string, and it stays inside the file. It returns the
// covered bytes and where the covered revision ends.
func (v *verifier) byteRange(sig pdf.Value) ([]byte, int64, error) {
	br := sig.Key("ByteRange")
	if br.Len() != 4 {
		return nil, 0, fmt.Errorf("%d numbers, want 4", br.Len())
	}
	var n [4]int64
	for i := range n {
		if br.Index(i).Kind() != pdf.Integer {
			return nil, 0, errors.New("not integers")
		}
		n[i] = br.Index(i).Int64()
		if n[i] < 0 {
			return nil, 0, errors.New("negative")
		}
	}
	size := int64(len(v.file))
	a, b, c, d := n[0], n[1], n[2], n[3]
	if a != 0 {
		return nil, 0, errors.New("does not start at the beginning of the file")
	}
	if b > size || c > size || d > size || c+d > size {
		return nil, 0, errors.New("reaches past the end of the file")
	}
	if c <= b+1 {
		return nil, 0, errors.New("no room for the signature value")
	}
	// The hole holds "<hex…>" and nothing else.
	hole := v.file[b:c]
	if hole[0] != '<' || hole[len(hole)-1] != '>' {
		return nil, 0, errors.New("the gap is not the signature value")
	}
	for _, ch := range hole[1 : len(hole)-1] {
		if !isHex(ch) {
			return nil, 0, errors.New("the gap holds more than the signature value")
		}
	}
	covered := make([]byte, 0, b+d)
	covered = append(covered, v.file[:b]...)
	covered = append(covered, v.file[c:c+d]...)
	return covered, c + d, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// OIDs this package reads.
var (
	oidMessageDigest      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidTimeStampToken     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidRevocationInfo     = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
	oidRSASSAPSS          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidRSA                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidSHA1WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidECPublicKey        = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519            = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEmailAddress       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
	oidSHA1               = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512             = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidECDSAWithSHA256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512    = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidSigningCertificate = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
)

func hashFor(oid asn1.ObjectIdentifier) crypto.Hash {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256
	case oid.Equal(oidSHA384):
		return crypto.SHA384
	case oid.Equal(oidSHA512):
		return crypto.SHA512
	case oid.Equal(oidSHA1):
		return crypto.SHA1
	}
	return 0
}

type attribute struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

// pssParameters is RSASSA-PSS-params (RFC 4055).
type pssParameters struct {
	Hash         pkix.AlgorithmIdentifier `asn1:"explicit,tag:0,optional"`
	MGF          pkix.AlgorithmIdentifier `asn1:"explicit,tag:1,optional"`
	SaltLength   int                      `asn1:"explicit,tag:2,optional,default:20"`
	TrailerField int                      `asn1:"explicit,tag:3,optional,default:1"`
}

// checkCMS verifies a CMS (PKCS #7) detached signature over covered.
func (v *verifier) checkCMS(s *Signature, contents, covered []byte, sig pdf.Value) {
	p7, err := parseCMS(contents)
	if err != nil {
		s.State, s.Reason = Broken, "CMS does not parse: "+err.Error()
		return
	}
	if len(p7.Signers) != 1 {
		s.State, s.Reason = Unsupported, fmt.Sprintf("%d signer infos, want 1", len(p7.Signers))
		return
	}
	si := p7.Signers[0]
	// The signer is the certificate its SignerIdentifier names, and only it.
	cert := findSigner(p7.Certificates, si.IssuerAndSerialNumber.IssuerName.FullBytes, si.IssuerAndSerialNumber.SerialNumber)
	if cert == nil {
		s.State, s.Reason = Broken, "no certificate matches the signer identifier"
		return
	}
	fillNames(s, cert)

	h := hashFor(si.DigestAlgorithm.Algorithm)
	if h == 0 || !h.Available() {
		s.State, s.Reason = Unsupported, "digest algorithm "+si.DigestAlgorithm.Algorithm.String()
		return
	}
	content := covered
	signedData := covered
	var signingTime time.Time
	if len(si.AuthenticatedAttributes) > 0 {
		attrs := make([]attribute, len(si.AuthenticatedAttributes))
		var digest []byte
		for i, a := range si.AuthenticatedAttributes {
			attrs[i] = attribute{Type: a.Type, Value: a.Value}
			switch {
			case a.Type.Equal(oidMessageDigest):
				_, _ = asn1.Unmarshal(a.Value.Bytes, &digest)
			case a.Type.Equal(oidSigningTime):
				_, _ = asn1.Unmarshal(a.Value.Bytes, &signingTime)
			case a.Type.Equal(oidSigningCertificate):
				// ESS signing-certificate-v2 (PAdES): it must name the signer.
				if !namesCertificate(a.Value.Bytes, cert) {
					s.State, s.Reason = Broken, "the signing-certificate attribute names another certificate"
					return
				}
			}
		}
		hh := h.New()
		hh.Write(content)
		if digest == nil || !bytes.Equal(digest, hh.Sum(nil)) {
			s.State, s.Reason = Broken, "the document's digest does not match the signed digest"
			return
		}
		signedData, err = marshalSet(attrs)
		if err != nil {
			s.State, s.Reason = Broken, "signed attributes: "+err.Error()
			return
		}
	}
	if err := checkSignature(cert, si.DigestEncryptionAlgorithm, h, signedData, si.EncryptedDigest); err != nil {
		if errors.Is(err, errUnsupportedAlg) {
			s.State, s.Reason = Unsupported, err.Error()
		} else {
			s.State, s.Reason = Broken, err.Error()
		}
		return
	}

	// Time: a trusted timestamp over the signature value, else the signer's clock.
	s.TimeSource = TimeFromSigner
	s.SignedAt = signingTime
	if s.SignedAt.IsZero() {
		if t, err := parsePDFDate(sig.Key("M").Text()); err == nil {
			s.SignedAt = t
		}
	}
	at := v.opts.now()
	tsTrusted := false
	for _, a := range si.UnauthenticatedAttributes {
		if !a.Type.Equal(oidTimeStampToken) {
			continue
		}
		ts, trusted, err := v.checkToken(a.Value.Bytes, si.EncryptedDigest)
		if err != nil {
			s.State, s.Reason = Broken, "timestamp: "+err.Error()
			return
		}
		if trusted {
			s.SignedAt, s.TimeSource, at, tsTrusted = ts.Time, TimeFromTimestamp, ts.Time, true
		}
		break
	}

	chain, st, why := v.chain(cert, append(p7.Certificates, v.dssCerts...), at, tsTrusted)
	if st != Valid {
		s.State, s.Reason = st, why
		return
	}
	var revInfo revocation.InfoArchival
	for _, a := range si.AuthenticatedAttributes {
		if a.Type.Equal(oidRevocationInfo) {
			_, _ = asn1.Unmarshal(a.Value.Bytes, &revInfo)
		}
	}
	var ocsps, crls [][]byte
	for _, o := range revInfo.OCSP {
		ocsps = append(ocsps, o.FullBytes)
	}
	for _, c := range revInfo.CRL {
		crls = append(crls, c.FullBytes)
	}
	if why := v.revoked(chain, append(ocsps, v.dssOCSP...), append(crls, v.dssCRL...), at, tsTrusted); why != "" {
		s.State, s.Reason = Revoked, why
		return
	}
	s.State = Valid
}

// parseCMS parses BER or DER CMS, turning a library panic into an error.
// A signer named by its subjectKeyIdentifier is restated by issuer and
// serial number first (see bySerial).
func parseCMS(b []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	p7, err = pkcs7.Parse(b)
	if err != nil {
		if r := bySerial(b); !bytes.Equal(r, b) {
			return pkcs7.Parse(r)
		}
	}
	return p7, err
}

func findSigner(certs []*x509.Certificate, issuer []byte, serial *big.Int) *x509.Certificate {
	if serial == nil || len(issuer) == 0 {
		return nil
	}
	for _, c := range certs {
		if c.SerialNumber.Cmp(serial) == 0 && bytes.Equal(c.RawIssuer, issuer) {
			return c
		}
	}
	return nil
}

// marshalSet is the DER SET OF the signed attributes, which is what the
// signature covers (RFC 5652 §5.4).
func marshalSet(attrs []attribute) ([]byte, error) {
	b, err := asn1.Marshal(struct {
		A []attribute `asn1:"set"`
	}{attrs})
	if err != nil {
		return nil, err
	}
	var seq asn1.RawValue
	if _, err := asn1.Unmarshal(b, &seq); err != nil {
		return nil, err
	}
	return seq.Bytes, nil
}

var errUnsupportedAlg = errors.New("unsupported signature algorithm")

// checkSignature verifies sig over data with the certificate's key:
// RSA PKCS #1 v1.5, RSASSA-PSS, ECDSA or Ed25519.
func checkSignature(cert *x509.Certificate, alg pkix.AlgorithmIdentifier, h crypto.Hash, data, sig []byte) error {
	digest := func(h crypto.Hash) []byte {
		hh := h.New()
		hh.Write(data)
		return hh.Sum(nil)
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		switch {
		case alg.Algorithm.Equal(oidRSASSAPSS):
			var p pssParameters
			p.SaltLength, p.TrailerField = 20, 1
			if len(alg.Parameters.FullBytes) > 0 {
				if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
					return fmt.Errorf("RSASSA-PSS parameters: %w", err)
				}
			}
			ph := crypto.SHA1
			if len(p.Hash.Algorithm) > 0 {
				ph = hashFor(p.Hash.Algorithm)
			}
			if ph == 0 || p.TrailerField != 1 {
				return errUnsupportedAlg
			}
			if err := rsa.VerifyPSS(pub, ph, digest(ph), sig, &rsa.PSSOptions{SaltLength: p.SaltLength, Hash: ph}); err != nil {
				return fmt.Errorf("RSASSA-PSS signature does not verify: %w", err)
			}
			return nil
		case alg.Algorithm.Equal(oidRSA), alg.Algorithm.Equal(oidSHA256WithRSA), alg.Algorithm.Equal(oidSHA384WithRSA),
			alg.Algorithm.Equal(oidSHA512WithRSA), alg.Algorithm.Equal(oidSHA1WithRSA):
			if err := rsa.VerifyPKCS1v15(pub, h, digest(h), sig); err != nil {
				return fmt.Errorf("RSA signature does not verify: %w", err)
			}
			return nil
		}
	case *ecdsa.PublicKey:
		if alg.Algorithm.Equal(oidECPublicKey) || alg.Algorithm.Equal(oidECDSAWithSHA256) ||
			alg.Algorithm.Equal(oidECDSAWithSHA384) || alg.Algorithm.Equal(oidECDSAWithSHA512) {
			if !ecdsa.VerifyASN1(pub, digest(h), sig) {
				return errors.New("ECDSA signature does not verify")
			}
			return nil
		}
	case ed25519.PublicKey:
		if alg.Algorithm.Equal(oidEd25519) {
			if !ed25519.Verify(pub, data, sig) {
				return errors.New("Ed25519 signature does not verify")
			}
			return nil
		}
	}
	return fmt.Errorf("%w %s", errUnsupportedAlg, alg.Algorithm)
}

// checkToken parses an RFC 3161 token, checks that its message imprint is
// the digest of signed (the signature value, for a signature timestamp) and
// whether its TSA chains to the trust store at the stamped time.
func (v *verifier) checkToken(token, signed []byte) (*timestamp.Timestamp, bool, error) {
	ts, err := parseToken(token)
	if err != nil {
		return nil, false, err
	}
	if !ts.HashAlgorithm.Available() {
		return nil, false, errors.New("unsupported imprint digest")
	}
	h := ts.HashAlgorithm.New()
	h.Write(signed)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		return nil, false, errors.New("the token does not stamp this signature")
	}
	p7, err := parseCMS(token)
	if err != nil || len(p7.Signers) != 1 {
		return ts, false, nil
	}
	tsa := findSigner(p7.Certificates, p7.Signers[0].IssuerAndSerialNumber.IssuerName.FullBytes, p7.Signers[0].IssuerAndSerialNumber.SerialNumber)
	if tsa == nil {
		return ts, false, nil
	}
	_, err = tsa.Verify(x509.VerifyOptions{
		Roots: v.trust.certPool(), Intermediates: pool(p7.Certificates, v.dssCerts),
		CurrentTime: ts.Time, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	})
	return ts, err == nil, nil
}

func parseToken(b []byte) (ts *timestamp.Timestamp, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	ts, err = timestamp.Parse(b)
	if err != nil {
		if r := bySerial(b); !bytes.Equal(r, b) {
			return timestamp.Parse(r)
		}
	}
	return ts, err
}

// checkDocTimestamp verifies a document timestamp (ETSI.RFC3161): a token
// over the covered bytes.
func (v *verifier) checkDocTimestamp(s *Signature, token, covered []byte) {
	ts, err := parseToken(token)
	if err != nil {
		s.State, s.Reason = Broken, "timestamp token does not parse: "+err.Error()
		return
	}
	if !ts.HashAlgorithm.Available() {
		s.State, s.Reason = Unsupported, "imprint digest"
		return
	}
	h := ts.HashAlgorithm.New()
	h.Write(covered)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		s.State, s.Reason = Broken, "the document's digest does not match the timestamp"
		return
	}
	s.SignedAt, s.TimeSource = ts.Time, TimeFromTimestamp
	p7, err := parseCMS(token)
	if err != nil || len(p7.Signers) != 1 {
		s.State, s.Reason = Broken, "timestamp token has no single signer"
		return
	}
	tsa := findSigner(p7.Certificates, p7.Signers[0].IssuerAndSerialNumber.IssuerName.FullBytes, p7.Signers[0].IssuerAndSerialNumber.SerialNumber)
	if tsa == nil {
		s.State, s.Reason = UnknownIssuer, "the timestamp authority's certificate is not in the token"
		return
	}
	fillNames(s, tsa)
	if _, st, why := v.chain(tsa, append(p7.Certificates, v.dssCerts...), ts.Time, true); st != Valid {
		s.State, s.Reason = st, why
		return
	}
	s.State = Valid
}

func pool(lists ...[]*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, l := range lists {
		for _, c := range l {
			p.AddCert(c)
		}
	}
	return p
}

// chain builds the path from cert (and only cert) to a trusted root, at the
// given time. Certificates the PDF carries serve as intermediates, never as
// roots.
func (v *verifier) chain(cert *x509.Certificate, carried []*x509.Certificate, at time.Time, timestamped bool) ([]*x509.Certificate, State, string) {
	opts := x509.VerifyOptions{
		Roots: v.trust.certPool(), Intermediates: pool(carried),
		CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}
	chains, err := cert.Verify(opts)
	if err == nil {
		return chains[0], Valid, ""
	}
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) && inv.Reason == x509.Expired {
		if !timestamped {
			return nil, Expired, "certificate outside its validity and no trusted timestamp: " + err.Error()
		}
		return nil, Expired, err.Error()
	}
	return nil, UnknownIssuer, err.Error()
}

// fillNames takes the names from the verified certificate.
func fillNames(s *Signature, c *x509.Certificate) {
	s.Signer = c.Subject.CommonName
	if len(c.Subject.Organization) > 0 {
		s.Organization = c.Subject.Organization[0]
	} else if len(c.Subject.OrganizationalUnit) > 0 {
		s.Organization = c.Subject.OrganizationalUnit[0]
	}
	if len(c.EmailAddresses) > 0 {
		s.Email = c.EmailAddresses[0]
	} else {
		for _, n := range c.Subject.Names {
			if n.Type.Equal(oidEmailAddress) {
				if e, ok := n.Value.(string); ok {
					s.Email = e
				}
			}
		}
	}
	s.Issuer = c.Issuer.CommonName
	if s.Issuer == "" && len(c.Issuer.Organization) > 0 {
		s.Issuer = c.Issuer.Organization[0]
	}
}

// parsePDFDate reads a PDF date (D:YYYYMMDDHHmmSSOHH'mm').
func parsePDFDate(v string) (time.Time, error) {
	v = strings.TrimPrefix(v, "D:")
	for _, layout := range []string{"20060102150405Z07'00'", "20060102150405Z07'00", "20060102150405Z0700", "20060102150405Z", "20060102150405"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a PDF date")
}

// essCertIDv2 and essSigningCertificateV2 are RFC 5035's attribute value.
type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  asn1.RawValue `asn1:"optional"`
}

type essSigningCertificateV2 struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

// namesCertificate reports whether a signing-certificate-v2 value's first
// entry is the hash of cert (SHA-256 unless it says otherwise).
func namesCertificate(value []byte, cert *x509.Certificate) bool {
	var v essSigningCertificateV2
	if _, err := asn1.Unmarshal(value, &v); err != nil || len(v.Certs) == 0 {
		return false
	}
	h := crypto.SHA256
	if len(v.Certs[0].HashAlgorithm.Algorithm) > 0 {
		h = hashFor(v.Certs[0].HashAlgorithm.Algorithm)
	}
	if h == 0 || !h.Available() {
		return false
	}
	d := h.New()
	d.Write(cert.Raw)
	return bytes.Equal(d.Sum(nil), v.Certs[0].CertHash)
}
