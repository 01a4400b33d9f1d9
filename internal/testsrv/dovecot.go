package testsrv

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/emersion/go-smtp"
)

// DovecotOptions configure StartDovecot; the zero value is a server with no users.
type DovecotOptions struct {
	// Users maps login name to password. Names are lowercased (Dovecot's
	// auth_username_format %Lu) and used verbatim otherwise: give full
	// addresses such as "vanthu@hanam.gov.vn", which is what clients log in
	// with and what Postfix delivers to. Passwords may hold any character.
	// The test passwords are written to a file in Dir (never anything real).
	Users map[string]string
	// ExpiredCert serves a certificate whose validity ended yesterday, on
	// IMAPS and STARTTLS alike.
	ExpiredCert bool
	// QuotaBytes turns on the quota plugin (IMAP QUOTA, RFC 9208) and
	// limits each named user's storage to that many bytes; other users
	// have no limit. Nil leaves quota off.
	QuotaBytes map[string]int64
}

// Dovecot is a private Dovecot 2.3 instance on loopback.
//
// Mail is Maildir with LAYOUT=fs under Dir/home/<user>/Maildir (INBOX is the
// Maildir root, a folder "A/B" is the directory A/B), hierarchy separator
// "/", owned by the system user "mail". Sent, Drafts, Trash, Junk and Archive
// exist and are subscribed for every user, with their SPECIAL-USE flags.
// Plaintext login is allowed on the IMAP port (loopback only), which also
// offers STARTTLS; IMAPS is implicit TLS. Authentication failures are answered
// at once (auth_failure_delay = 0) so negative tests stay fast.
type Dovecot struct {
	IMAPAddr   string // host:port, plaintext IMAP with STARTTLS
	IMAPSAddr  string // host:port, implicit TLS
	LMTPAddr   string // host:port, LMTP delivery
	AuthSocket string // Dovecot SASL socket for Postfix (smtpd_sasl_type = dovecot)
	CertPEM    []byte // the server certificate, PEM
	CertSHA256 string // lowercase hex SHA-256 of the certificate's DER bytes, for pinning
	Dir        string // everything of this instance: config, users, mail, logs

	mailUID, mailGID int
	quota            map[string]int64 // nil: quota off
	ports            []int            // imap, imaps, lmtp
	mu               sync.Mutex
	users            map[string]string
	proc             *proc
}

// StartDovecot starts a private Dovecot and stops it in tb.Cleanup. It skips
// (fails with CI=true) when Dovecot is not installed or the test is not root.
func StartDovecot(tb testing.TB, opts DovecotOptions) *Dovecot {
	tb.Helper()
	Need(tb, "dovecot", "doveadm")
	needRoot(tb)
	d, err := newDovecot(opts)
	if err != nil {
		tb.Fatalf("testsrv: dovecot: %v", err)
	}
	tb.Cleanup(func() {
		d.Stop()
		if os.Getenv("TESTSRV_KEEP") == "" {
			os.RemoveAll(d.Dir)
		}
	})
	for attempt := 0; ; attempt++ {
		if d.ports, err = freePorts(3); err != nil {
			tb.Fatalf("testsrv: dovecot: %v", err)
		}
		d.setAddrs()
		if err = d.start(); err == nil {
			return d
		}
		if !isAddrInUse(err) || attempt == 4 {
			tb.Fatalf("testsrv: start dovecot: %v", err)
		}
	}
}

func isAddrInUse(err error) bool {
	return err != nil && strings.Contains(err.Error(), errAddrInUse.Error())
}

func newDovecot(opts DovecotOptions) (*Dovecot, error) {
	u, err := user.Lookup("mail")
	if err != nil {
		return nil, fmt.Errorf("look up system user mail: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	cert, err := newSelfSigned("localhost", opts.ExpiredCert)
	if err != nil {
		return nil, err
	}
	dir, err := makeDir("tcv-dovecot-")
	if err != nil {
		return nil, err
	}
	d := &Dovecot{
		Dir: dir, CertPEM: cert.certPEM, CertSHA256: cert.sha256,
		AuthSocket: filepath.Join(dir, "run", "auth-postfix"),
		mailUID:    uid, mailGID: gid, users: map[string]string{},
	}
	if opts.QuotaBytes != nil {
		d.quota = map[string]int64{}
		for name, limit := range opts.QuotaBytes {
			d.quota[strings.ToLower(name)] = limit
		}
	}
	for name, pw := range opts.Users {
		if err := checkUserName(name); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		d.users[strings.ToLower(name)] = pw
	}
	for _, sub := range []string{"run", "state", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("make dir: %w", err)
		}
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"cert.pem", cert.certPEM, 0o644},
		{"key.pem", cert.keyPEM, 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	if err := os.Chown(filepath.Join(dir, "home"), uid, gid); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("chown home: %w", err)
	}
	for name := range d.users {
		if err := d.makeInbox(name); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := d.writeUsers(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return d, nil
}

// makeInbox puts user's INBOX on disk (the Maildir root's cur, new, tmp),
// as on a server whose users received mail before. Dovecot 2.3 creates it
// on first use, and an IMAP session racing the first LMTP delivery there
// may get NO [ALREADYEXISTS], the delivery a 451, or the imap process may
// die (a panic on the mailbox list index lock).
func (d *Dovecot) makeInbox(user string) error {
	home := filepath.Join(d.Dir, "home", strings.ToLower(user))
	for _, p := range []string{home, filepath.Join(home, "Maildir"), filepath.Join(home, "Maildir", "cur"),
		filepath.Join(home, "Maildir", "new"), filepath.Join(home, "Maildir", "tmp")} {
		if err := os.Mkdir(p, 0o700); err != nil && !os.IsExist(err) {
			return fmt.Errorf("make inbox: %w", err)
		}
		if err := os.Chown(p, d.mailUID, d.mailGID); err != nil {
			return fmt.Errorf("make inbox: %w", err)
		}
	}
	return nil
}

func checkUserName(name string) error {
	if name == "" || strings.ContainsAny(name, ": \t\r\n/%") {
		return fmt.Errorf("add user: invalid name %q", name)
	}
	return nil
}

func (d *Dovecot) setAddrs() {
	d.IMAPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(d.ports[0]))
	d.IMAPSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(d.ports[1]))
	d.LMTPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(d.ports[2]))
}

