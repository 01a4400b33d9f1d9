//go:build !windows

package main

// checkOpenGL does nothing outside Windows: Linux desktops have Mesa, and
// GLFW's own error is clear enough there.
func checkOpenGL() error { return nil }
