package mail

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func seedTestdata(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.eml"))
	if len(files) == 0 {
		f.Fatal("no testdata")
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParse(f *testing.F) {
	seedTestdata(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			return
		}
		for _, s := range []string{m.Subject, m.Text, m.From.Name} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in output: %q", s)
			}
		}
		for _, a := range m.Attachments {
			if a.Size < 0 {
				t.Fatalf("negative size %d", a.Size)
			}
		}
	})
}

func FuzzSecretMarking(f *testing.F) {
	for _, s := range []string{"MẬT", "[TỐI MẬT] Kế hoạch", "Độ mật: Tuyệt mật", "mật khẩu", "bảo mật thông tin", "TOI MAT", "BC_MAT_2024.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		level := Strongest(SecretMarking(s), SecretInFilename(s))
		if _, ok := secretRank[level]; !ok {
			t.Fatalf("unknown level %q", level)
		}
	})
}

func FuzzDecodeLegacy(f *testing.F) {
	seedTestdata(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !utf8.Valid(raw) {
			return
		}
		out, enc := DecodeLegacy(string(raw))
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", raw)
		}
		if enc == "" && out != norm.NFC.String(string(raw)) {
			t.Fatalf("text changed without a legacy encoding: %q -> %q", raw, out)
		}
	})
}