func (d *Dovecot) confPath() string { return filepath.Join(d.Dir, "dovecot.conf") }
func (d *Dovecot) logPath() string  { return filepath.Join(d.Dir, "dovecot.log") }

// LogTail returns the end of this instance's log, for failure messages.
func (d *Dovecot) LogTail() string { return logTail(d.logPath()) }

var dovecotConf = template.Must(template.New("dovecot.conf").Parse(`# written by thucongvu/internal/testsrv
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = {{.Instance}}
log_path = {{.Dir}}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
shutdown_clients = yes
first_valid_uid = {{.UID}}
last_valid_uid = {{.UID}}
first_valid_gid = {{.GID}}
last_valid_gid = {{.GID}}
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
mail_max_userip_connections = 1000
postmaster_address = postmaster@hanam.gov.vn
recipient_delimiter = +
ssl = yes
ssl_cert = <{{.Dir}}/cert.pem
ssl_key = <{{.Dir}}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_username_format = %Lu
passdb {
  driver = passwd-file
  args = {{.Dir}}/users
}
userdb {
  driver = passwd-file
  args = {{.Dir}}/users
  default_fields = uid={{.UID}} gid={{.GID}} home={{.Dir}}/home/%Lu
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAP}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.IMAPS}}
    ssl = yes
  }
  service_count = 0
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = {{.LMTP}}
  }
}
# No auth penalty (exponential delays after failed logins from one IP): the
# auth process cannot open this socket, so Dovecot runs without penalties.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
{{if .Quota}}mail_plugins = $mail_plugins quota
protocol imap {
  mail_plugins = $mail_plugins imap_quota
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
}
{{end}}`))

func (d *Dovecot) writeConf() error {
	var b bytes.Buffer
	err := dovecotConf.Execute(&b, map[string]any{
		"Dir": d.Dir, "Instance": filepath.Base(d.Dir),
		"UID": d.mailUID, "GID": d.mailGID,
		"IMAP": d.ports[0], "IMAPS": d.ports[1], "LMTP": d.ports[2],
		"Quota": d.quota != nil,
	})
	if err != nil {
		return fmt.Errorf("write dovecot.conf: %w", err)
	}
	if err := os.WriteFile(d.confPath(), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write dovecot.conf: %w", err)
	}
	return nil
}

