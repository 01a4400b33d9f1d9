package testsrv

import (
	"os"
	"path/filepath"
	"testing"
)

// Every user's INBOX is on disk before any login or delivery, also for a
// user added later: the first LMTP delivery and a client's first SELECT
// never race Dovecot's creation of it.
func TestDovecotInboxesExistFromTheStart(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: map[string]string{"vanthu@hanam.gov.vn": "Vt#2026abc"}})
	d.AddUser(t, "ketoan@hanam.gov.vn", "Kt#2026abc")
	for _, u := range []string{"vanthu@hanam.gov.vn", "ketoan@hanam.gov.vn"} {
		if _, err := os.Stat(filepath.Join(d.Dir, "home", u, "Maildir", "cur")); err != nil {
			t.Fatalf("INBOX of %s: %v", u, err)
		}
	}
}
