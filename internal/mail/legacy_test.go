package mail

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// win1252 reads legacy-font bytes the way a mail client does when the
// message says charset=windows-1252.
func win1252(t *testing.T, b string) string {
	t.Helper()
	s, err := charmap.Windows1252.NewDecoder().String(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// encodeTCVN3 writes Unicode text in the TCVN3 (ABC) font encoding.
func encodeTCVN3(s string) string {
	rev := map[rune]byte{}
	for b, r := range tcvn3 {
		rev[r] = b
	}
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, ok := rev[r]; ok {
			out = append(out, b)
		} else if b, ok := rev[[]rune(strings.ToLower(string(r)))[0]]; ok && r > 0x7F {
			out = append(out, b) // ABC capitals come from the .VnTimeH font
		} else {
			out = append(out, string(r)...)
		}
	}
	return string(out)
}

func TestLegacyIndependentFixtures(t *testing.T) {
	tests := []struct {
		name, in, enc, want string
	}{
		// Bytes from glibc iconv -t TCVN5712-1, read as Windows-1252.
		{"tcvn3 iconv", "\xa7\xb7 nh\xcbn \xae\xad\xeec v\xa8n b\xb6n", LegacyTCVN3, "Đã nhận được văn bản"},
		{"tcvn3 VnTimeH capital", "\xf1y ban nh\xa9n d\xa9n t\xd8nh H\xb5 Nam", LegacyTCVN3, "ủy ban nhân dân tỉnh Hà Nam"},
		// VNI-Windows keyboard output.
		{"vni", "\xd1a\xf5 nha\xe4n \xf1\xf6\xf4\xefc va\xean ba\xfbn", LegacyVNI, "Đã nhận được văn bản"},
		{"vni capital", "U\xdby ban nha\xe2n da\xe2n t\xe6nh Ha\xf8 Nam", LegacyVNI, "Ủy ban nhân dân tỉnh Hà Nam"},
		{"vni upper", "CO\xc2NG VA\xcaN S\xd4\xdb", LegacyVNI, "CÔNG VĂN SỞ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc := DecodeLegacy(win1252(t, tt.in))
			if enc != tt.enc || got != tt.want {
				t.Errorf("DecodeLegacy = %q, %q; want %q, %q", got, enc, tt.want, tt.enc)
			}
		})
	}
}

var vietSentences = []string{
	"Đã nhận được văn bản",
	"Ủy ban nhân dân tỉnh Hà Nam",
	"Kính gửi các sở, ban, ngành và ủy ban nhân dân các huyện, thành phố",
	"Sở Thông tin và Truyền thông đề nghị các đơn vị báo cáo kết quả thực hiện trước ngày 15 tháng 11",
	"Giấy mời họp giao ban tuần, thời gian: 8 giờ 00 phút, địa điểm: phòng họp số 2",
	"Quyết định về việc ban hành quy chế quản lý, sử dụng hệ thống thư điện tử công vụ.",
	"Anh đi đâu? Em ở nhà.",
}

func TestLegacyRoundTrip(t *testing.T) {
	encoders := map[string]func(string) string{
		LegacyTCVN3: func(s string) string { return encodeTCVN3(strings.ToLower(s)) },
		LegacyVIQR:  encodeVIQR,
	}
	for enc, encode := range encoders {
		for _, s := range vietSentences {
			t.Run(enc+"/"+s[:12], func(t *testing.T) {
				in := encode(s)
				if enc == LegacyTCVN3 {
					in = win1252(t, in)
				}
				want := s
				if enc == LegacyTCVN3 {
					want = strings.ToLower(s)
				}
				got, gotEnc := DecodeLegacy(in)
				if gotEnc != enc || got != want {
					t.Errorf("DecodeLegacy(%q) = %q, %q; want %q", in, got, gotEnc, want)
				}
			})
		}
	}
}

// encodeVIQR writes Unicode Vietnamese in VIQR (RFC 1456).
func encodeVIQR(s string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch r {
		case 'đ':
			sb.WriteString("dd")
		case 'Đ':
			sb.WriteString("DD")
		case '\u0302':
			sb.WriteByte('^')
		case '\u0306':
			sb.WriteByte('(')
		case '\u031B':
			sb.WriteByte('+')
		case toneAcute:
			sb.WriteByte('\'')
		case toneGrave:
			sb.WriteByte('`')
		case toneHook:
			sb.WriteByte('?')
		case toneTilde:
			sb.WriteByte('~')
		case toneDot:
			sb.WriteByte('.')
		default:
			sb.WriteRune(r)
		}
	}
	// NFD puts the dot below before the circumflex: VIQR wants shape first.
	out := sb.String()
	for _, shape := range []string{"^", "(", "+"} {
		for _, tone := range []string{".", "'", "`", "?", "~"} {
			out = strings.ReplaceAll(out, tone+shape, shape+tone)
		}
	}
	return out
}

func TestLegacyNoMisfire(t *testing.T) {
	for _, s := range append(vietSentences,
		"Cà phê có ngon không? Tôi ở Hà Nội.",
		"Xin chào, tôi là Nguyễn Văn An. Số điện thoại: 0912 345 678.",
		"Da nhan duoc van ban, cam on anh.",
		"Anh co khoe khong?",
		"I'm at the office at 9 a.m. Is it ok? Yes, it's fine.",
		"What? Who's there? It's me, John. Don't worry.",
		"La réunion aura lieu à Paris, salle Molière, à 14h. Très bien, à bientôt!",
		"El año pasado, señor García visitó Córdoba.",
		"Grüße aus München, schöne Tage. Straße.",
		"if (x > 0) { y = a.b; } else { z = c?d:e; }",
		"https://mail.hanam.gov.vn/owa/?ae=Item&t=IPM.Note",
		"“Quoted” text – with dashes — and … ellipsis ™",
		"",
	) {
		if got, enc := DecodeLegacy(s); enc != "" || got != norm.NFC.String(s) {
			t.Errorf("DecodeLegacy(%q) = %q, %q; want unchanged", s, got, enc)
		}
	}
}

func TestLegacyKeepsUnicodeLines(t *testing.T) {
	in := win1252(t, encodeTCVN3("đã nhận được văn bản số 12 của sở nội vụ")) + "\n--\nNguyễn Văn Á, Phó Giám đốc Sở"
	got, enc := DecodeLegacy(in)
	want := "đã nhận được văn bản số 12 của sở nội vụ\n--\nNguyễn Văn Á, Phó Giám đốc Sở"
	if enc != LegacyTCVN3 || got != want {
		t.Errorf("got %q, %q", got, enc)
	}
}

func TestValidSyllable(t *testing.T) {
	for _, w := range []string{"được", "người", "nghiêng", "quốc", "gì", "giữ", "khuya", "Ủy", "tỉnh", "hoàng", "xoong", "a", "yêu", "huynh", "thuở"} {
		if !validSyllable(w) {
			t.Errorf("validSyllable(%q) = false", w)
		}
	}
	for _, w := range []string{"nhËn", "v¨n", "the1", "tàt", "ảc", "xyz", "ăn̉", "office", "qua'", "ẹg", "", "bbb"} {
		if validSyllable(w) {
			t.Errorf("validSyllable(%q) = true", w)
		}
	}
}