// writeUsers rewrites the passwd-file atomically; Dovecot rereads it when
// it changes, so users can be added while it runs.
func (d *Dovecot) writeUsers() error {
	d.mu.Lock()
	names := make([]string, 0, len(d.users))
	for n := range d.users {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		// PLAIN.B64 keeps ':' and non-ASCII passwords intact in the passwd-file format.
		extra := ""
		if limit, ok := d.quota[n]; ok {
			extra = fmt.Sprintf("userdb_quota_rule=*:storage=%dB", limit)
		}
		fmt.Fprintf(&b, "%s:{PLAIN.B64}%s::::::%s\n", n, base64.StdEncoding.EncodeToString([]byte(d.users[n])), extra)
	}
	d.mu.Unlock()
	tmp := filepath.Join(d.Dir, "users.tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(d.Dir, "users")); err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	return nil
}

func (d *Dovecot) start() error {
	if err := d.writeConf(); err != nil {
		return err
	}
	before := fileSize(d.logPath())
	p, err := startProc(exec.Command("dovecot", "-F", "-c", d.confPath()), syscall.SIGKILL)
	if err != nil {
		return err
	}
	err = waitReady(p, d.LogTail, 10*time.Second, func() bool {
		// The master logs "starting up" only after every listener is bound.
		return logContainsAfter(d.logPath(), before, "starting up")
	})
	if err != nil {
		p.stop(time.Second)
		return err
	}
	d.mu.Lock()
	d.proc = p
	d.mu.Unlock()
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func logContainsAfter(path string, offset int64, s string) bool {
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) < offset {
		return false
	}
	return bytes.Contains(b[offset:], []byte(s))
}

// Stop stops Dovecot and every process it started; open connections break.
// It is safe to call more than once.
func (d *Dovecot) Stop() {
	d.mu.Lock()
	p := d.proc
	d.proc = nil
	d.mu.Unlock()
	if p != nil {
		p.stop(5 * time.Second)
	}
}

// Restart stops Dovecot (if running) and starts it again on the same ports
// with the same mail.
func (d *Dovecot) Restart(tb testing.TB) {
	tb.Helper()
	d.Stop()
	if err := startOnSamePorts(d.start); err != nil {
		tb.Fatalf("testsrv: restart dovecot: %v", err)
	}
}

// AddUser adds (or changes the password of) a login; see DovecotOptions.Users.
func (d *Dovecot) AddUser(tb testing.TB, name, password string) {
	tb.Helper()
	if err := checkUserName(name); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
	d.mu.Lock()
	d.users[strings.ToLower(name)] = password
	d.mu.Unlock()
	if err := d.makeInbox(name); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
	if err := d.writeUsers(); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
}

// HasUser reports whether name is a login of this server.
func (d *Dovecot) HasUser(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.users[strings.ToLower(name)]
	return ok
}

// Users returns the logins of this server.
func (d *Dovecot) Users() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	names := make([]string, 0, len(d.users))
	for n := range d.users {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TLSConfig returns a client TLS configuration that trusts exactly this
// server's certificate (for 127.0.0.1).
func (d *Dovecot) TLSConfig() *tls.Config { return tlsConfigFor(d.CertPEM) }

// Doveadm runs doveadm against this instance and returns its standard
// output; it fails the test on error.
func (d *Dovecot) Doveadm(tb testing.TB, args ...string) string {
	tb.Helper()
	out, err := d.doveadm(args...)
	if err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
	return out
}

func (d *Dovecot) doveadm(args ...string) (string, error) {
	cmd := exec.Command("doveadm", append([]string{"-c", d.confPath()}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Deliver delivers raw to the mailbox of user by LMTP, the way Postfix
// does; the envelope sender is the address in raw's From header (empty if
// there is none).
func (d *Dovecot) Deliver(tb testing.TB, user string, raw []byte) {
	tb.Helper()
	from := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
			from = a.Address
		}
	}
	if err := d.DeliverEnvelope(from, []string{user}, raw); err != nil {
		tb.Fatalf("testsrv: %v", err)
	}
}

// DeliverEnvelope delivers raw by LMTP with the given envelope; mailFrom ""
// is the null sender of bounces. It returns the first refusal.
func (d *Dovecot) DeliverEnvelope(mailFrom string, rcpts []string, raw []byte) error {
	conn, err := net.DialTimeout("tcp", d.LMTPAddr, 5*time.Second)
	if err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("testsrv.localhost"); err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	if err := c.Mail(mailFrom, nil); err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return fmt.Errorf("lmtp deliver to %s: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	if _, err := w.CloseWithLMTPResponse(); err != nil {
		return fmt.Errorf("lmtp deliver: %w", err)
	}
	return c.Quit()
}

// SetUIDValidity gives an existing mailbox a new UIDVALIDITY (v must differ
// from the current one and be non-zero), as after a server-side rebuild: a
// client must then discard what it cached for that mailbox. Stop the
// client's session first or it may keep seeing the old value.
func (d *Dovecot) SetUIDValidity(tb testing.TB, user, mailbox string, v uint32) {
	tb.Helper()
	d.Doveadm(tb, "mailbox", "update", "-u", user, "--uid-validity", strconv.FormatUint(uint64(v), 10), mailbox)
}

// UIDValidity returns the current UIDVALIDITY of a mailbox.
func (d *Dovecot) UIDValidity(tb testing.TB, user, mailbox string) uint32 {
	tb.Helper()
	out := strings.TrimSpace(d.Doveadm(tb, "-f", "flow", "mailbox", "status", "-u", user, "uidvalidity", mailbox))
	_, val, _ := strings.Cut(out, "uidvalidity=")
	v, err := strconv.ParseUint(val, 10, 32)
	if err != nil {
		tb.Fatalf("testsrv: uidvalidity of %s: %q", mailbox, out)
	}
	return uint32(v)
}

// WaitMessages waits until mailbox of user holds at least n messages (mail
// through Postfix arrives asynchronously) and returns the count; it fails
// the test after 15 s.
func (d *Dovecot) WaitMessages(tb testing.TB, user, mailbox string, n int) int {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := d.doveadm("-f", "flow", "mailbox", "status", "-u", user, "messages", mailbox)
		_, val, _ := strings.Cut(strings.TrimSpace(out), "messages=")
		got, perr := strconv.Atoi(val)
		if err == nil && perr == nil && got >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testsrv: %s of %s: %d messages after 15 s, want %d (%v)\n%s", mailbox, user, got, n, err, d.LogTail())
		}
		time.Sleep(20 * time.Millisecond) // delivery gives no event to wait on
	}
}
