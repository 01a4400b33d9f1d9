package app

import (
	"os"
	"testing"

	"thucongvu/internal/browserpage"
)

// A page opened in the browser is deleted when the client closes.
func TestCloseRemovesBrowserPages(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := newServices(t)
	path, err := browserpage.Write(browserpage.Page("Công văn", "<p>Kính gửi</p>", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s left after Close: %v", path, err)
	}
}
