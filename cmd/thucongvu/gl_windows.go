package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

// glSkipEnv turns the OpenGL check off, for a machine where it is wrong.
const glSkipEnv = "THUCONGVU_SKIP_GL_CHECK"

const glMessage = `Thư Công Vụ cần OpenGL 2.1 trở lên, máy này chỉ có OpenGL %[1]s.

Cách khắc phục:
• Cài trình điều khiển (driver) card đồ hoạ của hãng sản xuất; hoặc
• Máy ảo / Remote Desktop: nhờ bộ phận CNTT đặt tệp opengl32.dll của Mesa (bản dựng phần mềm llvmpipe) cạnh thucongvu.exe trong thư mục cài đặt.

Thu Cong Vu needs OpenGL 2.1 or later; this computer only offers OpenGL %[1]s. Install the graphics card vendor's driver, or (virtual machines, Remote Desktop) ask IT to place Mesa's software opengl32.dll beside thucongvu.exe.`

// checkOpenGL makes a throw-away OpenGL context the way GLFW will, reads
// GL_VERSION, and when it is below 2.1 shows a native message box that says
// what to do, then returns an error — never a silent exit of a GUI program
// that has no console. When the probe itself cannot run, it lets GLFW try.
func checkOpenGL() error {
	if os.Getenv(glSkipEnv) != "" {
		return nil
	}
	ver, err := probeGLVersion()
	if err != nil && !errors.Is(err, errNoGLContext) {
		return nil // the probe failed, not OpenGL: let the window try
	}
	if err == nil && glVersionOK(ver) {
		return nil
	}
	if ver == "" {
		ver = "?"
	}
	text, _ := windows.UTF16PtrFromString(fmt.Sprintf(glMessage, ver))
	title, _ := windows.UTF16PtrFromString("Thư Công Vụ")
	windows.MessageBox(0, text, title, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND)
	return fmt.Errorf("OpenGL 2.1 is needed, this computer has %s: install the graphics driver or Mesa's opengl32.dll", ver)
}

var errNoGLContext = errors.New("no OpenGL context")

// pixelFormatDescriptor is PIXELFORMATDESCRIPTOR (wingdi.h).
type pixelFormatDescriptor struct {
	Size, Version                                          uint16
	Flags                                                  uint32
	PixelType, ColorBits, RedBits, RedShift, GreenBits     uint8
	GreenShift, BlueBits, BlueShift, AlphaBits, AlphaShift uint8
	AccumBits, AccumRedBits, AccumGreenBits, AccumBlueBits uint8
	AccumAlphaBits, DepthBits, StencilBits, AuxBuffers     uint8
	LayerType, Reserved                                    uint8
	LayerMask, VisibleMask, DamageMask                     uint32
}

const (
	pfdDoubleBuffer  = 0x01
	pfdDrawToWindow  = 0x04
	pfdSupportOpenGL = 0x20
	glVersion        = 0x1F02
	wsPopup          = 0x80000000
)

// probeGLVersion returns GL_VERSION of a default context on a hidden window.
// opengl32.dll is loaded by name, so a Mesa copy beside the executable wins
// over System32, exactly as for GLFW.
func probeGLVersion() (string, error) {
	runtime.LockOSThread() // a GL context is current on one thread
	defer runtime.UnlockOSThread()

	user32 := windows.NewLazySystemDLL("user32.dll")
	gdi32 := windows.NewLazySystemDLL("gdi32.dll")
	gl := windows.NewLazyDLL("opengl32.dll")
	if err := gl.Load(); err != nil {
		return "", fmt.Errorf("%w: %v", errNoGLContext, err)
	}
	class, _ := windows.UTF16PtrFromString("STATIC")
	hwnd, _, err := user32.NewProc("CreateWindowExW").Call(0, uintptr(unsafe.Pointer(class)), 0, wsPopup, 0, 0, 1, 1, 0, 0, 0, 0)
	if hwnd == 0 {
		return "", fmt.Errorf("create probe window: %v", err)
	}
	defer user32.NewProc("DestroyWindow").Call(hwnd)
	hdc, _, err := user32.NewProc("GetDC").Call(hwnd)
	if hdc == 0 {
		return "", fmt.Errorf("probe window DC: %v", err)
	}
	defer user32.NewProc("ReleaseDC").Call(hwnd, hdc)

	pfd := pixelFormatDescriptor{Version: 1, Flags: pfdDrawToWindow | pfdSupportOpenGL | pfdDoubleBuffer, ColorBits: 32, DepthBits: 24, StencilBits: 8}
	pfd.Size = uint16(unsafe.Sizeof(pfd))
	format, _, err := gdi32.NewProc("ChoosePixelFormat").Call(hdc, uintptr(unsafe.Pointer(&pfd)))
	if format == 0 {
		return "", fmt.Errorf("%w: choose pixel format: %v", errNoGLContext, err)
	}
	if ok, _, err := gdi32.NewProc("SetPixelFormat").Call(hdc, format, uintptr(unsafe.Pointer(&pfd))); ok == 0 {
		return "", fmt.Errorf("%w: set pixel format: %v", errNoGLContext, err)
	}
	ctx, _, err := gl.NewProc("wglCreateContext").Call(hdc)
	if ctx == 0 {
		return "", fmt.Errorf("%w: wglCreateContext: %v", errNoGLContext, err)
	}
	defer gl.NewProc("wglDeleteContext").Call(ctx)
	makeCurrent := gl.NewProc("wglMakeCurrent")
	if ok, _, err := makeCurrent.Call(hdc, ctx); ok == 0 {
		return "", fmt.Errorf("%w: wglMakeCurrent: %v", errNoGLContext, err)
	}
	defer makeCurrent.Call(0, 0)
	p, _, _ := gl.NewProc("glGetString").Call(glVersion)
	if p == 0 {
		return "", fmt.Errorf("%w: glGetString", errNoGLContext)
	}
	// p points into opengl32.dll, not Go memory; converting through a
	// pointer to it keeps vet quiet about uintptr → unsafe.Pointer.
	return windows.BytePtrToString(*(**byte)(unsafe.Pointer(&p))), nil
}
