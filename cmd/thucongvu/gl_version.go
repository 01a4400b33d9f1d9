package main

import (
	"strconv"
	"strings"
)

// minGL is the OpenGL version Fyne needs (its GLFW driver asks for 2.1).
const minGLMajor, minGLMinor = 2, 1

// glVersionOK parses the start of a GL_VERSION string ("4.6.0 NVIDIA 551.86",
// "2.1 Mesa 23.1", "1.1.0") and reports whether it is at least 2.1.
// An unparsable string counts as too old: the check then says what to do
// instead of letting the window fail silently.
func glVersionOK(v string) bool {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " -"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return major > minGLMajor || major == minGLMajor && minor >= minGLMinor
}
