package profile_test

import (
	"fmt"

	"thucongvu/internal/profile"
)

func ExampleForDomain() {
	p := profile.ForDomain("ubndkb.hanam.gov.vn")
	fmt.Println(p.ID, p.Server.Value)
	fmt.Println(p.MaxAttachmentBytes.Value/profile.MiB, "MiB —", p.MaxAttachmentBytes.Source)
	fmt.Println(p.Checks.Times.Value, "—", p.Checks.Times.Source)
	// Output:
	// hanam mail.hanam.gov.vn
	// 20 MiB — HN 8.1.b
	// [07:30 13:30] — HN 9.2 (đầu buổi sáng, đầu buổi chiều)
}

func ExampleProfile_CheckPassword() {
	p, _ := profile.ByID("hanam")
	for _, v := range p.CheckPassword("matkhau1") {
		fmt.Println(v)
	}
	// Output:
	// Mật khẩu phải có chữ in hoa — HN 8.2.b.
	// Mật khẩu phải có ký tự đặc biệt (! @ # % $ * &) — HN 8.2.b.
}
