// Package pdfconv turns attachments into PDF, because issued documents travel
// as PDF and colour scans are not needed (R4, LA 8.3). Images and plain text
// are converted natively in Go; office files go to LibreOffice (kept warm
// between files) or, on Windows, Microsoft Office through COM; PDFs pass
// through after validation.
//
// It owns: the conversion engines, the per-file timeout, and writing each
// output atomically next to (never over) its input. It must not: import Fyne,
// delete or modify an input, or drop a file silently — every input gets a
// Result with either an output or a reason.
package pdfconv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"thucongvu/internal/failure"
)

// Errors callers branch on. Each Result.Err wraps one of these (or
// failure.ErrNotFound for a missing input).
var (
	ErrEmpty       = errors.New("file is empty")
	ErrUnsupported = errors.New("file type not supported")
	ErrCorrupt     = errors.New("file is damaged or not what its name says")
	ErrEncrypted   = errors.New("file is password-protected")
	ErrTooLarge    = errors.New("image too large")
	ErrNoOffice    = errors.New("no office converter installed")
	ErrTimeout     = errors.New("conversion timed out")
	ErrOutput      = errors.New("cannot write output")
	// ErrUnsafe: the file would make the converter fetch or open content
	// from outside it (R4).
	ErrUnsafe = errors.New("file refers to outside content")
)

// Engine names an office converter; Options.Prefer chooses among them.
type Engine string

const (
	// EngineAuto uses LibreOffice when found, else Microsoft Office (Windows).
	EngineAuto Engine = ""
	// EngineLibreOffice is LibreOffice headless.
	EngineLibreOffice Engine = "libreoffice"
	// EngineMSOffice is Microsoft Office through COM (Windows only).
	EngineMSOffice Engine = "msoffice"
)

// Options tune one conversion run. The zero value is a sensible default.
type Options struct {
	// OutDir receives the PDFs; "" means beside each input.
	OutDir string
	// Grayscale turns images grey and recompresses them: scans need no
	// colour (R4, LA 8.3) and become much smaller.
	Grayscale bool
	// PDFA asks the office converter for PDF/A: PDF/A-2b from LibreOffice,
	// PDF/A-1b from Word and PowerPoint; Microsoft Excel refuses it.
	PDFA bool
	// Prefer picks the office engine.
	Prefer Engine
	// Timeout bounds one file's conversion; 0 means 2 minutes.
	Timeout time.Duration
	// Workers is how many files convert at once; 0 means the number of CPUs.
	// Office files are handed to one warm converter one at a time.
	Workers int
	// MaxPixels rejects larger images before decoding them (decompression
	// bombs); 0 means 120 million pixels (A3 at 600 dpi is 70 million).
	MaxPixels int64
	// JPEGQuality is used when images are recompressed; 0 means 75.
	JPEGQuality int
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 2 * time.Minute
	}
	return o.Timeout
}

func (o Options) maxPixels() int64 {
	if o.MaxPixels <= 0 {
		return 120_000_000
	}
	return o.MaxPixels
}

func (o Options) quality() int {
	if o.JPEGQuality <= 0 || o.JPEGQuality > 100 {
		return 75
	}
	return o.JPEGQuality
}

// Result is the outcome for one input. Exactly one of Output and Err is set.
type Result struct {
	Input  string `json:"input"`
	Output string `json:"output"`
	Pages  int    `json:"pages"`
	// Bytes is the size of the output PDF.
	Bytes int64 `json:"bytes"`
	// InputBytes is the size of the input file.
	InputBytes int64 `json:"input_bytes"`
	// BytesSaved is InputBytes − Bytes for images (negative when the PDF is larger).
	BytesSaved int64 `json:"bytes_saved"`
	// Converter names what produced the output: image, text, pdf, libreoffice, msoffice.
	Converter string `json:"converter"`
	// Warnings tell what the PDF does not show exactly (e.g. characters
	// missing from the font).
	Warnings []string      `json:"warnings,omitempty"`
	Duration time.Duration `json:"-"`
	Err      error         `json:"-"`
}

