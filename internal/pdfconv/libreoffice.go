package pdfconv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// LibreOffice spends two to three seconds starting for each file. To pay
// that once, libreOffice keeps one instance running ("warm") with a private,
// sealed profile (-env:UserInstallation, profile.go), an open hidden
// document (without one, the instance quits after its first conversion) and
// a UNO acceptor pipe whose appearance tells that start-up is complete. Each
// file is then converted by a short-lived `soffice --convert-to` with the
// same profile: LibreOffice's single-instance pipe hands the request to the
// warm instance and returns when it is done (measured: ~0.1–0.3 s per file
// instead of ~2.6 s; see BenchmarkOfficeColdVsWarm). When the warm instance
// cannot start, each file runs its own soffice ("cold"). One file is
// converted at a time: the instance is single-threaded.
type libreOffice struct {
	path string
	cfg  Config

	mu     sync.Mutex // one conversion at a time; guards the fields below
	dir    string     // private folder: profile, keep-alive document
	warm   *exec.Cmd
	exited chan struct{}
	log    *lockedBuffer
	noWarm bool // the warm instance failed to start: stay cold
}

func newLibreOffice(path string, cfg Config) *libreOffice {
	return &libreOffice{path: path, cfg: cfg, noWarm: cfg.Cold}
}

func (l *libreOffice) name() string { return "libreoffice" }

// findSoffice finds LibreOffice: the configured path, PATH, then the usual
// install folders.
func findSoffice(configured string) (string, error) {
	if configured != "" {
		p, err := exec.LookPath(configured)
		if err != nil {
			return "", fmt.Errorf("%w: LibreOffice %q: %v; %s", ErrNoOffice, configured, err, noOfficeHelp())
		}
		return p, nil
	}
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	var candidates []string
	switch runtime.GOOS {
	case "windows":
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "ProgramW6432"} {
			if d := os.Getenv(env); d != "" {
				candidates = append(candidates, filepath.Join(d, "LibreOffice", "program", "soffice.exe"))
			}
		}
	case "darwin":
		candidates = append(candidates, "/Applications/LibreOffice.app/Contents/MacOS/soffice")
	}
	for _, p := range candidates {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: LibreOffice not found; %s", ErrNoOffice, noOfficeHelp())
}

func fileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

func (l *libreOffice) profileArg() string {
	return "-env:UserInstallation=" + fileURL(filepath.Join(l.dir, "profile"))
}

// setup creates the private folder once.
func (l *libreOffice) setup() error {
	if l.dir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "thucongvu-lo-")
	if err != nil {
		return err
	}
	if err := writeSealedProfile(filepath.Join(dir, "profile")); err != nil {
		os.RemoveAll(dir)
		return err
	}
	l.dir = dir
	return nil
}

