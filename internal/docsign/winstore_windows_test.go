//go:build windows

package docsign

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// R4: the Windows certificate store path (tailscale/certstore): a PFX
// identity imported into the user's store (testdata/winelane.pfx, a
// self-signed "Wine Lane Signer", PIN-less software key) is found by
// StoreKey and signs through CNG/CAPI. On a Windows PC (the release
// checklist): go test -run TestStoreKeyFromImportedPFX ./internal/docsign.
// Wine 8 cannot run it: certstore's Identities needs CertFindChainInStore,
// a stub there ("failed to iterate certs in store: invalid argument").
func TestStoreKeyFromImportedPFX(t *testing.T) {
	pfx, err := os.ReadFile("testdata/winelane.pfx")
	if err != nil {
		t.Fatal(err)
	}
	importPFX(t, pfx, "123456")
	key, cert, _, release, err := StoreKey("Wine Lane")
	if err != nil {
		t.Fatalf("StoreKey: %v", err)
	}
	defer release()
	if cert.Subject.CommonName != "Wine Lane Signer" {
		t.Fatalf("found %s", cert.Subject)
	}
	digest := sha256.Sum256([]byte("Công văn số 1/STTTT-VP"))
	sig, err := key.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatalf("sign through the store: %v", err)
	}
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, digest[:], sig); err != nil {
		t.Fatalf("the store's signature does not verify: %v", err)
	}
	if bytes.Equal(sig, make([]byte, len(sig))) {
		t.Fatal("empty signature")
	}
}

// importPFX puts the PFX's certificates and keys in the user's MY store
// (what `certutil -user -importpfx` does). certstore's own Import asks for
// a CNG key storage provider (PKCS12_PREFER_CNG_KSP), which Wine 8's
// PFXImportCertStore refuses ("flags 00001100 not supported"): the key
// goes to the default provider instead.
func importPFX(t *testing.T, pfx []byte, password string) {
	t.Helper()
	pw, err := windows.UTF16PtrFromString(password)
	if err != nil {
		t.Fatal(err)
	}
	blob := &windows.CryptDataBlob{Size: uint32(len(pfx)), Data: unsafe.SliceData(pfx)}
	tmp, err := windows.PFXImportCertStore(blob, pw, windows.CRYPT_USER_KEYSET)
	if err != nil {
		t.Fatalf("PFXImportCertStore: %v", err)
	}
	defer windows.CertCloseStore(tmp, 0)
	my, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM, 0, 0, windows.CERT_SYSTEM_STORE_CURRENT_USER,
		uintptr(unsafe.Pointer(windows.StringToUTF16Ptr("MY"))))
	if err != nil {
		t.Fatalf("open MY: %v", err)
	}
	defer windows.CertCloseStore(my, 0)
	var ctx *windows.CertContext
	for {
		ctx, err = windows.CertEnumCertificatesInStore(tmp, ctx)
		if ctx == nil {
			break
		}
		var added *windows.CertContext
		if err := windows.CertAddCertificateContextToStore(my, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, &added); err != nil {
			t.Fatalf("add to MY: %v", err)
		}
		// The test identity leaves the user's store with the test.
		t.Cleanup(func() { _ = windows.CertDeleteCertificateFromStore(added) })
	}
}
