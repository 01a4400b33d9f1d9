package app

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/ui"
)

// The window's agency duties over the store (R8, R10, HN 9.2): the
// register, a correction, its export, the report with its charts and the
// leader's overview, offline.
func TestAgencyServicesOffline(t *testing.T) {
	s := newServices(t)
	list, err := s.Register(ui.RegisterQuery{})
	if err != nil || len(list) != 1 || list[0].Number != 1 || list[0].Summary != "Công văn số 1" || list[0].State != "new" {
		t.Fatalf("register: %+v %v", list, err)
	}
	if err := s.CorrectRegister(list[0], "doc_number", "7/UBND-VP"); err != nil {
		t.Fatal(err)
	}
	if err := s.CorrectRegister(list[0], "doc_date", "2026-02-31"); !errors.Is(err, failure.ErrUsage) {
		t.Errorf("a malformed date: %v", err)
	}
	if list, _ = s.Register(ui.RegisterQuery{Text: "cong van so"}); len(list) != 1 || list[0].DocNumber != "7/UBND-VP" {
		t.Fatalf("after the correction, searched without diacritics: %+v", list)
	}
	if list, _ = s.Register(ui.RegisterQuery{Direction: "out"}); len(list) != 0 {
		t.Errorf("outgoing: %+v", list)
	}
	dir := t.TempDir()
	if err := s.ExportRegister(ui.RegisterQuery{}, filepath.Join(dir, "so.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := s.ExportRegister(ui.RegisterQuery{}, filepath.Join(dir, "missing", "so.xlsx")); err == nil {
		t.Error("an export into a missing folder succeeded")
	}
	year := fmt.Sprint(time.Now().Year())
	rep, err := s.UsageReport("", year)
	if err != nil || len(rep.Charts) != 3 || len(rep.Lines) < 10 || rep.Lines[1][1] != "1" {
		t.Fatalf("report: %+v %v", rep, err)
	}
	for i, png := range rep.Charts {
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("chart %d is no PNG", i)
		}
	}
	if err := s.ExportReport("", year, filepath.Join(dir, "bc.pdf")); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, "bc.pdf")); !bytes.HasPrefix(raw, []byte("%PDF")) {
		t.Error("the report PDF is no PDF")
	}
	if err := s.ExportReport("", year, filepath.Join(dir, "bc.txt")); !errors.Is(err, failure.ErrUsage) {
		t.Errorf("a .txt report: %v", err)
	}
	ov, err := s.Overview()
	if err != nil || len(ov.Today) != 1 || len(ov.Unacked) != 1 || len(ov.Overdue) != 0 || ov.NextCheck.IsZero() {
		t.Fatalf("overview: %+v %v", ov, err)
	}
}
