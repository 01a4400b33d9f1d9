package imapsync

import (
	"context"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
)

// Creating a folder that another client made meanwhile, or one of
// Dovecot's "auto" folders, succeeds; a new folder gets its role.
func TestDovecotEnsureFolder(t *testing.T) {
	ctx := context.Background()
	d := startDovecot(t, testsrv.DovecotOptions{})
	a := dovecotAccount(d, true)
	c, err := Dial(ctx, a, passHa, &Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	other, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Login(userHa, passHa).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := other.Create("Lưu trữ 2025", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Lưu trữ 2025", nil).Wait(); !HasCode(err, imap.ResponseCodeAlreadyExists) {
		t.Fatalf("Dovecot's answer to a second CREATE: %v", err)
	}
	for _, name := range []string{"Lưu trữ 2025", "Sent", "Sent", "Thư đã gửi"} {
		if err := c.EnsureFolder(ctx, name, model.RoleSent); err != nil {
			t.Fatalf("ensure %s: %v", name, err)
		}
	}
	list, err := other.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	made := false
	for _, l := range list {
		if l.Mailbox == "Thư đã gửi" {
			made = true
		}
	}
	if !made {
		t.Fatalf("folder not created: %+v", list)
	}
}
