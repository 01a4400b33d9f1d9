//go:build linux

package winlane

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	osuser "os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"thucongvu/internal/testsrv"
)

// Debian's wine64 package installs the loader here, not on PATH.
const (
	wineBin       = "/usr/lib/wine/wine64"
	wineserverBin = "/usr/lib/wine/wineserver"
	mingwCC       = "x86_64-w64-mingw32-gcc"
)

// wine is one throw-away Wine prefix on a private X server.
type wine struct {
	prefix  string
	display string
	env     []string
}

// startWine makes a fresh prefix with the ProcessPrng shim and the
// recording powershell.exe, on its own Xvfb; both go at cleanup.
func startWine(t *testing.T) *wine {
	t.Helper()
	testsrv.Need(t, wineBin, wineserverBin, mingwCC, "Xvfb", "xwininfo")
	dir := t.TempDir()
	w := &wine{prefix: filepath.Join(dir, "prefix")}
	w.display = startXvfb(t)
	w.env = append(os.Environ(),
		"WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "DISPLAY="+w.display,
		// No Mono or Gecko installer at wineboot; no menu entries and icons
		// in the Linux desktop for the shortcuts the MSI makes.
		"WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d",
		"XDG_DATA_HOME="+filepath.Join(dir, "xdg-data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "xdg-config"),
		// Wine maps file names through the Linux locale: UTF-8, or Vietnamese names fail.
		"WINEARCH=win64", "LANG=C.UTF-8", "LC_ALL=",
		"THUCONGVU_WINE_LANE=1", "THUCONGVU_HOME=", "THUCONGVU_POLICY=", "DBUS_SESSION_BUS_ADDRESS=")

	dll := filepath.Join(dir, "bcryptprimitives.dll")
	ps := filepath.Join(dir, "powershell.exe")
	for _, c := range [][]string{
		{mingwCC, "-shared", "-O2", "-s", "-o", dll, "testdata/bcryptprimitives.c", "-ladvapi32"},
		{mingwCC, "-O2", "-s", "-o", ps, "testdata/powershell.c"},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
	}
	t.Cleanup(func() {
		k := exec.Command(wineserverBin, "-k")
		k.Env = w.env
		k.Run()
	})
	// Wine's background programs (wineserver, services.exe, winedevice.exe)
	// outlive the command that started them and keep its output open:
	// every command therefore writes to files, never to pipes.
	if r := w.run(t, "", nil, "wineboot", "-i"); r.code != 0 {
		t.Fatalf("wineboot: %s", r)
	}
	w.waitIdle(t)
	sys32 := w.path(`C:\windows\system32`)
	copyFile(t, dll, filepath.Join(sys32, "bcryptprimitives.dll"))
	copyFile(t, ps, filepath.Join(sys32, "WindowsPowerShell", "v1.0", "powershell.exe"))
	copyFile(t, ps, filepath.Join(sys32, "powershell.exe"))
	return w
}

// startXvfb starts a private X server and returns its display; Xvfb picks
// a free display number itself (-displayfd).
func startXvfb(t *testing.T) string {
	t.Helper()
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1366x768x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{pw}
	x.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// command runs a Windows program (a path or a name Wine finds) in the prefix.
func (w *wine) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, wineBin, append([]string{prog}, args...)...)
	cmd.Env = w.env
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// result is what one Windows program did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// run runs prog to its end (2 minutes at most) with stdin and extra
// environment variables.
func (w *wine) run(t *testing.T, stdin string, env []string, prog string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := w.command(ctx, prog, args...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	dir := t.TempDir()
	out, errf := createFile(t, filepath.Join(dir, "stdout")), createFile(t, filepath.Join(dir, "stderr"))
	cmd.Stdout, cmd.Stderr = out, errf
	err := cmd.Run()
	out.Close()
	errf.Close()
	r := result{stdout: readFile(filepath.Join(dir, "stdout")), stderr: readFile(filepath.Join(dir, "stderr"))}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", prog, args, err)
	}
	return r
}

// waitIdle waits until every program of the prefix has ended and the
// wineserver has written the registry files.
func (w *wine) waitIdle(t *testing.T) {
	t.Helper()
	cmd := exec.Command(wineserverBin, "-w")
	cmd.Env = w.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wineserver -w: %v\n%s", err, out)
	}
}

// path turns a C: path into the file's path on Linux.
func (w *wine) path(winPath string) string {
	rest, ok := strings.CutPrefix(winPath, `C:\`)
	if !ok {
		panic("not a C: path: " + winPath)
	}
	return filepath.Join(w.prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

// appData is the client's state folder, %APPDATA%\thucongvu (Wine names
// the Windows user after the Linux one).
func (w *wine) appData() string {
	name := "root"
	if u, err := osuser.Current(); err == nil {
		name = u.Username
	}
	return `C:\users\` + name + `\AppData\Roaming\thucongvu`
}

// winPath is a Linux path as Windows programs in the prefix see it (Z:).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// reg returns a registry value as `reg query` prints it, and whether it exists.
func (w *wine) reg(t *testing.T, key, name string) (string, bool) {
	t.Helper()
	r := w.run(t, "", nil, "reg", "query", key, "/v", name)
	if r.code != 0 {
		return "", false
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.EqualFold(f[0], name) && strings.HasPrefix(f[1], "REG_") {
			_, v, _ := strings.Cut(strings.TrimSpace(line), f[1])
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

func createFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o755)
	}
	if err == nil {
		err = os.WriteFile(dst, b, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
}
