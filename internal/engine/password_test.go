package engine

import (
	"strings"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// R6 (HN 8.2): the profile's password rule and its age are advised.
func TestPasswordAdvice(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	a := model.Account{Email: "vanthu@hanam.gov.vn", Profile: "hanam", PasswordSet: now.Add(-24 * time.Hour)}
	if got := PasswordAdvice(a, "Hn@2026abc", now); len(got) != 0 {
		t.Fatalf("a good, fresh password: %v", got)
	}
	if got := PasswordAdvice(a, "matkhau", now); len(got) < 3 {
		t.Fatalf("a weak password: %v", got)
	}
	a.PasswordSet = now.Add(-200 * 24 * time.Hour)
	got := PasswordAdvice(a, "", now)
	if len(got) != 1 || !strings.Contains(got[0], "đổi mật khẩu") {
		t.Fatalf("an old password: %v", got)
	}
}
