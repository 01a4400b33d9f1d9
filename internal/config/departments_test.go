package config

import (
	"strings"
	"testing"

	"thucongvu/internal/model"
)

// TestPolicyDepartments (R8): the department list for "Chuyển xử lý" reads
// from lines (REG_MULTI_SZ, a JSON list) and from one ';'-separated line
// (REG_SZ, an MSI property); departments are found by name without regard
// to case and diacritics.
func TestPolicyDepartments(t *testing.T) {
	want := []model.Address{{Name: "Phòng Bưu chính Viễn thông", Address: "bcvt@hanam.gov.vn"}, {Name: "Văn phòng Sở", Address: "vanphong@hanam.gov.vn"}}
	for _, raw := range []string{
		"Phòng Bưu chính Viễn thông <BCVT@hanam.gov.vn>\nVăn phòng Sở <vanphong@hanam.gov.vn>",
		"Phòng Bưu chính Viễn thông <bcvt@hanam.gov.vn>; Văn phòng Sở <vanphong@hanam.gov.vn>;",
		"\"Phòng Bưu chính Viễn thông\" <bcvt@hanam.gov.vn>\r\n\r\nVăn phòng Sở <vanphong@hanam.gov.vn>",
	} {
		p := policyFromValues("test", map[string]string{"Departments": raw})
		if len(p.Problems) != 0 || !p.Locked(SettingDepartments) || len(p.Departments) != 2 || p.Departments[0] != want[0] || p.Departments[1] != want[1] {
			t.Fatalf("%q: %+v problems %q", raw, p.Departments, p.Problems)
		}
		if d, ok := p.Department("van phong so"); !ok || d != want[1] {
			t.Errorf("by folded name: %+v %v", d, ok)
		}
		if _, ok := p.Department("Phòng Tổ chức"); ok {
			t.Error("an unknown department was found")
		}
	}
	for _, bad := range []string{"bcvt@hanam.gov.vn", "Phòng BCVT <not an address>", "Phòng A <a@x.vn>\nPHÒNG A <b@x.vn>",
		strings.Repeat("P <p@x.vn>;", maxDepartments+1)} {
		p := policyFromValues("test", map[string]string{"departments": bad})
		if p.Departments != nil || p.Has("Departments") || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "Departments") {
			t.Errorf("%.60q: %+v problems %q", bad, p.Departments, p.Problems)
		}
	}
	var none *Policy
	if _, ok := none.Department("Văn phòng Sở"); ok {
		t.Error("no policy has no department")
	}
}
