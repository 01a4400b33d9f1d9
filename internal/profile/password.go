package profile

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckPassword returns the ways pw breaks p's password rule (R6), in
// Vietnamese, one sentence each with its article; none means it complies.
// Only the rules about the password itself are checked, not its age.
func (p Profile) CheckPassword(pw string) []string {
	r := p.Password
	var out []string
	if n := utf8.RuneCountInString(pw); n < r.MinLength.Value {
		out = append(out, fmt.Sprintf("Mật khẩu phải có ít nhất %d ký tự (hiện có %d) — %s.", r.MinLength.Value, n, r.MinLength.Source))
	}
	var upper, lower, digit, special bool
	for _, c := range pw {
		switch {
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsLower(c):
			lower = true
		case unicode.IsDigit(c):
			digit = true
		case r.Specials != "" && strings.ContainsRune(r.Specials, c):
			special = true
		case r.Specials == "" && (unicode.IsPunct(c) || unicode.IsSymbol(c)):
			special = true
		}
	}
	if r.RequireUpper.Value && !upper {
		out = append(out, "Mật khẩu phải có chữ in hoa — "+r.RequireUpper.Source+".")
	}
	if r.RequireLower.Value && !lower {
		out = append(out, "Mật khẩu phải có chữ in thường — "+r.RequireLower.Source+".")
	}
	if r.RequireDigit.Value && !digit {
		out = append(out, "Mật khẩu phải có ít nhất một chữ số — "+r.RequireDigit.Source+".")
	}
	if r.RequireSpecial.Value && !special {
		set := r.Specials
		if set == "" {
			set = "!@#%$*&"
		}
		out = append(out, fmt.Sprintf("Mật khẩu phải có ký tự đặc biệt (%s) — %s.", spaced(set), r.RequireSpecial.Source))
	}
	return out
}

func spaced(s string) string {
	return strings.Join(strings.Split(s, ""), " ")
}
