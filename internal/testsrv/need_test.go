package testsrv

import (
	"testing"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of
// stopping the goroutine.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skipf(string, ...any)         { r.skipped = true }
func (r *recorder) Fatalf(string, ...any)        { r.failed = true }
func (r *recorder) Setenv(k, v string)           {}
func (r *recorder) Cleanup(func())               {}
func (r *recorder) Logf(format string, a ...any) {}

func TestNeed(t *testing.T) {
	tests := []struct {
		name        string
		ci          string
		tools       []string
		skip, fatal bool
	}{
		{"present", "", []string{"sh", "/bin/sh"}, false, false},
		{"present on CI", "true", []string{"sh"}, false, false},
		{"missing", "", []string{"sh", "no-such-tool-tcv"}, true, false},
		{"missing path", "", []string{"/no/such/file"}, true, false},
		{"missing on CI", "true", []string{"no-such-tool-tcv"}, false, true},
		{"CI=false is not CI", "false", []string{"no-such-tool-tcv"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			r := &recorder{}
			Need(r, tt.tools...)
			if r.skipped != tt.skip || r.failed != tt.fatal {
				t.Errorf("skipped %v failed %v, want %v %v", r.skipped, r.failed, tt.skip, tt.fatal)
			}
		})
	}
}
