package pdfconv

import (
	"errors"
	"testing"
)

// Word, Excel and PowerPoint each get their own "no dialog" value; --pdfa
// reaches Word and PowerPoint and is refused for Excel, which cannot write
// PDF/A through automation.
func TestMSOfficeJob(t *testing.T) {
	tests := []struct {
		k      kind
		pdfa   bool
		prog   string
		alerts any
		err    error
	}{
		{kindWriter, true, "Word.Application", int32(0), nil},
		{kindWebWriter, false, "Word.Application", int32(0), nil},
		{kindCalc, false, "Excel.Application", false, nil},
		{kindCalc, true, "", nil, ErrUnsupported},
		{kindWebCalc, true, "", nil, ErrUnsupported},
		{kindImpress, true, "PowerPoint.Application", int32(1), nil},
		{kindImpress, false, "PowerPoint.Application", int32(1), nil},
		{kindText, false, "", nil, ErrUnsupported},
	}
	for _, tt := range tests {
		job, err := msOfficeJob(tt.k, Options{PDFA: tt.pdfa})
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("kind %d pdfa %v: err %v, want %v", tt.k, tt.pdfa, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if job.prog != tt.prog || job.alertsNone != tt.alerts || job.pdfa != tt.pdfa || job.image == "" {
			t.Errorf("kind %d pdfa %v: %+v", tt.k, tt.pdfa, job)
		}
	}
	if msoAutomationSecurityForceDisable != 3 {
		t.Fatal("msoAutomationSecurityForceDisable must be 3")
	}
}

// The Office process to kill is the one that appeared, and only when
// exactly one did.
func TestNewPID(t *testing.T) {
	for _, tt := range []struct {
		before, after []uint32
		want          uint32
	}{
		{nil, []uint32{40}, 40},
		{[]uint32{7, 9}, []uint32{9, 7, 12}, 12},
		{[]uint32{7}, []uint32{7}, 0},
		{[]uint32{7}, []uint32{7, 12, 13}, 0},
		{[]uint32{7}, nil, 0},
	} {
		if got := newPID(tt.before, tt.after); got != tt.want {
			t.Errorf("newPID(%v, %v) = %d, want %d", tt.before, tt.after, got, tt.want)
		}
	}
}
