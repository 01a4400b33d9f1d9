package engine

import "testing"

// R9: the list marks as documents the mail a trusted sender names as one,
// attachment or not.
func TestNamesDocument(t *testing.T) {
	for _, tc := range []struct {
		from, subject string
		want          bool
	}{
		{"vpubnd@hanam.gov.vn", "Lịch công tác tuần 48 của Thường trực UBND tỉnh", true},
		{"snv@longan.gov.vn", "Thông báo kết luận cuộc họp", true},
		{"vpubnd@hanam.gov.vn", "Hỏi thăm sức khoẻ", false},
		{"canbo@gmail.com", "Lịch công tác tuần", false},
	} {
		if got := namesDocument(tc.from, tc.subject); got != tc.want {
			t.Errorf("namesDocument(%q, %q) = %v", tc.from, tc.subject, got)
		}
	}
}
