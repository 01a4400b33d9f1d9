package vntext

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Văn Bản", "van ban"},
		{"CHUYỂN ĐỔI SỐ", "chuyen doi so"},
		{"Đã nhận được văn bản", "da nhan duoc van ban"},
		{"Tuyệt mật", "tuyet mat"},
		{"plain ASCII", "plain ascii"},
		{"Hà Nam", "ha nam"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNFC(t *testing.T) {
	decomposed := "Vie\u0302\u0323t" // "Việt" as e + circumflex + dot below
	if got := NFC(decomposed); got != "Việt" {
		t.Fatalf("NFC(%q) = %q", decomposed, got)
	}
}

// The table path folds like full decomposition does, on every letter of
// the Vietnamese alphabet in both cases and on decomposed input.
func TestFoldMatchesDecomposition(t *testing.T) {
	letters := "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
	want := strings.Repeat("a", 18) + "bcdd" + strings.Repeat("e", 12) + "gh" + strings.Repeat("i", 6) + "klmn" + strings.Repeat("o", 18) + "pqrst" + strings.Repeat("u", 12) + "vx" + strings.Repeat("y", 6)
	if got := Fold(letters); got != want {
		t.Fatalf("Fold(lower) = %q", got)
	}
	if got := Fold(strings.ToUpper(letters)); got != want {
		t.Fatalf("Fold(upper) = %q", got)
	}
	if got := Fold(norm.NFD.String("Nguyễn Thị Thanh Hà")); got != "nguyen thi thanh ha" {
		t.Fatalf("decomposed: %q", got)
	}
	if got := Fold("Ελληνικά 中文 ß"); got != "ελληνικα 中文 ß" {
		t.Fatalf("other scripts: %q", got)
	}
}

func BenchmarkFold(b *testing.B) {
	s := strings.Repeat("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông đề nghị. ", 100)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Fold(s)
	}
}
