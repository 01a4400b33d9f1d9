//go:build unix

package main

import (
	"bytes"
	x11bin "encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"thucongvu/internal/testsrv"
)

// TestDemoClosesToTrayUnderXvfb runs the real demo window on a private X
// server and session bus. With a tray host there, closing the window (the
// window manager's WM_DELETE_WINDOW) shows the one-time notice, closing
// again hides the window while the client keeps running, the tray's
// "Mở Thư Công Vụ" shows it again and "Thoát" quits. With no tray host,
// closing quits as before.
func TestDemoClosesToTrayUnderXvfb(t *testing.T) {
	testsrv.Need(t, "Xvfb", "xwininfo", "dbus-daemon")
	bin := buildBinary(t)

	t.Run("tray", func(t *testing.T) {
		display := startXvfb(t)
		k := testsrv.StartKeyring(t, testsrv.KeyringOptions{Absent: true})
		items := startTrayHost(t, k.BusAddress)
		demo := startDemoWindow(t, bin, display, k.BusAddress)
		win := demo.window(t)
		var item string
		select {
		case item = <-items:
		case <-time.After(60 * time.Second):
			t.Fatalf("the client put no icon in the tray; output:\n%s", demo.out.String())
		}

		closeWindow(t, display, win)
		time.Sleep(time.Second) // nothing to wait for: the window must stay
		if st := mapState(display, win); st != "IsViewable" {
			t.Fatalf("first close: window %s, want the notice in the open window", st)
		}
		closeWindow(t, display, win)
		waitFor(t, 10*time.Second, func() bool { return mapState(display, win) == "IsUnMapped" })
		if demo.exited() {
			t.Fatalf("closing the window ended the client; output:\n%s", demo.out.String())
		}

		conn, err := dbus.Connect(k.BusAddress)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		clickTray(t, conn, item, "Mở Thư Công Vụ")
		waitFor(t, 10*time.Second, func() bool { return mapState(display, win) == "IsViewable" })
		clickTray(t, conn, item, "Thoát")
		if code := demo.wait(t, 20*time.Second); code != 0 {
			t.Fatalf("Thoát: exit %d; output:\n%s", code, demo.out.String())
		}
	})

	t.Run("no tray", func(t *testing.T) {
		display := startXvfb(t)
		demo := startDemoWindow(t, bin, display, "")
		closeWindow(t, display, demo.window(t))
		if code := demo.wait(t, 20*time.Second); code != 0 {
			t.Fatalf("closing without a tray: exit %d; output:\n%s", code, demo.out.String())
		}
	})
}

// startXvfb starts a private X server on a display it picks free itself.
func startXvfb(t *testing.T) string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	xvfb := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1366x768x24", "-nolisten", "tcp", "-noreset")
	xvfb.ExtraFiles = []*os.File{w}
	xvfb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = xvfb.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xvfb.Process.Kill(); xvfb.Wait() })
	r.SetReadDeadline(time.Now().Add(20 * time.Second))
	var n int
	if _, err := fmt.Fscan(r, &n); err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return fmt.Sprintf(":%d", n)
}

// watcher is a desktop's tray host (StatusNotifierWatcher): it hears the
// client's icon register.
type watcher struct{ items chan string }

func (w watcher) RegisterStatusNotifierItem(sender dbus.Sender, path string) *dbus.Error {
	select {
	case w.items <- string(sender):
	default:
	}
	return nil
}

func startTrayHost(t *testing.T, bus string) <-chan string {
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	w := watcher{items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("tray host name: %v %v", r, err)
	}
	return w.items
}

type demoProc struct {
	cmd     *exec.Cmd
	out     *bytes.Buffer
	display string
	done    chan struct{}
}

func startDemoWindow(t *testing.T, bin, display, bus string) *demoProc {
	cmd := exec.Command(bin, "demo")
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus, "THUCONGVU_HOME="+t.TempDir(),
		"HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	d := &demoProc{cmd: cmd, out: &bytes.Buffer{}, display: display, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.out, d.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-d.done
	})
	return d
}

