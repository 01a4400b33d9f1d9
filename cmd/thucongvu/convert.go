package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/pdfconv"
)

// convertJSON is one input's line in `convert --json` (contract: input,
// output, pages, bytes, error; the rest is extra).
type convertJSON struct {
	Input      string   `json:"input"`
	Output     string   `json:"output"`
	Pages      int      `json:"pages"`
	Bytes      int64    `json:"bytes"`
	Error      string   `json:"error"`
	InputBytes int64    `json:"input_bytes"`
	BytesSaved int64    `json:"bytes_saved"`
	Converter  string   `json:"converter"`
	Warnings   []string `json:"warnings,omitempty"`
	Seconds    float64  `json:"seconds"`
}

// cmdConvert is `thucongvu convert FILE... [-o DIR] [--grayscale] [--pdfa]
// [--prefer libreoffice|msoffice] [--timeout D] [--json]`: attachments to
// PDF (R4, LA 8.3). Every file is tried; the exit code is 1 when any failed.
func cmdConvert(c *cli, args []string) error {
	fs := newFlags("convert")
	outDir := fs.String("o", "", "output folder (default: beside each file)")
	grey := fs.Bool("grayscale", false, "grey images, recompressed (scans need no colour)")
	pdfa := fs.Bool("pdfa", false, "PDF/A-2b from office files")
	prefer := fs.String("prefer", "", "office converter: libreoffice or msoffice")
	timeout := fs.Duration("timeout", 2*time.Minute, "limit per file")
	asJSON := fs.Bool("json", false, "print one JSON document")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("convert FILE... [-o DIR] [--grayscale] [--pdfa] [--prefer libreoffice|msoffice] [--json]")
	}
	// R4: the converter agency IT chose by machine policy is not the user's to change.
	if pol, err := config.LoadPolicy(); err != nil {
		return err
	} else if pol.Has("Converter") {
		if *prefer != "" && *prefer != pol.Converter {
			return fmt.Errorf("%w: the office converter is set by agency IT (machine policy): %s", failure.ErrBlocked, pol.Converter)
		}
		*prefer = strings.TrimPrefix(pol.Converter, "auto")
	}
	engine := pdfconv.Engine(*prefer)
	switch engine {
	case pdfconv.EngineAuto, pdfconv.EngineLibreOffice, pdfconv.EngineMSOffice:
	default:
		return usageErr("--prefer libreoffice|msoffice, not %q", *prefer)
	}
	opts := pdfconv.Options{OutDir: *outDir, Grayscale: *grey, PDFA: *pdfa, Prefer: engine, Timeout: *timeout}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	conv := pdfconv.New(pdfconv.Config{})
	defer conv.Close()
	en := c.msg.Lang == "en"
	results := conv.Convert(ctx, files, opts, func(p pdfconv.Progress) {
		if p.Result == nil {
			return
		}
		r := p.Result
		if r.Err != nil {
			fmt.Fprintf(c.stderr, "[%d/%d] %s: %v\n", p.Done, p.Total, r.Input, r.Err)
			return
		}
		pages := "trang"
		if en {
			pages = "pages"
		}
		fmt.Fprintf(c.stderr, "[%d/%d] %s → %s (%d %s, %s)\n", p.Done, p.Total,
			filepath.Base(r.Input), r.Output, r.Pages, pages, convertSize(r.Bytes))
		for _, w := range r.Warnings {
			fmt.Fprintf(c.stderr, "      %s: %s\n", filepath.Base(r.Input), w)
		}
	})

	failed := 0
	out := make([]convertJSON, len(results))
	for i, r := range results {
		out[i] = convertJSON{Input: r.Input, Output: r.Output, Pages: r.Pages, Bytes: r.Bytes,
			InputBytes: r.InputBytes, BytesSaved: r.BytesSaved, Converter: r.Converter, Warnings: r.Warnings, Seconds: r.Duration.Seconds()}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
			failed++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, r := range out {
			if r.Error == "" {
				fmt.Fprintln(c.stdout, r.Output)
			}
		}
	}
	if failed > 0 {
		if en {
			return fmt.Errorf("convert: %d of %d files could not be converted (originals untouched)", failed, len(results))
		}
		return fmt.Errorf("chuyển đổi: %d/%d tệp không chuyển được sang PDF (tệp gốc vẫn nguyên)", failed, len(results))
	}
	return nil
}

func convertSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