// Progress reports one file starting or finishing. Done counts finished files.
type Progress struct {
	Index  int // position of the input in the list
	Total  int
	Done   int
	Input  string
	Result *Result // nil when the file is starting
}

// Config sets up a Converter. The zero value finds LibreOffice on PATH.
type Config struct {
	// Soffice is the LibreOffice program; "" searches PATH and the usual
	// install folders.
	Soffice string
	// StartTimeout bounds the start of the warm LibreOffice; 0 means 60 s.
	// When it does not come up in time, each file gets its own soffice.
	StartTimeout time.Duration
	// Cold disables the warm LibreOffice: one soffice process per file.
	Cold bool
}

// Converter converts files to PDF. It is safe for concurrent use; Close stops
// the warm office converter it may have started.
type Converter struct {
	cfg Config

	mu     sync.Mutex // guards the office engines
	lo     *libreOffice
	ms     officeEngine
	closed bool
}

// New returns a Converter; office programs start only when first needed.
func New(cfg Config) *Converter {
	return &Converter{cfg: cfg}
}

// Close stops the warm office converters and removes their private profile.
func (c *Converter) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	if c.lo != nil {
		errs = append(errs, c.lo.close())
		c.lo = nil
	}
	if c.ms != nil {
		errs = append(errs, c.ms.close())
		c.ms = nil
	}
	return errors.Join(errs...)
}

// Convert converts inputs in parallel and returns one Result per input, in
// input order. A failing file does not stop the others. progress, when not
// nil, is called from one goroutine at a time.
func (c *Converter) Convert(ctx context.Context, inputs []string, opts Options, progress func(Progress)) []Result {
	results := make([]Result, len(inputs))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, max(len(inputs), 1))
	var (
		pmu  sync.Mutex
		done int
	)
	report := func(p Progress) {
		if progress == nil {
			return
		}
		pmu.Lock()
		defer pmu.Unlock()
		if p.Result != nil {
			done++
		}
		p.Done, p.Total = done, len(inputs)
		progress(p)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				report(Progress{Index: i, Input: inputs[i]})
				results[i] = c.ConvertFile(ctx, inputs[i], opts)
				report(Progress{Index: i, Input: inputs[i], Result: &results[i]})
			}
		}()
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// ConvertFile converts one file. The input is never modified.
func (c *Converter) ConvertFile(ctx context.Context, input string, opts Options) Result {
	start := time.Now()
	res := Result{Input: input}
	res.Err = c.convert(ctx, input, opts, &res)
	if res.Err != nil {
		res.Output, res.Pages, res.Bytes, res.BytesSaved, res.Warnings = "", 0, 0, 0, nil
	}
	res.Duration = time.Since(start)
	return res
}

func (c *Converter) convert(ctx context.Context, input string, opts Options, res *Result) error {
	st, err := os.Stat(input)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("open %s: %w", filepath.Base(input), failure.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Base(input), err)
	}
	if st.IsDir() {
		return fmt.Errorf("open %s: is a folder: %w", filepath.Base(input), ErrUnsupported)
	}
	res.InputBytes = st.Size()
	if st.Size() == 0 {
		return fmt.Errorf("open %s: %w", filepath.Base(input), ErrEmpty)
	}
	k, webPage, err := detect(input)
	if err != nil {
		return err
	}
	if k == kindWriter || k == kindCalc || k == kindImpress {
		// The office engine starts the timeout when the file's turn comes.
		return c.convertOffice(ctx, input, k, webPage, opts, res)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	switch k {
	case kindPDF:
		res.Converter = "pdf"
		return passPDF(input, opts, res)
	case kindImage:
		res.Converter = "image"
		err = c.convertImage(ctx, input, opts, res)
		if err == nil {
			res.BytesSaved = res.InputBytes - res.Bytes
		}
		return err
	case kindText:
		res.Converter = "text"
		return convertText(input, opts, res)
	default:
		return fmt.Errorf("%s: %w", filepath.Base(input), ErrUnsupported)
	}
}

// outDir is where input's PDF goes.
func (o Options) outDir(input string) string {
	if o.OutDir != "" {
		return o.OutDir
	}
	return filepath.Dir(input)
}
