package testsrv

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"
)

// defaultDomains are delivered into Dovecot by every Postfix from
// StartPostfix, on top of the domains of the Dovecot's users.
var defaultDomains = []string{"hanam.gov.vn", "longan.gov.vn", "soctrang.gov.vn", "example.vn"}

// PostfixOptions configure StartPostfix; the zero value is fine.
type PostfixOptions struct {
	// Domains delivered into the Dovecot by LMTP, besides hanam.gov.vn,
	// longan.gov.vn, soctrang.gov.vn, example.vn and the domains of the
	// Dovecot's users at start. Mail to other domains bounces
	// (default_transport = error): nothing ever leaves the machine.
	Domains []string
	// MessageSizeLimit is message_size_limit in bytes; 0 means 50 MiB.
	MessageSizeLimit int
}

// Postfix is a private Postfix 3 instance on loopback that accepts
// authenticated submission and delivers by LMTP into a Dovecot.
//
// SASL authentication goes through the Dovecot (smtpd_sasl_type = dovecot),
// so the same logins and passwords work for IMAP and SMTP; AUTH is offered
// only under TLS. Unauthenticated clients are refused at RCPT. A policy
// service inside the test process answers every RCPT: by default it rejects
// unknown mailboxes of the local domains (550 5.1.1) and accepts the rest;
// Greylist, SetGreylist and Reject change that at once. No DNS lookups are
// made and retries of deferred mail happen within a second or two.
type Postfix struct {
	SubmissionAddr  string // host:port, submission with STARTTLS required before AUTH
	SubmissionsAddr string // host:port, implicit TLS (RFC 8314 "submissions")
	CertPEM         []byte // the server certificate, PEM
	CertSHA256      string // lowercase hex SHA-256 of the certificate's DER bytes
	Dir             string // config, queue, data and log of this instance

	d       *Dovecot
	domains []string
	opts    PostfixOptions
	policy  *policy
	ports   []int // submission, submissions
	mu      sync.Mutex
	proc    *proc
}

// StartPostfix starts a private Postfix delivering into d, and stops it in
// tb.Cleanup. An optional PostfixOptions may follow.
func StartPostfix(tb testing.TB, d *Dovecot, opts ...PostfixOptions) *Postfix {
	tb.Helper()
	Need(tb, "postfix", "/usr/lib/postfix/sbin/master")
	needRoot(tb)
	var o PostfixOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	p, err := newPostfix(d, o)
	if err != nil {
		tb.Fatalf("testsrv: postfix: %v", err)
	}
	tb.Cleanup(func() {
		p.Stop()
		p.policy.close()
		if os.Getenv("TESTSRV_KEEP") == "" {
			os.RemoveAll(p.Dir)
		}
	})
	for attempt := 0; ; attempt++ {
		if p.ports, err = freePorts(2); err != nil {
			tb.Fatalf("testsrv: postfix: %v", err)
		}
		p.SubmissionAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.ports[0]))
		p.SubmissionsAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(p.ports[1]))
		if err = p.start(); err == nil {
			return p
		}
		if !isAddrInUse(err) || attempt == 4 {
			tb.Fatalf("testsrv: start postfix: %v", err)
		}
	}
}

func newPostfix(d *Dovecot, o PostfixOptions) (*Postfix, error) {
	domains := slices.Concat(defaultDomains, o.Domains)
	for _, u := range d.Users() {
		if _, dom, ok := strings.Cut(u, "@"); ok {
			domains = append(domains, dom)
		}
	}
	for i := range domains {
		domains[i] = strings.ToLower(domains[i])
	}
	slices.Sort(domains)
	domains = slices.Compact(domains)
	cert, err := newSelfSigned("localhost", false)
	if err != nil {
		return nil, err
	}
	dir, err := makeDir("tcv-postfix-")
	if err != nil {
		return nil, err
	}
	p := &Postfix{Dir: dir, CertPEM: cert.certPEM, CertSHA256: cert.sha256, d: d, domains: domains, opts: o}
	if err := p.layout(cert); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	isLocal := func(addr string) bool {
		_, dom, _ := strings.Cut(addr, "@")
		return slices.Contains(p.domains, dom)
	}
	if p.policy, err = newPolicy(d.HasUser, isLocal); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start policy service: %w", err)
	}
	return p, nil
}