// startWarm starts the warm instance and waits until it takes requests.
func (l *libreOffice) startWarm() error {
	keep := filepath.Join(l.dir, "keep-alive.txt")
	if err := os.WriteFile(keep, []byte("thucongvu\n"), 0o600); err != nil {
		return err
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	pipe := "thucongvu_" + hex.EncodeToString(rnd[:])
	cmd := exec.Command(l.path, l.profileArg(), "--headless", "--invisible", "--norestore",
		"--nologo", "--nolockcheck", "--accept=pipe,name="+pipe+";urp;", keep)
	setGroup(cmd)
	l.log = &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = l.log, l.log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	l.warm, l.exited = cmd, exited

	deadline := time.Now().Add(l.startTimeout())
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !acceptPipeReady(pipe) {
		select {
		case <-exited:
			l.stopWarm()
			return fmt.Errorf("warm LibreOffice exited: %s", oneLine(l.log.String()))
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			l.stopWarm()
			return fmt.Errorf("warm LibreOffice not ready after %s", l.startTimeout())
		}
	}
	// Prove the hand-off works with a tiny conversion; on Windows this is
	// also how readiness is told.
	probeDir := filepath.Join(l.dir, "probe")
	os.MkdirAll(probeDir, 0o700)
	for {
		ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(10*time.Second))
		_, err := l.run(ctx, keep, probeDir, kindText, Options{})
		cancel()
		os.RemoveAll(probeDir)
		if err == nil {
			return nil
		}
		if acceptPipeKnown || time.Now().After(deadline) {
			l.stopWarm()
			return fmt.Errorf("warm LibreOffice does not take work: %w", err)
		}
		select {
		case <-exited:
			l.stopWarm()
			return errors.New("warm LibreOffice exited")
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (l *libreOffice) startTimeout() time.Duration {
	if l.cfg.StartTimeout > 0 {
		return l.cfg.StartTimeout
	}
	return 60 * time.Second
}

// stopWarm kills the warm instance's process group and waits for it.
func (l *libreOffice) stopWarm() {
	if l.warm == nil {
		return
	}
	killGroup(l.warm)
	<-l.exited
	l.warm, l.exited = nil, nil
}

func (l *libreOffice) warmAlive() bool {
	if l.warm == nil {
		return false
	}
	select {
	case <-l.exited:
		l.warm, l.exited = nil, nil
		return false
	default:
		return true
	}
}

func (l *libreOffice) convert(ctx context.Context, input, dir string, k kind, opts Options) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.setup(); err != nil {
		return "", fmt.Errorf("prepare LibreOffice: %w", err)
	}
	if !l.noWarm && !l.warmAlive() {
		if err := l.startWarm(); err != nil {
			// Cold conversion still works; later files stay cold too.
			l.noWarm = true
		}
	}
	// The timeout starts once this file's turn has come.
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	out, err := l.run(ctx, input, dir, k, opts)
	if errors.Is(err, ErrTimeout) && l.warm != nil {
		// The warm instance may be stuck on this file: stop it; the next
		// file starts a fresh one.
		l.stopWarm()
	}
	return out, err
}

// pdfFilter is LibreOffice's PDF export filter for k, with PDF/A-2b
// (SelectPdfVersion 2) when asked.
func pdfFilter(k kind, pdfa bool) string {
	f := "writer_pdf_Export"
	switch k {
	case kindCalc, kindWebCalc:
		f = "calc_pdf_Export"
	case kindImpress:
		f = "impress_pdf_Export"
	}
	if pdfa {
		f += `:{"SelectPdfVersion":{"type":"long","value":"2"}}`
	}
	return "pdf:" + f
}

// run executes one `soffice --convert-to` into dir and returns the PDF's path.
func (l *libreOffice) run(ctx context.Context, input, dir string, k kind, opts Options) (string, error) {
	args := []string{l.profileArg(), "--headless", "--invisible", "--norestore", "--nologo", "--nolockcheck"}
	switch k {
	case kindWebWriter:
		// As a text document: Writer/Web's PDF export drops the first paragraph.
		args = append(args, "--infilter=HTML (StarWriter)")
	case kindWebCalc:
		args = append(args, "--infilter=HTML (StarCalc)")
	}
	args = append(args, "--convert-to", pdfFilter(k, opts.PDFA), "--outdir", dir, input)
	cmd := exec.Command(l.path, args...)
	setGroup(cmd)
	var outBuf lockedBuffer
	cmd.Stdout, cmd.Stderr = &outBuf, &outBuf
	if l.log != nil {
		l.log.Reset() // keep only what the warm instance says about this file
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start LibreOffice: %w", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-waited:
	case <-ctx.Done():
		killGroup(cmd)
		<-waited
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("%w: LibreOffice did not finish within %s and was stopped", ErrTimeout, opts.timeout())
		}
		return "", ctx.Err()
	}
	if pdf := findPDF(dir); pdf != "" {
		return pdf, nil
	}
	msg := outBuf.String()
	if l.log != nil {
		msg += " " + l.log.String()
	}
	if strings.Contains(msg, "could not be loaded") {
		return "", fmt.Errorf("LibreOffice could not open it (damaged, password-protected, or not what its name says): %w", ErrCorrupt)
	}
	if werr != nil {
		return "", fmt.Errorf("LibreOffice failed: %v: %s: %w", werr, oneLine(msg), ErrCorrupt)
	}
	// A clean exit with no PDF: the file was not loaded. The warm instance
	// may say "could not be loaded" only after the client process ended.
	return "", fmt.Errorf("LibreOffice wrote no PDF (damaged, password-protected, or not what its name says)%s: %w", detail(msg), ErrCorrupt)
}

func findPDF(dir string) string {
	m, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

func (l *libreOffice) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopWarm()
	if l.dir != "" {
		err := os.RemoveAll(l.dir)
		l.dir = ""
		return err
	}
	return nil
}

// lockedBuffer collects a process's output from its copying goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 {
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FindOffice says which office converter this PC has (LibreOffice's path),
// or why there is none and what to install.
func FindOffice() (string, error) { return findSoffice("") }

// detail is ": msg" on one line, or nothing when LibreOffice said nothing.
func detail(msg string) string {
	if m := oneLine(msg); m != "" {
		return ": " + m
	}
	return ""
}
