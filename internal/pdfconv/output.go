package pdfconv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// outputWriter writes one PDF atomically: into a temporary file in the output
// folder, synced, then published under a name no file has yet — an existing
// file (an input above all) is never overwritten, and a half-written PDF is
// never visible under the final name.
type outputWriter struct {
	dir, base string
	tmp       *os.File
}

func newOutput(input string, opts Options) (*outputWriter, error) {
	dir := opts.outDir(input)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: create folder: %v", ErrOutput, err)
	}
	tmp, err := os.CreateTemp(dir, ".thucongvu-*.pdf.tmp")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOutput, err)
	}
	base := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
	return &outputWriter{dir: dir, base: base, tmp: tmp}, nil
}

func (w *outputWriter) Write(p []byte) (int, error) { return w.tmp.Write(p) }

// abort removes the temporary file.
func (w *outputWriter) abort() {
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// commit syncs the temporary file and gives it its final name: NAME.pdf, or
// NAME (2).pdf, NAME (3).pdf … when that exists. It returns the path and size.
func (w *outputWriter) commit() (string, int64, error) {
	defer os.Remove(w.tmp.Name())
	if err := w.tmp.Sync(); err != nil {
		w.tmp.Close()
		return "", 0, fmt.Errorf("%w: %v", ErrOutput, err)
	}
	st, err := w.tmp.Stat()
	if err != nil {
		w.tmp.Close()
		return "", 0, fmt.Errorf("%w: %v", ErrOutput, err)
	}
	if err := w.tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("%w: %v", ErrOutput, err)
	}
	for i := 1; i < 1000; i++ {
		name := w.base + ".pdf"
		if i > 1 {
			name = fmt.Sprintf("%s (%d).pdf", w.base, i)
		}
		final := filepath.Join(w.dir, name)
		// A hard link fails when final exists, so publishing cannot race
		// with another writer; file systems without links fall back to a
		// check then rename.
		err := os.Link(w.tmp.Name(), final)
		if err == nil {
			syncDir(w.dir)
			return final, st.Size(), nil
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if _, serr := os.Lstat(final); serr == nil {
			continue
		}
		if err := os.Rename(w.tmp.Name(), final); err != nil {
			return "", 0, fmt.Errorf("%w: %v", ErrOutput, err)
		}
		syncDir(w.dir)
		return final, st.Size(), nil
	}
	return "", 0, fmt.Errorf("%w: too many files named %s", ErrOutput, w.base)
}

// copyTo writes the file at src through w.
func (w *outputWriter) copyFrom(src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("%w: %v", ErrOutput, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
