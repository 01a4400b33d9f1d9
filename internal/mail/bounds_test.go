package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

// childEnv names the test a re-executed test binary runs as the child.
const childEnv = "THUCONGVU_MAIL_TEST_CHILD"

// inChild reports whether this process is the child of runChild for t.
// The child runs with a small stack limit, so runaway recursion ends it
// with "stack overflow" in a second instead of taking the test run down.
func inChild(t *testing.T) bool {
	if os.Getenv(childEnv) != t.Name() {
		return false
	}
	debug.SetMaxStack(8 << 20)
	return true
}

// runChild re-runs the test t in a child process and fails t when the
// child fails or dies.
func runChild(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) > 4000 {
			out = out[:4000]
		}
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("child did not run the test:\n%s", out)
	}
}

// poisonVariants are crafted multiparts whose boundaries point at each
// other; the first is testdata/poison-boundaries.eml.
func poisonVariants(t testing.TB) map[string][]byte {
	raw, err := os.ReadFile("testdata/poison-boundaries.eml")
	if err != nil {
		t.Fatal(err)
	}
	head := "From: a@hanam.gov.vn\r\nSubject: poison\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n"
	cycle3 := head + "--A\r\nbad a\r\n--A\r\n--B\r\nbad b\r\n--B\r\n--C\r\nbad c\r\n--C\r\n--X\r\nbad x\r\n--X\r\n"
	// Every level declares one boundary and uses another, down past maxDepth.
	var nested strings.Builder
	nested.WriteString("From: a@hanam.gov.vn\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary=\"D0\"\r\n\r\n")
	const levels = 60
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&nested, "--A%d\r\nContent-Type: multipart/mixed; boundary=\"D%d\"\r\n\r\n", i, i+1)
	}
	nested.WriteString("--Z\r\nno header\r\n--Z\r\n")
	for i := levels - 1; i >= 0; i-- {
		fmt.Fprintf(&nested, "--A%d--\r\n", i)
	}
	return map[string][]byte{"file": raw, "cycle3": []byte(cycle3), "nested": []byte(nested.String())}
}

// TestPoisonBoundaries: boundaries that point at each other once recursed
// until "fatal error: stack overflow"; the parse now ends with the
// message and a warning.
func TestPoisonBoundaries(t *testing.T) {
	if !inChild(t) {
		runChild(t)
		return
	}
	for name, raw := range poisonVariants(t) {
		m, err := Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Subject == "" || len(m.Warnings) == 0 {
			t.Errorf("%s: subject %q, warnings %q", name, m.Subject, m.Warnings)
		}
		if !strings.Contains(strings.Join(m.Warnings, "\n"), "boundary") {
			t.Errorf("%s: no boundary warning in %q", name, m.Warnings)
		}
	}
	m, _ := Parse(poisonVariants(t)["file"])
	if m.Subject != "Cong van so 12" || m.From.Address != "vanthu@hanam.gov.vn" || m.MessageID != "poison-boundaries@hanam.gov.vn" {
		t.Errorf("header lost: %+v", m)
	}
}

// TestRecoveryWorkBounded: boundary guessing re-reads a bounded number of
// bytes however deep the broken multiparts nest.
func TestRecoveryWorkBounded(t *testing.T) {
	for name, raw := range poisonVariants(t) {
		w := &walker{m: &Message{}}
		br := bufio.NewReader(bytes.NewReader(raw))
		h, _, err := readHeaderLenient(br)
		if err != nil {
			t.Fatal(err)
		}
		w.entity(h, br, 0)
		if w.recoverScan > maxRecoverScan || w.recoverScan > (maxDepth+1)*(maxGuesses+1)*len(raw) {
			t.Errorf("%s: %d bytes re-read for a %d-byte message", name, w.recoverScan, len(raw))
		}
	}
	// A body larger than the whole budget is never re-read to guess.
	w := &walker{m: &Message{}}
	big := bytes.Repeat([]byte("--A\nx\n"), (maxRecoverScan/6)+1)
	if g := w.guessBoundary(big, "X"); g != "" || w.recoverScan != 0 {
		t.Errorf("guessed %q after re-reading %d bytes", g, w.recoverScan)
	}
}

func TestDeepNestingBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	const levels = 10000
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nđáy\r\n--b%d--\r\n", levels, levels)
	for i := levels - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(m, "nested deeper than 20 levels") || len(m.Attachments) != 1 {
		t.Errorf("warnings %q, attachments %+v", m.Warnings, m.Attachments)
	}
}

func TestPartCountBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "--p\r\nContent-Type: application/octet-stream; name=\"f%d.bin\"\r\n\r\nx\r\n", i)
	}
	b.WriteString("--p--\r\n")
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Attachments); n != maxParts-1 || !hasWarning(m, "more than 1000 MIME parts") {
		t.Errorf("%d attachments, warnings %q", n, m.Warnings)
	}
}

func TestTextBoundedAcrossParts(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: long\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	line := bytes.Repeat([]byte("văn bản "), 1<<10)
	const parts = 40 // 40 × 1 MB of text: more than maxTextBytes
	for i := 0; i < parts; i++ {
		b.WriteString("--p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		for b.Len() < (i+1)*(1<<20)+200*(i+1) {
			b.Write(line)
			b.WriteString("\r\n")
		}
	}
	b.WriteString("--p--\r\n")
	m, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	// The cut keeps UTF-8 whole: no part is misread as Windows-1258.
	if len(m.Text) > maxTextBytes+parts*2 || !slices.Equal(m.Warnings, []string{fmt.Sprintf("text longer than %d MB: cut", maxTextBytes>>20)}) {
		t.Errorf("text %d bytes, warnings %q", len(m.Text), m.Warnings)
	}
}

func TestWarningsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@hanam.gov.vn\r\nSubject: charsets\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "--p\r\nContent-Type: text/plain; charset=\"x-%d-%s\"\r\n\r\nx\r\n", i, strings.Repeat("z", 1000))
	}
	b.WriteString("--p--\r\n")
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) != maxWarnings {
		t.Errorf("%d warnings", len(m.Warnings))
	}
	for _, w := range m.Warnings {
		if len(w) > maxWarningLen+len("…") {
			t.Errorf("warning of %d bytes", len(w))
		}
	}
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("decoder bug") }

func TestDecoderPanicIsAnError(t *testing.T) {
	m, err := ParseReader(panicReader{})
	if m != nil || !errors.Is(err, ErrDecoderFailed) || !strings.Contains(err.Error(), "decoder bug") {
		t.Fatalf("got %v, %v", m, err)
	}
}

func hasWarning(m *Message, s string) bool {
	for _, w := range m.Warnings {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

// BenchmarkParsePoison: the crafted multiparts of TestPoisonBoundaries
// (the first once took 20 s and 1.1 GB before the stack overflowed).
func BenchmarkParsePoison(b *testing.B) {
	for name, raw := range poisonVariants(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := Parse(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