// layout creates the directories Postfix expects, with the owners its
// postfix-files prescribes, and the certificate files.
func (p *Postfix) layout(cert selfSigned) error {
	pf, err := user.Lookup("postfix")
	if err != nil {
		return fmt.Errorf("look up user postfix: %w", err)
	}
	pd, err := user.LookupGroup("postdrop")
	if err != nil {
		return fmt.Errorf("look up group postdrop: %w", err)
	}
	uid, _ := strconv.Atoi(pf.Uid)
	gid, _ := strconv.Atoi(pf.Gid)
	dropGID, _ := strconv.Atoi(pd.Gid)
	dirs := []struct {
		path     string
		uid, gid int
		mode     os.FileMode
	}{
		{"conf", 0, 0, 0o755},
		{"queue", 0, 0, 0o755},
		{"queue/pid", 0, 0, 0o755},
		{"data", uid, gid, 0o700},
		{"queue/maildrop", uid, dropGID, 0o730},
		{"queue/public", uid, dropGID, 0o710},
		{"queue/private", uid, gid, 0o700},
	}
	for _, q := range []string{"active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "saved", "trace"} {
		dirs = append(dirs, struct {
			path     string
			uid, gid int
			mode     os.FileMode
		}{"queue/" + q, uid, gid, 0o700})
	}
	for _, d := range dirs {
		path := filepath.Join(p.Dir, d.path)
		if err := os.Mkdir(path, d.mode); err != nil {
			return fmt.Errorf("make %s: %w", d.path, err)
		}
		if err := os.Chown(path, d.uid, d.gid); err != nil {
			return fmt.Errorf("chown %s: %w", d.path, err)
		}
		if err := os.Chmod(path, d.mode); err != nil {
			return fmt.Errorf("chmod %s: %w", d.path, err)
		}
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "conf", "cert.pem"), cert.certPEM, 0o644); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	if err := os.WriteFile(filepath.Join(p.Dir, "conf", "key.pem"), cert.keyPEM, 0o600); err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	return nil
}

var postfixMain = template.Must(template.New("main.cf").Parse(`# written by thucongvu/internal/testsrv
compatibility_level = 3.6
queue_directory = {{.Dir}}/queue
data_directory = {{.Dir}}/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = {{.Name}}
maillog_file = {{.Dir}}/postfix.log
maillog_file_prefixes = {{.Dir}}
myhostname = mail.testsrv.invalid
mydomain = testsrv.invalid
myorigin = $myhostname
mydestination =
local_recipient_maps =
local_transport = error:5.1.1 local delivery is disabled in tests
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
smtp_dns_support_level = disabled
lmtp_host_lookup = native
virtual_mailbox_domains = {{.Domains}}
virtual_transport = lmtp:inet:{{.LMTP}}
default_transport = error:5.4.4 delivery outside the test domains is disabled
relay_transport = error:5.4.4 delivery outside the test domains is disabled
smtpd_banner = $myhostname ESMTP testsrv
smtpd_tls_chain_files = {{.Dir}}/conf/key.pem, {{.Dir}}/conf/cert.pem
smtpd_tls_security_level = may
smtp_tls_security_level = none
lmtp_tls_security_level = none
smtpd_sasl_type = dovecot
smtpd_sasl_path = {{.AuthSocket}}
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_policy_service inet:{{.Policy}}, permit_sasl_authenticated, reject
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
message_size_limit = {{.SizeLimit}}
mailbox_size_limit = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
delay_warning_time = 0
notify_classes =
biff = no
smtputf8_enable = yes
`))

var postfixMaster = template.Must(template.New("master.cf").Parse(`# written by thucongvu/internal/testsrv; nothing is chrooted
127.0.0.1:{{.Submission}} inet n - n - - smtpd
  -o syslog_name={{.Name}}/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:{{.Submissions}} inet n - n - - smtpd
  -o syslog_name={{.Name}}/submissions
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
proxywrite unix  - - n -    1 proxymap
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
showq      unix  n - n -    - showq
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
lmtp       unix  - - n -    - lmtp
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
`))

func (p *Postfix) confDir() string { return filepath.Join(p.Dir, "conf") }
func (p *Postfix) logPath() string { return filepath.Join(p.Dir, "postfix.log") }

// LogTail returns the end of this instance's logs, for failure messages.
func (p *Postfix) LogTail() string {
	return logTail(filepath.Join(p.Dir, "master.out")) + "\n" + logTail(p.logPath())
}

