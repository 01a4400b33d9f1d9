package config

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

func writePNG(t *testing.T, dir, name string, c color.Color) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	img.Set(3, 3, c)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// R4, Decree 30/2020 Appendix I: each account keeps its signature image
// and seal; machine policy sets and locks them without writing them into
// the user's file; a locked field is refused (exit 3); not a PNG is refused.
func TestR4SignImagesPerAccountAndPolicyLock(t *testing.T) {
	dir := t.TempDir()
	c, _ := Load(dir)
	for _, n := range []string{"canhan", "coquan"} {
		if err := c.AddAccount(account(n, "mail.hanam.gov.vn", model.SecurityImplicit)); err != nil {
			t.Fatal(err)
		}
	}
	img := writePNG(t, dir, "chữ ký.png", color.NRGBA{0, 0, 0xff, 0xff})
	seal := writePNG(t, dir, "dấu.png", color.NRGBA{0xff, 0, 0, 0xff})
	if err := c.SetSignImage("canhan", SignImageField, img); err != nil {
		t.Fatal(err)
	}
	if err := c.SetSignImage("coquan", SignSealField, seal); err != nil {
		t.Fatal(err)
	}
	notPNG := filepath.Join(dir, "x.png")
	os.WriteFile(notPNG, []byte("%PDF-1.7"), 0o644)
	if err := c.SetSignImage("canhan", SignSealField, notPNG); !errors.Is(err, failure.ErrUnreadable) {
		t.Fatalf("not a PNG: %v", err)
	}
	if err := c.SetSignImage("canhan", "logo", img); !errors.Is(err, failure.ErrUsage) {
		t.Fatalf("unknown field: %v", err)
	}
	c2, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c2.Account("canhan")
	b, _ := c2.Account("coquan")
	if a.SignImages != (model.SignImages{Image: img}) || b.SignImages != (model.SignImages{Seal: seal}) {
		t.Fatalf("stored: %+v %+v", a.SignImages, b.SignImages)
	}
	if SignImageFor(*a, "signer") != img || SignImageFor(*b, "organization") != seal || SignImageFor(*b, "copy") != "" {
		t.Fatal("SignImageFor")
	}

	const policySeal = `\\fileserver\dau\so-tttt.png`
	c2.SetPolicy(policyFromValues("test", map[string]string{"SignatureSeal": policySeal}))
	b, _ = c2.Account("coquan")
	if b.SignImages.Seal != policySeal || !c2.Locked("coquan", SettingSignSeal) || c2.Locked("coquan", SettingSignImage) {
		t.Fatalf("policy seal: %+v", b.SignImages)
	}
	if err := c2.SetSignImage("coquan", SignSealField, seal); !errors.Is(err, failure.ErrBlocked) || !strings.Contains(err.Error(), "machine policy") {
		t.Fatalf("locked seal: %v", err)
	}
	if err := c2.SetSignImage("coquan", SignImageField, img); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, accountsFile))
	if strings.Contains(string(raw), "fileserver") || !strings.Contains(string(raw), `"seal": "`+strings.ReplaceAll(seal, `\`, `\\`)) {
		t.Fatalf("the policy's seal was written, or the user's lost:\n%s", raw)
	}
}
