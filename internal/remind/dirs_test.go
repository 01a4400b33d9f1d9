package remind

import (
	"os"
	"path/filepath"
	"testing"
)

// Agency IT drops the government's arrangement for a year into a folder:
// it replaces the embedded one; a missing folder changes nothing.
func TestArrangementDirs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "2026.json"), []byte(`{"year": 2026, "sources": ["Thông báo giả định của Bộ Nội vụ"],
		"days_off": [{"date": "2026-09-04", "name": "Nghỉ hoán đổi dịp Quốc khánh"}],
		"working_days": [{"date": "2026-09-12", "name": "Làm bù cho thứ Sáu 04/9"}]}`), 0o644)
	c, err := NewCalendar(&Options{ArrangementDirs: []string{filepath.Join(dir, "khong-co"), dir}})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(NewDate(2026, 9, 4)) || !c.IsWorkingDay(NewDate(2026, 9, 12)) {
		t.Fatal("the arrangement from IT's folder was not applied")
	}
	plain, _ := NewCalendar(nil)
	if !plain.IsWorkingDay(NewDate(2026, 9, 4)) || plain.IsWorkingDay(NewDate(2026, 9, 12)) {
		t.Fatal("the embedded 2026 changed")
	}
	os.WriteFile(filepath.Join(dir, "2027.json"), []byte(`{"year": 2027, "days_off": [{"date": "2026-01-01"}]}`), 0o644)
	if _, err := NewCalendar(&Options{ArrangementDirs: []string{dir}}); err == nil {
		t.Fatal("a date outside its year was accepted")
	}
}
