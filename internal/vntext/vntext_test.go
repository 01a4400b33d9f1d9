package vntext

import "testing"

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
