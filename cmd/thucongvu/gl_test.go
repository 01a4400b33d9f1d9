package main

import "testing"

func TestGLVersionOK(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"1.1.0", false},                      // Windows' GDI Generic renderer (VMs, RDP)
		{"2.0.0 - Build 8.15.10.2900", false}, // old Intel driver
		{"2.1 Mesa 23.1.9", true},             // Mesa llvmpipe in opengl32.dll
		{"2.1.0 - Build 8.15.10.2900", true},
		{"3.3.0 NVIDIA 340.108", true},
		{"4.6.0 Compatibility Profile Context 24.3.1", true},
		{"10.0", true},
		{"", false},
		{"OpenGL ES 3.2", false},
	} {
		if got := glVersionOK(tt.in); got != tt.ok {
			t.Errorf("glVersionOK(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}
