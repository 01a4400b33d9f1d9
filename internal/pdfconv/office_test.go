package pdfconv

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func noSpace(s string) string {
	return strings.Join(strings.Fields(squash(s)), "")
}

// Real LibreOffice converts real DOCX, ODT and XLSX files (made by
// LibreOffice from Vietnamese text and CSV); poppler parses the PDFs back.
func TestOfficeRealLibreOffice(t *testing.T) {
	fx := officeFixtures(t)
	dir := t.TempDir()
	docWords := []string{"Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập – Tự do – Hạnh phúc", "Kính gửi: Sở Nội vụ tỉnh Long An"}
	sheetWords := []string{"Họ và tên", "Nguyễn Thị Hạnh", "Trần Đức Thắng", "Văn phòng Ủy ban"}
	tests := []struct {
		name  string
		src   string
		words []string
	}{
		{"Công văn số 15 – UBND tỉnh.docx", "congvan.docx", docWords},
		{"Tờ trình.odt", "congvan.odt", docWords},
		{"Bảng lương quý 3.xlsx", "bangluong.xlsx", sheetWords},
	}
	var inputs []string
	for _, tt := range tests {
		inputs = append(inputs, copyFixture(t, filepath.Join(fx, tt.src), dir, tt.name))
	}
	c := New(Config{})
	defer c.Close()
	results := c.Convert(context.Background(), inputs, Options{}, nil)
	for i, tt := range tests {
		res := results[i]
		t.Run(tt.name, func(t *testing.T) {
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			want := strings.TrimSuffix(inputs[i], filepath.Ext(inputs[i])) + ".pdf"
			if res.Output != want || res.Converter != "libreoffice" {
				t.Fatalf("output %q by %s, want %q", res.Output, res.Converter, want)
			}
			if got := pdfPages(t, res.Output); got < 1 || got != res.Pages {
				t.Fatalf("pages: pdfinfo %d, result %d", got, res.Pages)
			}
			// LibreOffice places words itself: compare without white space.
			text := noSpace(pdfText(t, res.Output))
			for _, w := range tt.words {
				if !strings.Contains(text, noSpace(w)) {
					t.Errorf("PDF text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestOfficePDFA(t *testing.T) {
	fx := officeFixtures(t)
	dir := t.TempDir()
	in := copyFixture(t, filepath.Join(fx, "congvan.docx"), dir, "lưu trữ.docx")
	c := New(Config{})
	defer c.Close()
	for _, pdfa := range []bool{false, true} {
		res := c.ConvertFile(context.Background(), in, Options{PDFA: pdfa, OutDir: filepath.Join(dir, strconv.FormatBool(pdfa))})
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		data, _ := os.ReadFile(res.Output)
		if got := bytes.Contains(data, []byte("pdfaid:part")); got != pdfa {
			t.Errorf("PDFA=%v: PDF/A identification present = %v", pdfa, got)
		}
	}
}

// A password-protected file is refused before LibreOffice sees it; and if
// LibreOffice gets one anyway, it fails at once instead of waiting for a
// password.
func TestOfficePasswordProtected(t *testing.T) {
	// testdata/encrypted.odt: made here with LibreOffice (storeToURL with a
	// Password, from a Basic macro), password "matkhau".
	c := New(Config{})
	defer c.Close()
	res := c.ConvertFile(context.Background(), "testdata/encrypted.odt", Options{OutDir: t.TempDir()})
	if !errors.Is(res.Err, ErrEncrypted) {
		t.Fatalf("err %v, want ErrEncrypted", res.Err)
	}
	need(t, "soffice")
	eng, err := c.engine(EngineLibreOffice)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata/encrypted.odt")
	start := time.Now()
	_, err = eng.convert(context.Background(), abs, t.TempDir(), kindWriter, Options{Timeout: 60 * time.Second})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "password-protected") {
		t.Fatalf("LibreOffice on an encrypted file: %v", err)
	}
	t.Logf("LibreOffice refused the encrypted file in %s", time.Since(start))
}

// minimalDOCX is a ZIP that passes the container check; no office program
// has to read it in these tests.
func minimalDOCX(t *testing.T, path string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types/>`))
	zw.Close()
	return writeFile(t, path, buf.Bytes())
}

func TestNoOfficeInstalled(t *testing.T) {
	in := minimalDOCX(t, filepath.Join(t.TempDir(), "Quyết định.docx"))
	t.Setenv("PATH", t.TempDir()) // no soffice anywhere
	c := New(Config{})
	defer c.Close()
	res := c.ConvertFile(context.Background(), in, Options{})
	if !errors.Is(res.Err, ErrNoOffice) || !strings.Contains(res.Err.Error(), "libreoffice-writer-nogui") {
		t.Fatalf("err %v, want ErrNoOffice naming the Debian package", res.Err)
	}
	res = c.ConvertFile(context.Background(), in, Options{Prefer: EngineMSOffice})
	if !errors.Is(res.Err, ErrNoOffice) {
		t.Fatalf("prefer msoffice: %v, want ErrNoOffice", res.Err)
	}
}

// A LibreOffice that hangs is stopped at the timeout, with every process it
// started. The fake soffice records its own and its child's process ids.
func TestHangingLibreOfficeIsKilled(t *testing.T) {
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	fake := writeFile(t, filepath.Join(dir, "soffice"), []byte("#!/bin/sh\necho $$ >> '"+pids+"'\nsleep 300 &\necho $! >> '"+pids+"'\nwait\n"))
	os.Chmod(fake, 0o755)
	in := minimalDOCX(t, filepath.Join(dir, "Treo máy.docx"))
	c := New(Config{Soffice: fake, StartTimeout: 300 * time.Millisecond})
	defer c.Close()
	start := time.Now()
	res := c.ConvertFile(context.Background(), in, Options{Timeout: 700 * time.Millisecond})
	if !errors.Is(res.Err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", res.Err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
	data, _ := os.ReadFile(pids)
	ids := strings.Fields(string(data))
	if len(ids) < 4 { // warm start (2) + cold conversion (2)
		t.Fatalf("fake soffice started %d processes, want 4: %q", len(ids), ids)
	}
	for _, id := range ids {
		if alive(id) {
			t.Errorf("process %s still running", id)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.pdf")); len(m) > 0 {
		t.Errorf("output left behind: %v", m)
	}
}

// alive reports a process that exists and is not a zombie.
func alive(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
