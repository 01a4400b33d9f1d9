package pdfconv

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// need skips the test when a program is missing, or fails it under CI=true.
func need(t testing.TB, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (make deps)", prog)
		}
		t.Skipf("%s not installed", prog)
	}
	return p
}

// pdfPages asks poppler's pdfinfo, an independent parser, for the page count.
func pdfPages(t testing.TB, path string) int {
	t.Helper()
	need(t, "pdfinfo")
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count\n%s", path, out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// pageSizes returns each page's "W x H" in points, rounded.
func pageSizes(t testing.TB, path string, n int) []string {
	t.Helper()
	out, err := exec.Command("pdfinfo", "-f", "1", "-l", strconv.Itoa(n), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	var sizes []string
	for _, m := range regexp.MustCompile(`Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)`).FindAllSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		sizes = append(sizes, strconv.Itoa(int(w+0.5))+"x"+strconv.Itoa(int(h+0.5)))
	}
	return sizes
}

// pdfText extracts the text with poppler's pdftotext in content-stream
// order (-raw): its default layout mode drops the space between some
// one-letter words with diacritics, which would blur the comparison.
func pdfText(t testing.TB, path string) string {
	t.Helper()
	need(t, "pdftotext")
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// squash is the comparison used for extracted text: NFC, and every run of
// white space (line wraps, page breaks, indentation) as one space.
func squash(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

func writeFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// scanImage draws something like a 300 dpi colour scan of a typed page:
// paper-toned background with noise, dark text-like strokes, a red stamp.
func scanImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.IntN(12))
			c := color.RGBA{240 - n, 236 - n, 225 - n, 255}
			line := (y/40)%2 == 0 && y%40 > 12 && (x/9)%7 != 0 && x > w/10 && x < w*9/10
			if line {
				c = color.RGBA{30 + n, 30 + n, 40 + n, 255}
			}
			dx, dy := x-w*3/4, y-h*4/5
			if r2 := dx*dx + dy*dy; r2 < (w/8)*(w/8) && r2 > (w/9)*(w/9) {
				c = color.RGBA{200, 30 + n, 40, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func jpegBytes(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// officeFixtures makes DOCX, ODT and XLSX files with Vietnamese content
// using LibreOffice itself, once per test binary.
var (
	fixturesOnce sync.Once
	fixturesDir  string
	fixturesErr  error
)

const officeWords = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập – Tự do – Hạnh phúc. Công văn về việc tiếp nhận hồ sơ."

func officeFixtures(t testing.TB) string {
	t.Helper()
	soffice := need(t, "soffice")
	fixturesOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pdfconv-fixtures-")
		if err != nil {
			fixturesErr = err
			return
		}
		fixturesDir = dir
		os.WriteFile(filepath.Join(dir, "congvan.txt"), []byte(officeWords+"\n\nKính gửi: Sở Nội vụ tỉnh Long An.\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "bangluong.csv"), []byte("Họ và tên,Chức vụ,Đơn vị\nNguyễn Thị Hạnh,Chuyên viên,Văn phòng Ủy ban\nTrần Đức Thắng,Trưởng phòng,Sở Tài chính\n"), 0o644)
		profile := "-env:UserInstallation=" + fileURL(filepath.Join(dir, "profile"))
		run := func(infilter, to, file string) {
			if fixturesErr != nil {
				return
			}
			cmd := exec.Command(soffice, profile, "--headless", "--norestore", "--infilter="+infilter,
				"--convert-to", to, "--outdir", dir, filepath.Join(dir, file))
			if out, err := cmd.CombinedOutput(); err != nil {
				fixturesErr = fmt.Errorf("%v: %s", err, out)
			}
		}
		run("Text (encoded):UTF8", "docx", "congvan.txt")
		run("Text (encoded):UTF8", "odt", "congvan.txt")
		run("CSV:44,34,76", "xlsx", "bangluong.csv")
		for _, f := range []string{"congvan.docx", "congvan.odt", "bangluong.xlsx"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil && fixturesErr == nil {
				fixturesErr = err
			}
		}
	})
	if fixturesErr != nil {
		t.Fatalf("make office fixtures with LibreOffice: %v", fixturesErr)
	}
	return fixturesDir
}

// copyFixture copies a shared fixture into the test's own folder under name.
func copyFixture(t testing.TB, src, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, filepath.Join(dir, name), data)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixturesDir != "" {
		os.RemoveAll(fixturesDir)
	}
	os.Exit(code)
}
