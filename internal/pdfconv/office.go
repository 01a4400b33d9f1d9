package pdfconv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// officeEngine converts one office file into a PDF inside dir and returns
// the PDF's path. It must honour ctx: when ctx ends, the engine stops the
// work and leaves no process behind.
type officeEngine interface {
	name() string
	convert(ctx context.Context, input, dir string, k kind, opts Options) (string, error)
	close() error
}

// noOfficeHelp names what to install, per platform.
func noOfficeHelp() string {
	switch runtime.GOOS {
	case "windows":
		return "install LibreOffice (libreoffice.org) or Microsoft Office"
	case "darwin":
		return "install LibreOffice (libreoffice.org)"
	default:
		return "install LibreOffice, on Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"
	}
}

// engine picks the office engine for opts.Prefer, starting it if needed.
func (c *Converter) engine(prefer Engine) (officeEngine, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("converter closed")
	}
	useLO := func() (officeEngine, error) {
		if c.lo == nil {
			path, err := findSoffice(c.cfg.Soffice)
			if err != nil {
				return nil, err
			}
			c.lo = newLibreOffice(path, c.cfg)
		}
		return c.lo, nil
	}
	useMS := func() (officeEngine, error) {
		if c.ms == nil {
			ms, err := newMSOffice()
			if err != nil {
				return nil, err
			}
			c.ms = ms
		}
		return c.ms, nil
	}
	switch prefer {
	case EngineLibreOffice:
		return useLO()
	case EngineMSOffice:
		return useMS()
	default:
		e, err := useLO()
		if err == nil {
			return e, nil
		}
		if e, msErr := useMS(); msErr == nil {
			return e, nil
		}
		return nil, err
	}
}

// convertOffice hands the file to the office engine, working in a private
// folder, then publishes the PDF atomically after checking it parses.
// A web page named as an office file (webPage) is converted from a
// sanitised copy (sanitizeHTML).
func (c *Converter) convertOffice(ctx context.Context, input string, k kind, webPage bool, opts Options, res *Result) error {
	name := filepath.Base(input)
	eng, err := c.engine(opts.Prefer)
	if err != nil {
		return fmt.Errorf("convert %s: %w", name, err)
	}
	res.Converter = eng.name()
	abs, err := filepath.Abs(input)
	if err != nil {
		return fmt.Errorf("convert %s: %w", name, err)
	}
	work, err := os.MkdirTemp("", "thucongvu-conv-")
	if err != nil {
		return fmt.Errorf("convert %s: %w", name, err)
	}
	defer os.RemoveAll(work)
	if webPage {
		if k == kindCalc {
			k = kindWebCalc
		} else {
			k = kindWebWriter
		}
		var removed int
		abs, removed, err = neutralizeWebPage(abs, filepath.Join(work, "page"), name)
		if err != nil {
			return fmt.Errorf("convert %s: %w", name, err)
		}
		if removed > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is a web page: %d scripts, links, outside images or styles were left out", name, removed))
		}
	}
	pdfPath, err := eng.convert(ctx, abs, work, k, opts)
	if err != nil {
		return fmt.Errorf("convert %s: %w", name, err)
	}
	pages, err := pdfInfo(pdfPath)
	if err != nil {
		return fmt.Errorf("convert %s: %s produced a bad PDF: %w", name, eng.name(), err)
	}
	out, err := newOutput(input, opts)
	if err != nil {
		return err
	}
	if err := out.copyFrom(pdfPath); err != nil {
		out.abort()
		return err
	}
	res.Pages = pages
	res.Output, res.Bytes, err = out.commit()
	return err
}
