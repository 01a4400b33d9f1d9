package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The OpenGL probe makes a real context on a hidden window: under the
// Windows lane (Wine on Xvfb, Mesa llvmpipe) it reads a version of at
// least 2.1, and checkOpenGL lets the window start.
func TestProbeGLVersion(t *testing.T) {
	if os.Getenv("THUCONGVU_WINE_LANE") != "1" {
		t.Skip("needs a display with OpenGL: runs in the Windows lane (go test ./internal/winlane)")
	}
	t.Setenv(glSkipEnv, "")
	ver, err := probeGLVersion()
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if !glVersionOK(ver) {
		t.Fatalf("GL_VERSION %q is below 2.1 on Mesa llvmpipe", ver)
	}
	if err := checkOpenGL(); err != nil {
		t.Fatalf("checkOpenGL with %q: %v", ver, err)
	}
}

// The state folder is %APPDATA%\thucongvu unless THUCONGVU_HOME says otherwise.
func TestHomeDirOnWindows(t *testing.T) {
	t.Setenv("THUCONGVU_HOME", "")
	t.Setenv("APPDATA", `C:\Users\vanthu\AppData\Roaming`)
	if got := homeDir(); !strings.EqualFold(got, filepath.Join(`C:\Users\vanthu\AppData\Roaming`, "thucongvu")) {
		t.Fatalf("home %q", got)
	}
	t.Setenv("THUCONGVU_HOME", `D:\thu`)
	if got := homeDir(); got != `D:\thu` {
		t.Fatalf("THUCONGVU_HOME ignored: %q", got)
	}
}
