package config

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// Sign image fields, as `thucongvu sign-images --set FIELD=PATH` names them.
const (
	SignImageField = "image" // the signer's signature (Decree 30/2020 Appendix I)
	SignSealField  = "seal"  // the agency's seal
)

// MaxSignImageSize caps the PNG pictures of a signature.
const MaxSignImageSize = 8 << 20

// ReadSignImage reads a signature picture: a PNG of at most
// MaxSignImageSize bytes and 4096×4096 pixels.
func ReadSignImage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxSignImageSize {
		return nil, fmt.Errorf("%s is larger than %d MB", path, MaxSignImageSize>>20)
	}
	b := make([]byte, st.Size())
	if _, err := f.ReadAt(b, 0); err != nil && st.Size() > 0 {
		return nil, err
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width*cfg.Height > 4096*4096 {
		return nil, fmt.Errorf("%s is not a PNG of at most 4096×4096 pixels", path)
	}
	return b, nil
}

// SetSignImage sets the signature picture (SignImageField) or the seal
// (SignSealField) of the named account to the PNG at path ("" clears it) and
// saves. A field machine policy sets is refused with failure.ErrBlocked (R4).
func (c *Config) SetSignImage(name, field, path string) error {
	a, err := c.Account(name)
	if err != nil {
		return err
	}
	var dst *string
	setting := ""
	switch field {
	case SignImageField:
		dst, setting = &a.SignImages.Image, SettingSignImage
	case SignSealField:
		dst, setting = &a.SignImages.Seal, SettingSignSeal
	default:
		return fmt.Errorf("%w: %q is not %s or %s", failure.ErrUsage, field, SignImageField, SignSealField)
	}
	if c.Locked(name, setting) {
		return fmt.Errorf("%w: %s is set by agency IT (machine policy)", failure.ErrBlocked, setting)
	}
	if path != "" {
		if path, err = filepath.Abs(path); err != nil {
			return err
		}
		if _, err := ReadSignImage(path); err != nil {
			return fmt.Errorf("%w: %v", failure.ErrUnreadable, err)
		}
	}
	*dst = path
	return c.Save()
}

// SignImageFor is the path of the picture a signature made as as shows for
// account a: the signature image for the signer, the seal for the
// organization, none for a copy (Decree 30/2020 art. 33).
func SignImageFor(a model.Account, as string) string {
	switch as {
	case "signer":
		return a.SignImages.Image
	case "organization":
		return a.SignImages.Seal
	}
	return ""
}
