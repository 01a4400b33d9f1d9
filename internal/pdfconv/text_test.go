package pdfconv

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// Every Vietnamese letter with every tone, upper and lower case, plus
// official-letter text. The extracted text must equal the source.
const vietnamese = `CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Kính gửi: Sở Thông tin và Truyền thông tỉnh Sóc Trăng.
a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ e è é ẻ ẽ ẹ ê ề ế ể ễ ệ
i ì í ỉ ĩ ị o ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ u ù ú ủ ũ ụ ư ừ ứ ử ữ ự y ỳ ý ỷ ỹ ỵ đ
A À Á Ả Ã Ạ Ă Ằ Ắ Ẳ Ẵ Ặ Â Ầ Ấ Ẩ Ẫ Ậ E È É Ẻ Ẽ Ẹ Ê Ề Ế Ể Ễ Ệ
I Ì Í Ỉ Ĩ Ị O Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ U Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự Y Ỳ Ý Ỷ Ỹ Ỵ Đ
	Căn cứ Quyết định số 62/2009/QĐ-UBND ngày 15 tháng 12 năm 2009 của Ủy ban nhân dân tỉnh Long An về việc ban hành Quy chế quản lý, sử dụng hệ thống thư điện tử, văn bản ban hành chính thức được gửi dưới dạng tệp tin PDF.`

func TestTextRoundTrip(t *testing.T) {
	long := strings.Repeat(vietnamese+"\n", 12) // several pages
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cp1258 := func(s string) []byte {
		// Windows-1258 has the base letters (â, ơ, đ …) precomposed and the
		// five tones as combining marks, as legacy files store them.
		var sb strings.Builder
		for _, r := range s {
			var base, tones []rune
			for _, d := range norm.NFD.String(string(r)) {
				switch d {
				case 0x300, 0x301, 0x303, 0x309, 0x323:
					tones = append(tones, d)
				default:
					base = append(base, d)
				}
			}
			sb.WriteString(norm.NFC.String(string(base)) + string(tones))
		}
		b, err := charmap.Windows1258.NewEncoder().Bytes([]byte(sb.String()))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name      string
		data      []byte
		want      string
		wantPages int
	}{
		{"utf8.txt", []byte(vietnamese), vietnamese, 1},
		{"utf8 bom.txt", append([]byte{0xEF, 0xBB, 0xBF}, vietnamese...), vietnamese, 1},
		{"nfd.txt", []byte(norm.NFD.String(vietnamese)), vietnamese, 1},
		{"utf16.txt", utf16(vietnamese), vietnamese, 1},
		{"cp1258.txt", cp1258(vietnamese), vietnamese, 1},
		{"crlf.txt", []byte(strings.ReplaceAll(vietnamese, "\n", "\r\n")), vietnamese, 1},
		{"dài.txt", []byte(long), long, 0},
		{"two sheets.txt", []byte("Trang một\fTrang hai"), "Trang một Trang hai", 2},
	}
	c := New(Config{})
	defer c.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeFile(t, filepath.Join(t.TempDir(), tt.name), tt.data)
			res := c.ConvertFile(context.Background(), in, Options{})
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			pages := pdfPages(t, res.Output)
			if pages != res.Pages || (tt.wantPages > 0 && pages != tt.wantPages) || (tt.wantPages == 0 && pages < 2) {
				t.Errorf("pages: pdfinfo %d, result %d, want %d", pages, res.Pages, tt.wantPages)
			}
			// Equal modulo white space: wrapping, tabs and page breaks.
			if got, want := squash(pdfText(t, res.Output)), squash(tt.want); got != want {
				t.Errorf("extracted text differs\n got: %q\nwant: %q", got, want)
			}
		})
	}
}

func TestDecodeTextIsNFC(t *testing.T) {
	got, err := decodeText([]byte(norm.NFD.String("Việt Nam")))
	if err != nil || got != "Việt Nam" || !norm.NFC.IsNormalString(got) {
		t.Fatalf("decodeText = %q, %v", got, err)
	}
}

// Characters DejaVu Sans lacks are shown as U+FFFD and reported, never
// dropped silently.
func TestTextMissingGlyphs(t *testing.T) {
	in := writeFile(t, filepath.Join(t.TempDir(), "lẫn chữ.txt"), []byte("Việt 漢字 và 😀 hết"))
	c := New(Config{})
	defer c.Close()
	res := c.ConvertFile(context.Background(), in, Options{})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got, want := squash(pdfText(t, res.Output)), "Việt \uFFFD\uFFFD và \uFFFD hết"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "3 characters") || !strings.Contains(res.Warnings[0], "U+1F600") {
		t.Errorf("warnings %q", res.Warnings)
	}
}