func (p *Postfix) writeConf() error {
	size := p.opts.MessageSizeLimit
	if size == 0 {
		size = 50 << 20
	}
	vars := map[string]any{
		"Dir": p.Dir, "Name": "postfix-" + strings.TrimPrefix(filepath.Base(p.Dir), "tcv-postfix-"),
		"Domains": strings.Join(p.domains, " "), "LMTP": p.d.LMTPAddr, "AuthSocket": p.d.AuthSocket,
		"Policy": p.policy.addr(), "SizeLimit": size,
		"Submission": p.ports[0], "Submissions": p.ports[1],
	}
	for _, f := range []struct {
		t    *template.Template
		name string
	}{{postfixMain, "main.cf"}, {postfixMaster, "master.cf"}} {
		var b bytes.Buffer
		if err := f.t.Execute(&b, vars); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		path := filepath.Join(p.confDir(), f.name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		// Postfix rereads a configuration file changed within the last
		// second, 300 ms at a time, lest it read one half-written.
		old := time.Now().Add(-time.Minute)
		if err := os.Chtimes(path, old, old); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return nil
}

func (p *Postfix) start() error {
	if err := p.writeConf(); err != nil {
		return err
	}
	out, err := os.OpenFile(filepath.Join(p.Dir, "master.out"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open master log: %w", err)
	}
	defer out.Close()
	before := fileSize(p.logPath())
	// master -d stays in the foreground, so it and its children form our
	// process group. It resets its parent-death signal, hence the watchdog.
	pr, err := startGuarded([]string{"/usr/lib/postfix/sbin/master", "-d", "-c", p.confDir()}, func(cmd *exec.Cmd) {
		cmd.Stdout, cmd.Stderr = out, out
		cmd.Env = append(os.Environ(), "MAIL_CONFIG="+p.confDir())
	})
	if err != nil {
		return err
	}
	err = waitReady(pr, p.LogTail, 10*time.Second, func() bool {
		return logContainsAfter(p.logPath(), before, "daemon started") && canDial(p.SubmissionAddr)
	})
	if err != nil {
		pr.stop(time.Second)
		return err
	}
	p.mu.Lock()
	p.proc = pr
	p.mu.Unlock()
	return nil
}

// Stop stops Postfix and all its processes; accepted mail stays in the
// queue for the next Start. Open connections break. It is safe to call more
// than once.
func (p *Postfix) Stop() {
	p.mu.Lock()
	pr := p.proc
	p.proc = nil
	p.mu.Unlock()
	if pr != nil {
		pr.stop(5 * time.Second)
	}
}

// Start starts a stopped Postfix again on the same ports; it does nothing
// if Postfix runs.
func (p *Postfix) Start(tb testing.TB) {
	tb.Helper()
	p.mu.Lock()
	running := p.proc != nil
	p.mu.Unlock()
	if running {
		return
	}
	if err := startOnSamePorts(p.start); err != nil {
		tb.Fatalf("testsrv: start postfix: %v", err)
	}
}

// TLSConfig returns a client TLS configuration that trusts exactly this
// server's certificate (for 127.0.0.1).
func (p *Postfix) TLSConfig() *tls.Config { return tlsConfigFor(p.CertPEM) }

// Greylist makes the next n RCPT TO commands fail with
// "450 4.7.1 greylisted", as a greylisting server does.
func (p *Postfix) Greylist(n int) {
	p.policy.mu.Lock()
	p.policy.greyNext = n
	p.policy.mu.Unlock()
}

// SetGreylist makes every RCPT TO fail with 450 while on.
func (p *Postfix) SetGreylist(on bool) {
	p.policy.mu.Lock()
	p.policy.greylist = on
	p.policy.mu.Unlock()
}

// Greylisted returns how many RCPT TO commands were answered 4xx so far.
func (p *Postfix) Greylisted() int {
	p.policy.mu.Lock()
	defer p.policy.mu.Unlock()
	return p.policy.greylists
}

// Reject makes RCPT TO of addr fail with "550 5.7.1" from now on.
func (p *Postfix) Reject(addr string) {
	p.policy.mu.Lock()
	p.policy.rejects[strings.ToLower(addr)] = true
	p.policy.mu.Unlock()
}

// ClearFaults ends greylisting and every Reject.
func (p *Postfix) ClearFaults() {
	p.policy.mu.Lock()
	p.policy.greylist, p.policy.greyNext = false, 0
	clear(p.policy.rejects)
	p.policy.mu.Unlock()
}

// Queued returns how many messages wait in the queue (not yet delivered
// or bounced); it works while Postfix is stopped too.
func (p *Postfix) Queued() int {
	n := 0
	for _, q := range []string{"maildrop", "incoming", "active", "deferred", "hold"} {
		filepath.WalkDir(filepath.Join(p.Dir, "queue", q), func(_ string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}
