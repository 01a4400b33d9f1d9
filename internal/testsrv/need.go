package testsrv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Need skips the test when one of the named programs is not installed, or
// fails it when the environment variable CI is "true": on CI every real
// component must be present. A name containing a slash is checked as a path.
func Need(tb testing.TB, tools ...string) {
	tb.Helper()
	var missing []string
	for _, t := range tools {
		if strings.Contains(t, "/") {
			if _, err := os.Stat(t); err != nil {
				missing = append(missing, t)
			}
			continue
		}
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("testsrv: missing %s (required when CI=true)", strings.Join(missing, ", "))
		return
	}
	tb.Skipf("testsrv: missing %s", strings.Join(missing, ", "))
}

// needRoot skips (or fails on CI) when the process is not root: Dovecot and
// Postfix must start as root to switch to their own users.
func needRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("testsrv: mail servers need root (CI=true)")
		return
	}
	tb.Skipf("testsrv: mail servers need root")
}
