// Package testsrv starts real mail servers and a real keychain for tests, on
// loopback, inside the test's lifetime: a private Dovecot 2.3 (IMAP with
// STARTTLS, IMAPS, LMTP, SASL for Postfix), a private Postfix 3 (submission
// with STARTTLS and implicit TLS, SASL through Dovecot, delivery by LMTP into
// the same Dovecot), a gnome-keyring Secret Service on a private session
// D-Bus, and a fault-injecting TCP proxy.
//
//	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{
//		"vanthu@hanam.gov.vn": "mật khẩu", "lanhdao@hanam.gov.vn": "khác"}})
//	p := testsrv.StartPostfix(t, d)
//	// submit to p.SubmissionAddr as vanthu@…, then:
//	d.WaitMessages(t, "lanhdao@hanam.gov.vn", "INBOX", 1)
//
// Ownership and limits. Everything an instance uses lives in one directory
// (Dir) under /dev/shm (tmpfs; TESTSRV_DIR overrides the parent), removed in
// tb.Cleanup unless TESTSRV_KEEP is set. Each daemon runs in its own process
// group, stopped as a whole in tb.Cleanup; if the test binary dies, the
// daemons die with it (parent-death signal, or a watchdog for Postfix, which
// clears that signal) and the next start removes the orphaned directories.
// The package never reads or changes /etc/dovecot, /etc/postfix, systemd or
// the user's session bus, never adds system users, and listens only on
// 127.0.0.1 (ports chosen free at start, kept across Restart/Start).
//
// The mail servers need root, which they drop: mail files belong to the
// Debian system user "mail" (uid/gid 8), Postfix runs as "postfix". Use
// [Need] to skip when something is missing — or fail, when CI=true.
//
// This package is for tests only; production code must not import it.
package testsrv
