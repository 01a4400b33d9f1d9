package register

import (
	"errors"
	"testing"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// R8: a forward for processing names departments of the machine policy or
// addresses; anything else is a usage error.
func TestAssigneesR8DepartmentsAndAddresses(t *testing.T) {
	p := &config.Policy{Departments: []model.Address{{Name: "Phòng Bưu chính Viễn thông", Address: "bcvt@hanam.gov.vn"},
		{Name: "Văn phòng Sở", Address: "vanphong@hanam.gov.vn"}}}
	got, err := Assignees(p, []string{"phong buu chinh vien thong", " Nguyễn Văn An <An@hanam.gov.vn>", "bcvt@hanam.gov.vn", "Văn phòng Sở"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Phòng Bưu chính Viễn thông bcvt@hanam.gov.vn", "Nguyễn Văn An an@hanam.gov.vn", "Văn phòng Sở vanphong@hanam.gov.vn"}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, a := range got {
		if a.Name+" "+a.Address != want[i] {
			t.Errorf("%d: %+v, want %s", i, a, want[i])
		}
	}
	if _, err := Assignees(p, []string{"Phòng Tổ chức"}); !errors.Is(err, failure.ErrUsage) {
		t.Errorf("an unknown department: %v", err)
	}
	if got, err := Assignees(nil, []string{"a@hanam.gov.vn"}); err != nil || len(got) != 1 {
		t.Errorf("without policy: %+v %v", got, err)
	}
}
