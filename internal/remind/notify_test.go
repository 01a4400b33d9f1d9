package remind

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// need returns the path of each tool, or skips (fails under CI=true).
func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s missing (make deps installs it)", tool)
			}
			t.Skipf("%s missing", tool)
		}
	}
}

// start runs a helper process and stops it when the test ends.
func start(t *testing.T, ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// TestBeeepRealNotification sends a reminder through beeep to a real
// notification daemon (dunst under Xvfb, on a private D-Bus session bus)
// and observes the Notify call with dbus-monitor.
func TestBeeepRealNotification(t *testing.T) {
	need(t, "dbus-daemon", "dbus-monitor", "dunst", "Xvfb")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()

	// Private session bus; it prints its address on stdout.
	bus := exec.CommandContext(ctx, "dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("bus address: %v", err)
	}
	addr = strings.TrimSpace(addr)

	// A private X display for dunst; -displayfd tells which one it took.
	displayR, displayW, _ := os.Pipe()
	x := exec.CommandContext(ctx, "Xvfb", "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "640x480x24")
	x.ExtraFiles = []*os.File{displayW}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	displayW.Close()
	num, err := bufio.NewReader(displayR).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb display: %v", err)
	}
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + addr, "DISPLAY=:" + strings.TrimSpace(num), "HOME=" + dir, "XDG_CONFIG_HOME=" + dir}

	// The monitor prints its own NameAcquired signal first: then it listens.
	mon := exec.CommandContext(ctx, "dbus-monitor", "--address", addr, "interface='org.freedesktop.Notifications',member='Notify'")
	mon.Env = append(os.Environ(), env...)
	monOut, _ := mon.StdoutPipe()
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Process.Kill(); mon.Wait() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(monOut)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case <-lines:
	case <-ctx.Done():
		t.Fatal("dbus-monitor did not start")
	}

	start(t, ctx, env, "dunst", "-config", filepath.Join(dir, "none"))
	// Wait until dunst owns org.freedesktop.Notifications on the bus.
	for {
		owner := exec.CommandContext(ctx, "dbus-send", "--bus="+addr, "--print-reply", "--dest=org.freedesktop.DBus",
			"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications")
		b, _ := owner.Output()
		if strings.Contains(string(b), "boolean true") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("dunst did not take the notification bus name")
		case <-time.After(50 * time.Millisecond): // polling an external daemon, not synchronising our code
		}
	}

	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	r := Reminder{Account: "vanthu-sotttt", Due: d("2025-03-03").At(7*60 + 30), Source: "HN 9.2"}
	title, body := r.Text()
	if err := NewDesktop("Thư Công Vụ", "").Notify(title, body); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	var seen []string
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("dbus-monitor ended; saw %q", seen)
			}
			seen = append(seen, l)
			if strings.Contains(l, "vanthu-sotttt") && strings.Contains(l, "07:30") {
				joined := strings.Join(seen, "\n")
				if !strings.Contains(joined, `"Thư Công Vụ"`) || !strings.Contains(joined, title) {
					t.Errorf("notification lacks app name or title:\n%s", joined)
				}
				return
			}
		case <-ctx.Done():
			t.Fatalf("no Notify call observed; saw %q", seen)
		}
	}
}

// TestDesktopWithoutDaemon: no session bus and no notify-send → an error, not a crash.
func TestDesktopWithoutDaemon(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("D-Bus and notify-send are the Linux notifier's paths")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "nobus"))
	t.Setenv("PATH", t.TempDir())
	err := NewDesktop("", "").Notify("t", "b")
	if err == nil || !strings.Contains(err.Error(), "desktop notification") {
		t.Errorf("Notify without any notifier = %v, want a wrapped error", err)
	}
}

// The toast document escapes what the mail carries: a subject is text,
// never markup.
func TestToastXML(t *testing.T) {
	doc, err := toastXML("Kiểm tra thư <08:00>", `Văn bản "khẩn" & <b>mật</b>]]>`, `C:\Program Files\Thu Cong Vu\icon.png`)
	if err != nil {
		t.Fatal(err)
	}
	want := `<toast><visual><binding template="ToastGeneric"><image placement="appLogoOverride" src="C:\Program Files\Thu Cong Vu\icon.png"></image>` +
		`<text>Kiểm tra thư &lt;08:00&gt;</text><text>Văn bản &#34;khẩn&#34; &amp; &lt;b&gt;mật&lt;/b&gt;]]&gt;</text></binding></visual></toast>`
	if doc != want {
		t.Errorf("toast\n got %s\nwant %s", doc, want)
	}
	if doc, _ := toastXML("a", "b", ""); strings.Contains(doc, "<image") {
		t.Errorf("image without an icon: %s", doc)
	}
}
