package motw

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestMark: the file keeps its content; on Windows its Zone.Identifier
// stream says zone 3, elsewhere nothing else is written beside it.
func TestMark(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bao-cao.docx")
	if err := os.WriteFile(path, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Mark(path); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "PK" {
		t.Fatalf("content after Mark: %q %v", b, err)
	}
	if runtime.GOOS == "windows" {
		b, err := os.ReadFile(path + ":Zone.Identifier")
		if err != nil || string(b) != "[ZoneTransfer]\r\nZoneId=3\r\n" {
			t.Fatalf("Zone.Identifier: %q %v", b, err)
		}
		return
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files beside the marked one", len(entries))
	}
}
