package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// packedBytes returns every byte in the body packs of the store at home.
func packedBytes(t *testing.T, home string) []byte {
	t.Helper()
	var all []byte
	files, _ := filepath.Glob(filepath.Join(home, "mail.db.bodies", "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// databaseBytes returns every byte of the database files (main file,
// write-ahead log) of the store at home.
func databaseBytes(t *testing.T, home string) []byte {
	t.Helper()
	var all []byte
	for _, name := range []string{"mail.db", "mail.db-wal", "mail.db-journal"} {
		b, err := os.ReadFile(filepath.Join(home, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func imapAccount(t *testing.T, d *testsrv.Dovecot, name, user string) model.Account {
	h, p := hostPort(t, d.IMAPSAddr)
	return model.Account{Name: name, Email: user, Username: user, Profile: "hanam",
		IMAP:              model.Server{Host: h, Port: p, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: h, Port: 465, Security: model.SecurityImplicit},
		TrustedCertSHA256: d.CertSHA256, Added: time.Now().Add(-time.Hour)}
}

func officialMail(from, to, subject, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Tue, 01 Dec 2026 08:00:00 +0700\r\n"+
		"Message-ID: <%d@hanam.gov.vn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, time.Now().UnixNano(), body))
}

// Mail expunged on the server and mail of a removed account leave the
// disk: not one byte of their bodies stays in the packs, and the other
// account's mail is whole (R10: the agency's mail stays where it belongs).
func TestRemovedMailLeavesThePacks(t *testing.T) {
	ctx := context.Background()
	const personal, pPass = "canhan@hanam.gov.vn", "Ch#2026-ca-nhan"
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, personal: pPass}})
	secretOf := func(i int) string { return fmt.Sprintf("MẬT-canhan-%04d-%s", i, bytes.Repeat([]byte("x"), 2000)) }
	keptOf := func(i int) string { return fmt.Sprintf("GIỮ-vanthu-%04d", i) }
	const n = 6
	for i := 0; i < n; i++ {
		d.Deliver(t, personal, officialMail(stc, personal, fmt.Sprintf("Thư riêng %d", i), secretOf(i)))
		d.Deliver(t, agency, officialMail(stc, agency, fmt.Sprintf("Công văn %d", i), keptOf(i)))
	}
	d.WaitMessages(t, personal, "INBOX", n)
	d.WaitMessages(t, agency, "INBOX", n)
	home := t.TempDir()
	own := imapAccount(t, d, "canhan", personal)
	office := imapAccount(t, d, "vanthu", agency)
	e := openEngineAt(t, home, own, pPass)
	if err := e.AddAccount(ctx, office, agencyPass); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SyncOnce(ctx, []model.Account{own, office}, true); err != nil {
		t.Fatal(err)
	}
	all := packedBytes(t, home)
	for i := 0; i < n; i++ {
		if !bytes.Contains(all, []byte(secretOf(i))) || !bytes.Contains(all, []byte(keptOf(i))) {
			t.Fatalf("body %d not downloaded into the packs", i)
		}
	}

	// Most of a pack expunged on the server: gone from the packs after the
	// next sync, the rest still there.
	d.Doveadm(t, "expunge", "-u", personal, "mailbox", "INBOX", "uid", "1:4")
	if _, err := e.SyncOnce(ctx, []model.Account{own, office}, true); err != nil {
		t.Fatal(err)
	}
	all = packedBytes(t, home)
	for i := 0; i < n; i++ {
		if kept := bytes.Contains(all, []byte(secretOf(i))); kept != (i >= 4) {
			t.Fatalf("body %d of %d in the packs: %v after 4 were expunged", i, n, kept)
		}
	}

	// The database keeps the subjects and the search index's terms (the
	// run of x is one term of every secret body).
	subject, term := []byte("Thư riêng"), bytes.Repeat([]byte("x"), 1000)
	if db := databaseBytes(t, home); !bytes.Contains(db, subject) || !bytes.Contains(db, term) {
		t.Fatal("the database holds no subject or index term of the account before its removal")
	}
	if err := e.RemoveAccount(ctx, "canhan"); err != nil {
		t.Fatal(err)
	}
	all = packedBytes(t, home)
	if bytes.Contains(all, []byte("MẬT-canhan")) {
		t.Fatal("mail of the removed account still in the packs")
	}
	if db := databaseBytes(t, home); bytes.Contains(db, subject) || bytes.Contains(db, term) {
		t.Fatal("a subject or an index term of the removed account is still in the database files")
	}
	list, err := e.Store.Search(ctx, "cong van", "", 20)
	if err != nil || len(list) != n {
		t.Fatalf("other account after the removal: %d messages, %v", len(list), err)
	}
	for _, m := range list {
		raw, err := e.Store.Body(ctx, m.ID)
		if err != nil || !bytes.Contains(raw, []byte("GIỮ-vanthu-")) {
			t.Fatalf("body of %q: %v", m.Subject, err)
		}
	}
}
