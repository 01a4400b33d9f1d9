package ui

import (
	"os"
	"testing"
)

// TestMain runs the window's background updates as Fyne's own thread would:
// by Wait, on the goroutine that drives the window.
func TestMain(m *testing.M) {
	QueueUpdates()
	os.Exit(m.Run())
}
