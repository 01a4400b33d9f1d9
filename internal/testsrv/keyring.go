package testsrv

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// KeyringOptions configure StartKeyring; the zero value is an unlocked
// login keyring.
type KeyringOptions struct {
	// Locked locks the login collection after start, as after a screen
	// lock. No prompter can be reached on the private bus, so go-keyring's
	// unlock attempt fails (the prompt is dismissed) instead of storing or
	// reading anything.
	Locked bool
	// Absent starts only the session bus, with no Secret Service on it and
	// no D-Bus activation: every keyring call fails with ServiceUnknown.
	Absent bool
}

// Keyring is a gnome-keyring Secret Service on a private session D-Bus.
//
// StartKeyring points DBUS_SESSION_BUS_ADDRESS at the private bus for the
// rest of the test. godbus (used by go-keyring) keeps one process-wide
// session connection, made on first use; StartKeyring closes it when the
// keyring starts and when it stops, so the next call connects to whatever
// bus is current. Code that holds its own *dbus.Conn keeps talking to the
// bus it connected to. Because the environment is process-wide, keyring
// tests cannot run in parallel (tb.Setenv enforces that); a package whose
// tests all use one keyring can start it once in TestMain with
// StartKeyringMain.
type Keyring struct {
	BusAddress string // the private session bus, "unix:path=…"
	Dir        string // bus socket, keyring files, logs
	Password   string // the login keyring's password

	bus, daemon *proc
}

const (
	secretsName    = "org.freedesktop.secrets"
	secretsPath    = dbus.ObjectPath("/org/freedesktop/secrets")
	loginPath      = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	secretService  = "org.freedesktop.Secret.Service"
	gnomeInternals = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"
)

// StartKeyring starts a private session bus and (unless Absent) an
// unlocked gnome-keyring on it, points DBUS_SESSION_BUS_ADDRESS at it, and
// stops both in tb.Cleanup. An optional KeyringOptions may follow.
func StartKeyring(tb testing.TB, opts ...KeyringOptions) *Keyring {
	tb.Helper()
	var o KeyringOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	Need(tb, "dbus-daemon")
	if !o.Absent {
		Need(tb, "gnome-keyring-daemon")
	}
	k, err := startKeyring(o)
	if err != nil {
		tb.Fatalf("testsrv: keyring: %v", err)
	}
	tb.Cleanup(k.stop)
	tb.Setenv("DBUS_SESSION_BUS_ADDRESS", k.BusAddress)
	closeSharedSessionBus()
	// Runs before tb.Setenv restores the old address (cleanups run last first),
	// so the shared connection closed here is the one to our bus.
	tb.Cleanup(closeSharedSessionBus)
	return k
}

// StartKeyringMain is StartKeyring for TestMain, where there is no
// testing.TB: it sets DBUS_SESSION_BUS_ADDRESS with os.Setenv and returns a
// stop function that restores it. With a missing component it returns an
// error; TestMain should then fail when CI=true and otherwise run the tests,
// which skip themselves.
func StartKeyringMain(opts KeyringOptions) (stop func(), err error) {
	tools := []string{"dbus-daemon", "gnome-keyring-daemon"}
	if opts.Absent {
		tools = tools[:1]
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			return nil, fmt.Errorf("keyring: %w", err)
		}
	}
	k, err := startKeyring(opts)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	old, had := os.LookupEnv("DBUS_SESSION_BUS_ADDRESS")
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", k.BusAddress)
	closeSharedSessionBus()
	return func() {
		closeSharedSessionBus()
		if had {
			os.Setenv("DBUS_SESSION_BUS_ADDRESS", old)
		} else {
			os.Unsetenv("DBUS_SESSION_BUS_ADDRESS")
		}
		k.stop()
	}, nil
}

// closeSharedSessionBus closes godbus's process-wide session connection if
// one is open, so that the next dbus.SessionBus() dials the current address.
func closeSharedSessionBus() {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return
	}
	if c, err := dbus.SessionBus(); err == nil {
		c.Close()
	}
}

func startKeyring(o KeyringOptions) (*Keyring, error) {
	dir, err := makeDir("tcv-keyring-")
	if err != nil {
		return nil, err
	}
	k := &Keyring{Dir: dir, Password: "khóa-thử"}
	ok := false
	defer func() {
		if !ok {
			k.stop()
		}
	}()
	for _, sub := range []string{"home", "data", "config", "run"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("make dir: %w", err)
		}
	}
	if err := k.startBus(); err != nil {
		return nil, err
	}
	if o.Absent {
		ok = true
		return k, nil
	}
	if err := k.startDaemon(); err != nil {
		return nil, err
	}
	if o.Locked {
		if err := k.lock(); err != nil {
			return nil, err
		}
	}
	ok = true
	return k, nil
}

// busConfig is a session bus with no service directories: nothing is ever
// activated behind the test's back (no second, locked gnome-keyring, no
// prompter).
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

