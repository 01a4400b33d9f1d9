//go:build !windows

package config

import (
	"os"
	"path/filepath"
	"testing"
)

// The Linux policy file gives the departments as a JSON list.
func TestPolicyFileDepartments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(`{"Departments": ["Phòng Bưu chính Viễn thông <bcvt@hanam.gov.vn>", "Thanh tra Sở <thanhtra@hanam.gov.vn>"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := loadPolicyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Departments) != 2 || p.Departments[1].Name != "Thanh tra Sở" || p.Departments[1].Address != "thanhtra@hanam.gov.vn" || len(p.Problems) != 0 {
		t.Fatalf("%+v problems %q", p.Departments, p.Problems)
	}
}