// window is the X id of the demo's main window once it shows.
func (d *demoProc) window(t *testing.T) string {
	id := ""
	tryFor(60*time.Second, func() bool {
		tree, _ := exec.Command("xwininfo", "-display", d.display, "-root", "-tree").CombinedOutput()
		for _, line := range strings.Split(string(tree), "\n") {
			if f := strings.Fields(line); len(f) > 1 && strings.Contains(line, "Thư Công Vụ") && strings.HasPrefix(f[0], "0x") {
				if id = f[0]; mapState(d.display, id) == "IsViewable" {
					return true
				}
			}
		}
		return false
	})
	if id == "" || mapState(d.display, id) != "IsViewable" {
		t.Fatalf("no demo window; output:\n%s", d.out.String())
	}
	return id
}

func (d *demoProc) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// wait returns the exit code, failing the test if the client runs on.
func (d *demoProc) wait(t *testing.T, limit time.Duration) int {
	select {
	case <-d.done:
		return d.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		t.Fatalf("the client still runs after %s; output:\n%s", limit, d.out.String())
		return -1
	}
}

// mapState is xwininfo's "Map State" of a window: IsViewable, IsUnMapped.
func mapState(display, id string) string {
	out, _ := exec.Command("xwininfo", "-display", display, "-id", id).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if _, v, ok := strings.Cut(line, "Map State:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// closeWindow does what a window manager's close button does: it sends the
// window a WM_PROTOCOLS client message with WM_DELETE_WINDOW, speaking the
// X11 protocol on the display's socket.
func closeWindow(t *testing.T, display, id string) {
	t.Helper()
	var win uint32
	if _, err := fmt.Sscanf(id, "0x%x", &win); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+strings.TrimPrefix(display, ":"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	le := x11bin.LittleEndian
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := c.Write(setup); err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil || head[0] != 1 {
		t.Fatalf("X11 connection setup: %v (status %d)", err, head[0])
	}
	if _, err := io.CopyN(io.Discard, c, int64(le.Uint16(head[6:]))*4); err != nil {
		t.Fatal(err)
	}
	atom := func(name string) uint32 {
		pad := (4 - len(name)%4) % 4
		req := make([]byte, 8, 8+len(name)+pad)
		req[0] = 16 // InternAtom
		le.PutUint16(req[2:], uint16((8+len(name)+pad)/4))
		le.PutUint16(req[4:], uint16(len(name)))
		req = append(append(req, name...), make([]byte, pad)...)
		if _, err := c.Write(req); err != nil {
			t.Fatal(err)
		}
		reply := make([]byte, 32)
		if _, err := io.ReadFull(c, reply); err != nil || reply[0] != 1 {
			t.Fatalf("InternAtom %s: %v (%v)", name, err, reply)
		}
		return le.Uint32(reply[8:])
	}
	protocols, del := atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW")
	req := make([]byte, 44)
	req[0] = 25 // SendEvent, no propagation
	le.PutUint16(req[2:], 11)
	le.PutUint32(req[4:], win)
	ev := req[12:]
	ev[0], ev[1] = 33, 32 // ClientMessage, format 32
	le.PutUint32(ev[4:], win)
	le.PutUint32(ev[8:], protocols)
	le.PutUint32(ev[12:], del) // data.l[0]; data.l[1] = CurrentTime
	// GetInputFocus: its reply says the server handled the event.
	req = append(req, 43, 0, 1, 0)
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	reply := make([]byte, 32)
	if _, err := io.ReadFull(c, reply); err != nil || reply[0] != 1 {
		t.Fatalf("SendEvent: %v (%v)", err, reply)
	}
}

// clickTray clicks the tray menu item labelled label, as the desktop's
// tray does (com.canonical.dbusmenu).
func clickTray(t *testing.T, conn *dbus.Conn, item, label string) {
	t.Helper()
	// The menu's object path is the item's Menu property, as a tray host reads it.
	v, err := conn.Object(item, "/StatusNotifierItem").GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		t.Fatal(err)
	}
	path, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		t.Fatalf("tray item Menu property is %T", v.Value())
	}
	menu := conn.Object(item, path)
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, ch := range layout.Children {
		f, ok := ch.Value().([]any)
		if !ok || len(f) < 2 {
			continue
		}
		id, _ := f[0].(int32)
		props, _ := f[1].(map[string]dbus.Variant)
		l, _ := props["label"].Value().(string)
		labels = append(labels, l)
		if l == label {
			if err := menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no tray item %q in %q", label, labels)
}
