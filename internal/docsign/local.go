package docsign

import (
	"fmt"
	"path/filepath"
	"time"
)

// UserRootsDir is the per-user folder of trusted roots (`thucongvu trust
// add`), for PCs that no machine policy sets up.
func UserRootsDir(home string) string { return filepath.Join(home, "trust") }

// LocalTrust loads the roots of the machine policy's folder (may be empty)
// and of the user's folder.
func LocalTrust(home, policyDir string) (*TrustStore, []string) {
	return LoadTrustStore(policyDir, UserRootsDir(home))
}

// vietnam is UTC+07:00 (Vietnam has no daylight saving time), fixed so that
// no time-zone database is needed.
var vietnam = time.FixedZone("+07", 7*3600)

// VNTime formats t as the reader shows it: "09:30:00 01/12/2026 +07:00".
func VNTime(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.In(vietnam).Format("15:04:05 02/01/2006 -07:00")
}

// Describe is the one-line account of a signature, e.g. "Nguyễn Văn A ·
// Sở TT&TT tỉnh Long An · 09:30:00 01/12/2026 +07:00 · hợp lệ", with the
// state and the "signer's clock" note already translated.
func Describe(s Signature, state, signerClock string) string {
	who := s.Signer
	if who == "" {
		who = "?"
	}
	line := who
	if s.Organization != "" && s.Organization != s.Signer {
		line += " · " + s.Organization
	}
	when := VNTime(s.SignedAt)
	if s.TimeSource != TimeFromTimestamp && !s.SignedAt.IsZero() {
		when += " " + signerClock
	}
	if !s.SignedAt.IsZero() {
		line += " · " + when
	}
	return fmt.Sprintf("%s · %s", line, state)
}
