package testsrv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// AppendMany adds n messages, gen(0) … gen(n-1), to mailbox (created when
// missing) of user, in that UID order, quickly enough for benchmark
// mailboxes of 10,000–50,000 messages.
//
// It writes the Maildir files directly (as a local delivery agent would)
// and then has Dovecot assign UIDs with "doveadm force-resync"; message i
// gets INTERNALDATE base+i seconds, base being n seconds ago. Dovecot's
// header cache is left cold, as on a server that has just received the mail.
// Safe while clients are connected: they see the messages as new mail.
func (d *Dovecot) AppendMany(tb testing.TB, user, mailbox string, n int, gen func(i int) []byte) {
	tb.Helper()
	if err := d.appendMany(user, mailbox, n, gen); err != nil {
		tb.Fatalf("testsrv: append many: %v", err)
	}
}

func (d *Dovecot) appendMany(user, mailbox string, n int, gen func(i int) []byte) error {
	// "status" syncs and thereby creates INBOX and the auto mailboxes; others need "create".
	if _, err := d.doveadm("mailbox", "status", "-u", user, "messages", mailbox); err != nil {
		if _, err := d.doveadm("mailbox", "create", "-u", user, mailbox); err != nil {
			return err
		}
	}
	out, err := d.doveadm("mailbox", "path", "-u", user, mailbox)
	if err != nil {
		return err
	}
	cur := filepath.Join(strings.TrimSpace(out), "cur")
	if fi, err := os.Stat(cur); err != nil || !fi.IsDir() {
		return fmt.Errorf("maildir %s missing: %v", cur, err)
	}
	base := time.Now().Add(-time.Duration(n) * time.Second).Unix()
	pid := os.Getpid()
	for i := range n {
		raw := gen(i)
		// Dovecot assigns UIDs to new files in the order of the time stamp
		// that starts their name; S= spares it a stat to learn the size.
		t := base + int64(i)
		name := fmt.Sprintf("%d.M%dP%dQ%d.testsrv,S=%d:2,", t, i%1000000, pid, i, len(raw))
		path := filepath.Join(cur, name)
		if err := writeOwned(path, raw, d.mailUID, d.mailGID); err != nil {
			return err
		}
		mt := time.Unix(t, 0)
		if err := os.Chtimes(path, mt, mt); err != nil {
			return fmt.Errorf("set internal date: %w", err)
		}
	}
	_, err = d.doveadm("force-resync", "-u", user, mailbox)
	return err
}

func writeOwned(path string, data []byte, uid, gid int) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write message: %w", err)
	}
	if err := f.Chown(uid, gid); err != nil {
		f.Close()
		return fmt.Errorf("write message: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	return nil
}
