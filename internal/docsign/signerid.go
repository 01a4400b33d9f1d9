package docsign

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cryptobyte_asn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidSignedData is the CMS content type of a signature (RFC 5652 §5.1).
var oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}

// bySerial restates a CMS whose SignerInfos name their signer by
// subjectKeyIdentifier (RFC 5652 §5.3, SignerIdentifier [0]) so that
// github.com/digitorus/pkcs7, which reads only issuerAndSerialNumber, can
// parse it: each such SignerIdentifier becomes the issuer and serial
// number of the carried certificate with that key identifier. The
// SignerIdentifier is outside what the signature covers, and the signer
// found this way is checked like any other: its key must verify the
// signature and its certificate must chain to a trusted root.
//
// Input that is not a DER SignedData, or that names no signer by key
// identifier, or whose key identifier matches no carried certificate, is
// returned unchanged (the library then reports what is wrong with it).
func bySerial(der []byte) []byte {
	in := cryptobyte.String(der)
	var ci, content, sd cryptobyte.String
	var ct asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, cryptobyte_asn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ct) || !ct.Equal(oidSignedData) ||
		!ci.ReadASN1(&content, cryptobyte_asn1.Tag(0).Constructed().ContextSpecific()) ||
		!content.ReadASN1(&sd, cryptobyte_asn1.SEQUENCE) {
		return der
	}
	// version, digestAlgorithms, encapContentInfo, [0] certificates and
	// [1] crls are kept byte for byte.
	head := []byte(sd)
	var certs cryptobyte.String
	var hasCerts bool
	if !sd.SkipASN1(cryptobyte_asn1.INTEGER) || !sd.SkipASN1(cryptobyte_asn1.SET) || !sd.SkipASN1(cryptobyte_asn1.SEQUENCE) ||
		!sd.ReadOptionalASN1(&certs, &hasCerts, cryptobyte_asn1.Tag(0).Constructed().ContextSpecific()) ||
		!sd.SkipOptionalASN1(cryptobyte_asn1.Tag(1).Constructed().ContextSpecific()) {
		return der
	}
	head = head[:len(head)-len(sd)]
	var infos cryptobyte.String
	if !hasCerts || !sd.ReadASN1(&infos, cryptobyte_asn1.SET) || !sd.Empty() {
		return der
	}
	carried, err := x509.ParseCertificates(certs)
	if err != nil {
		return der
	}

	// Each SignerInfo: version, the restated or kept SignerIdentifier, the rest as it is.
	type signerInfo struct{ version, sid, rest []byte }
	var sis []signerInfo
	restated := false
	for !infos.Empty() && len(sis) < maxSignatures {
		var si, version, ski cryptobyte.String
		if !infos.ReadASN1(&si, cryptobyte_asn1.SEQUENCE) || !si.ReadASN1Element(&version, cryptobyte_asn1.INTEGER) {
			return der
		}
		if !si.PeekASN1Tag(cryptobyte_asn1.Tag(0).ContextSpecific()) {
			sis = append(sis, signerInfo{version: version, rest: si})
			continue
		}
		if !si.ReadASN1(&ski, cryptobyte_asn1.Tag(0).ContextSpecific()) {
			return der
		}
		cert := bySubjectKeyID(carried, ski)
		if cert == nil {
			return der
		}
		ias, err := asn1.Marshal(struct{ Issuer, Serial asn1.RawValue }{asn1.RawValue{FullBytes: cert.RawIssuer}, serialDER(cert)})
		if err != nil {
			return der
		}
		sis = append(sis, signerInfo{version: version, sid: ias, rest: si})
		restated = true
	}
	if !restated || !infos.Empty() {
		return der
	}
	var out cryptobyte.Builder
	out.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cryptobyte_asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(head)
				b.AddASN1(cryptobyte_asn1.SET, func(b *cryptobyte.Builder) {
					for _, si := range sis {
						b.AddASN1(cryptobyte_asn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddBytes(si.version)
							b.AddBytes(si.sid)
							b.AddBytes(si.rest)
						})
					}
				})
			})
		})
	})
	restatedDER, err := out.Bytes()
	if err != nil {
		return der
	}
	return restatedDER
}

// bySubjectKeyID is the one carried certificate with the key identifier
// ski (nil when none or several different keys have it).
func bySubjectKeyID(certs []*x509.Certificate, ski []byte) *x509.Certificate {
	var found *x509.Certificate
	for _, c := range certs {
		if len(ski) == 0 || !bytes.Equal(c.SubjectKeyId, ski) {
			continue
		}
		if found != nil && !bytes.Equal(found.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			return nil
		}
		if found == nil {
			found = c
		}
	}
	return found
}

// serialDER is the certificate's serial number as it is encoded in the
// certificate itself (a negative or padded serial stays byte-identical).
func serialDER(c *x509.Certificate) asn1.RawValue {
	var tbs, cert, serial cryptobyte.String
	in := cryptobyte.String(c.Raw)
	if in.ReadASN1(&cert, cryptobyte_asn1.SEQUENCE) && cert.ReadASN1(&tbs, cryptobyte_asn1.SEQUENCE) {
		if tbs.SkipOptionalASN1(cryptobyte_asn1.Tag(0).Constructed().ContextSpecific()) && tbs.ReadASN1Element(&serial, cryptobyte_asn1.INTEGER) {
			return asn1.RawValue{FullBytes: serial}
		}
	}
	b, _ := asn1.Marshal(c.SerialNumber)
	return asn1.RawValue{FullBytes: b}
}
