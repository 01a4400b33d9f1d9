package pdfconv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfcpu (github.com/pdfcpu/pdfcpu) parses and validates PDF: it is actively
// maintained, pure Go, and reads the cross-reference table, object streams and
// encryption dictionary the way viewers do. Without DisableConfigDir it would
// write a config.yml into the user's configuration folder.
var disablePDFCPUConfig = sync.OnceFunc(api.DisableConfigDir)

// pdfInfo validates the PDF at path (header, cross-reference table, page
// tree) in pdfcpu's relaxed mode, which accepts what common viewers accept,
// and returns its page count. A PDF that needs a password to open fails with
// ErrEncrypted.
func pdfInfo(path string) (pages int, err error) {
	disablePDFCPUConfig()
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	defer func() {
		// pdfcpu reports some malformed input by panicking.
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: %v: %w", name, r, ErrCorrupt)
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadAndValidate(f, conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(err.Error(), "password") {
			return 0, fmt.Errorf("read %s: %w", name, ErrEncrypted)
		}
		return 0, fmt.Errorf("read %s: %v: %w", name, oneLine(err.Error()), ErrCorrupt)
	}
	if ctx.PageCount < 1 {
		return 0, fmt.Errorf("read %s: no pages: %w", name, ErrCorrupt)
	}
	return ctx.PageCount, nil
}

// passPDF lets a valid PDF through: in place when the output folder is its
// own folder, else as an atomic copy.
func passPDF(input string, opts Options, res *Result) error {
	pages, err := pdfInfo(input)
	if err != nil {
		return err
	}
	res.Pages = pages
	same, err := sameDir(opts.outDir(input), filepath.Dir(input))
	if err == nil && same {
		res.Output, res.Bytes = input, res.InputBytes
		return nil
	}
	w, err := newOutput(input, opts)
	if err != nil {
		return err
	}
	if err := w.copyFrom(input); err != nil {
		w.abort()
		return err
	}
	res.Output, res.Bytes, err = w.commit()
	return err
}

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