func (k *Keyring) startBus() error {
	conf := filepath.Join(k.Dir, "bus.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, busConfig, filepath.Join(k.Dir, "bus")), 0o644); err != nil {
		return fmt.Errorf("write bus config: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("start bus: %w", err)
	}
	defer r.Close()
	logf, err := os.Create(filepath.Join(k.Dir, "bus.log"))
	if err != nil {
		w.Close()
		return fmt.Errorf("start bus: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	cmd.Stdout, cmd.Stderr = w, logf
	k.bus, err = startProc(cmd, syscall.SIGKILL)
	w.Close()
	if err != nil {
		return err
	}
	// The daemon prints its address once it listens.
	_ = r.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		return fmt.Errorf("start bus: %w: %s", err, logTail(logf.Name()))
	}
	k.BusAddress = strings.TrimSpace(line)
	return nil
}

func (k *Keyring) startDaemon() error {
	conn, err := dbus.Connect(k.BusAddress)
	if err != nil {
		return fmt.Errorf("connect to bus: %w", err)
	}
	defer conn.Close()
	// Subscribe before starting, so the NameOwnerChanged signal cannot be missed.
	if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, secretsName)); err != nil {
		return fmt.Errorf("watch bus: %w", err)
	}
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)

	logf, err := os.Create(filepath.Join(k.Dir, "keyring.log"))
	if err != nil {
		return fmt.Errorf("start gnome-keyring: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	cmd.Env = append(os.Environ(),
		"DBUS_SESSION_BUS_ADDRESS="+k.BusAddress,
		"HOME="+filepath.Join(k.Dir, "home"),
		"XDG_DATA_HOME="+filepath.Join(k.Dir, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(k.Dir, "config"),
		"XDG_RUNTIME_DIR="+filepath.Join(k.Dir, "run"),
	)
	// --unlock reads the password from standard input up to EOF, then
	// creates or unlocks the login keyring with it.
	cmd.Stdin = strings.NewReader(k.Password)
	cmd.Stdout, cmd.Stderr = logf, logf
	if k.daemon, err = startProc(cmd, syscall.SIGKILL); err != nil {
		return err
	}
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&owned); err != nil {
		return fmt.Errorf("watch bus: %w", err)
	}
	timeout := time.After(10 * time.Second)
	for !owned {
		select {
		case s := <-signals:
			if len(s.Body) == 3 && s.Body[0] == secretsName && s.Body[2] != "" {
				owned = true
			}
		case <-k.daemon.done:
			return fmt.Errorf("gnome-keyring exited (%v): %s", k.daemon.err, logTail(logf.Name()))
		case <-timeout:
			return fmt.Errorf("gnome-keyring did not take %s: %s", secretsName, logTail(logf.Name()))
		}
	}
	locked, err := collectionLocked(conn)
	if err != nil {
		return fmt.Errorf("read login keyring: %w", err)
	}
	if locked {
		return errors.New("login keyring still locked after --unlock")
	}
	return nil
}

func collectionLocked(conn *dbus.Conn) (bool, error) {
	v, err := conn.Object(secretsName, loginPath).GetProperty("org.freedesktop.Secret.Collection.Locked")
	if err != nil {
		return false, err
	}
	b, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("Locked is %v", v)
	}
	return b, nil
}

// Lock locks the login keyring, as a screen lock does.
func (k *Keyring) Lock(tb testing.TB) {
	tb.Helper()
	if err := k.lock(); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
}

func (k *Keyring) lock() error {
	conn, err := dbus.Connect(k.BusAddress)
	if err != nil {
		return fmt.Errorf("lock keyring: %w", err)
	}
	defer conn.Close()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := conn.Object(secretsName, secretsPath).Call(secretService+".Lock", 0, []dbus.ObjectPath{loginPath}).Store(&locked, &prompt); err != nil {
		return fmt.Errorf("lock keyring: %w", err)
	}
	if l, err := collectionLocked(conn); err != nil || !l {
		return fmt.Errorf("lock keyring: still unlocked (%v)", err)
	}
	return nil
}

// Unlock unlocks the login keyring with its password, without a prompt
// (through gnome-keyring's private interface, as a PAM login would).
func (k *Keyring) Unlock(tb testing.TB) {
	tb.Helper()
	if err := k.unlock(); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
}

func (k *Keyring) unlock() error {
	conn, err := dbus.Connect(k.BusAddress)
	if err != nil {
		return fmt.Errorf("unlock keyring: %w", err)
	}
	defer conn.Close()
	svc := conn.Object(secretsName, secretsPath)
	var out dbus.Variant
	var session dbus.ObjectPath
	if err := svc.Call(secretService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session); err != nil {
		return fmt.Errorf("unlock keyring: %w", err)
	}
	secret := struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}{session, []byte{}, []byte(k.Password), "text/plain"}
	if err := svc.Call(gnomeInternals+".UnlockWithMasterPassword", 0, loginPath, secret).Err; err != nil {
		return fmt.Errorf("unlock keyring: %w", err)
	}
	if l, err := collectionLocked(conn); err != nil || l {
		return fmt.Errorf("unlock keyring: still locked (%v)", err)
	}
	return nil
}

func (k *Keyring) stop() {
	if k.daemon != nil {
		k.daemon.stop(5 * time.Second)
	}
	if k.bus != nil {
		k.bus.stop(5 * time.Second)
	}
	if os.Getenv("TESTSRV_KEEP") == "" {
		os.RemoveAll(k.Dir)
	}
}
