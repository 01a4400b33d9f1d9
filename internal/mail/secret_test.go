package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretMarking(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// Stamps alone on a line.
		{"MẬT", SecretMat},
		{"Mật", SecretMat},
		{"mật", SecretMat},
		{"TỐI MẬT", SecretToiMat},
		{"Tuyệt mật", SecretTuyetMat},
		{"  *** TỐI MẬT ***  ", SecretToiMat},
		{"- MẬT -", SecretMat},
		{"Kính gửi: Sở Nội vụ\nMẬT\nBáo cáo tình hình", SecretMat},
		// Brackets and quotes.
		{"[MẬT] Báo cáo tình hình an ninh", SecretMat},
		{"Kế hoạch (Tối mật) năm 2024", SecretToiMat},
		{"«TUYỆT MẬT» Phương án tác chiến", SecretTuyetMat},
		{"Re: [TỐI MẬT] Kế hoạch", SecretToiMat},
		{"Tài liệu \"mật\" kèm theo", SecretMat},
		// Label.
		{"Độ mật: Mật", SecretMat},
		{"ĐỘ MẬT: TUYỆT MẬT", SecretTuyetMat},
		{"Độ khẩn: Hỏa tốc. Độ mật: Tối mật.", SecretToiMat},
		{"Mức độ mật: Tối mật", SecretToiMat},
		{"Do mat: Toi mat", SecretToiMat},
		// Head of a line or subject, before a separator.
		{"MẬT - Kế hoạch phòng chống lụt bão", SecretMat},
		{"Mật: kế hoạch phòng thủ", SecretMat},
		{"Fwd: TUYỆT MẬT: danh sách", SecretTuyetMat},
		// Upper case among lower case; no diacritics.
		{"Gửi anh tài liệu MẬT để xem trước", SecretMat},
		{"Tai lieu MAT, khong pho bien", SecretMat},
		{"[MAT] Bao cao quy 3", SecretMat},
		{"TOI MAT", SecretToiMat},
		{"tuyet mat", SecretTuyetMat},
		{"Văn bản này thuộc loại tối mật, không gửi qua thư điện tử.", SecretToiMat},
		{"Đây là hồ sơ tuyệt mật", SecretTuyetMat},
		{"MẬT\nTUYỆT MẬT", SecretTuyetMat},

		// Ordinary words that contain mật.
		{"Vui lòng không chia sẻ mật khẩu với người khác.", ""},
		{"Mật khẩu: Abc@1234", ""},
		{"MẬT KHẨU", ""},
		{"Đổi mật khẩu định kỳ 3 tháng một lần", ""},
		{"Công ty cam kết giữ bí mật kinh doanh của khách hàng.", ""},
		{"Mật ong rừng U Minh", ""},
		{"Mật ong: 200.000 đồng", ""},
		{"Cảm ơn anh, chúng ta là bạn thân mật.", ""},
		{"Quan hệ mật thiết giữa hai đơn vị", ""},
		{"Tăng cường bảo mật thông tin trong cơ quan nhà nước", ""},
		{"BẢO MẬT THÔNG TIN", ""},
		{"Chính sách bảo mật", ""},
		{"[Mật khẩu] đã thay đổi", ""},
		{"(mật ong)", ""},
		{"Độ mật: Thường", ""},
		{"Độ mật: Không", ""},
		{"Mặt trận Tổ quốc Việt Nam", ""},
		{"MẶT TRẬN", ""},
		{"Tôi bị mất ví hôm qua", ""},
		{"toi mat vi hom qua", ""},
		{"Khám MẮT miễn phí", ""},
		{"Trời mát", ""},
		{"Buổi tối mật ong pha chanh", ""},
		{"Bí mật", ""},
		{"The format of the MATLAB file", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SecretMarking(tt.in); got != tt.want {
			t.Errorf("SecretMarking(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretInFilename(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"BC_MAT_2024.pdf", SecretMat},
		{"TOI-MAT_ke_hoach.docx", SecretToiMat},
		{"TUYỆT MẬT - Phương án.pdf", SecretTuyetMat},
		{"[MAT] bao cao.pdf", SecretMat},
		{"Kế hoạch (Mật).docx", SecretMat},
		{"MAT_KHAU.txt", ""},
		{"bao_mat_thong_tin.pdf", ""},
		{"Bảo mật thông tin.pdf", ""},
		{"mat_ong.jpg", ""},
		{"format.pdf", ""},
		{"CV_123_UBND.pdf", ""},
	}
	for _, tt := range tests {
		if got := SecretInFilename(tt.in); got != tt.want {
			t.Errorf("SecretInFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStrongest(t *testing.T) {
	if got := Strongest("", SecretMat, SecretTuyetMat, SecretToiMat); got != SecretTuyetMat {
		t.Errorf("Strongest = %q", got)
	}
	if got := Strongest(); got != "" {
		t.Errorf("Strongest() = %q", got)
	}
}

// corpus reads a testdata corpus: one case a line, # comments.
func corpus(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "secret", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestSecretCorpusNegative: ordinary words holding mật never block (R7).
func TestSecretCorpusNegative(t *testing.T) {
	for _, l := range corpus(t, "negative.txt") {
		if got := SecretMarking(l); got != "" {
			t.Errorf("SecretMarking(%q) = %q, want none", l, got)
		}
	}
}

// TestSecretCorpusPositive: stamps as officers type them always block (R7).
func TestSecretCorpusPositive(t *testing.T) {
	for _, l := range corpus(t, "positive.txt") {
		want, text, ok := strings.Cut(l, "\t")
		if !ok {
			t.Fatalf("corpus line without a tab: %q", l)
		}
		if got := SecretMarking(text); got != want {
			t.Errorf("SecretMarking(%q) = %q, want %q", text, got, want)
		}
	}
}
