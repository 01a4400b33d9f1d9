//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// THUCONGVU_POLICY is honoured only for a file ordinary users cannot write
// or replace; otherwise it sets nothing and Problems says why.
func TestPolicyEnvNeedsRootOnlyFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to make root-owned and user-owned files")
	}
	const body = `{"IMAPHost": "mail.hanam.gov.vn"}`
	tests := []struct {
		name  string
		setup func(dir, file string)
		why   string // "" means honoured
	}{
		{"root-owned 0644 in a root folder 0755", func(dir, file string) {}, ""},
		{"sticky world-writable folder", func(dir, file string) { os.Chmod(dir, os.ModeSticky|0o777) }, ""},
		{"owned by an ordinary user", func(dir, file string) { os.Chown(file, 65534, 65534) }, "owned by uid 65534"},
		{"writable by others", func(dir, file string) { os.Chmod(file, 0o666) }, "writable by group or others"},
		{"writable by group", func(dir, file string) { os.Chmod(file, 0o664) }, "writable by group or others"},
		{"folder writable by others", func(dir, file string) { os.Chmod(dir, 0o777) }, "its folder is writable"},
		{"folder owned by an ordinary user", func(dir, file string) { os.Chown(dir, 65534, 65534) }, "its folder is owned by uid 65534"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "etc")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			os.Chmod(dir, 0o755)
			file := filepath.Join(dir, "policy.json")
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chmod(file, 0o644)
			tt.setup(dir, file)
			t.Setenv(PolicyEnv, file)
			p, err := LoadPolicy()
			if err != nil {
				t.Fatal(err)
			}
			if tt.why == "" {
				if p.Source != file || !p.Locked(SettingIMAPHost) || len(p.Problems) != 0 {
					t.Fatalf("trusted file not honoured: %+v", p)
				}
				return
			}
			if p.Source == file || p.Locked(SettingIMAPHost) {
				t.Fatalf("untrusted file honoured: %+v", p)
			}
			if len(p.Problems) == 0 || !strings.Contains(p.Problems[0], PolicyEnv) || !strings.Contains(p.Problems[0], tt.why) {
				t.Fatalf("problems %q, want one naming %s and %q", p.Problems, PolicyEnv, tt.why)
			}
		})
	}
}
