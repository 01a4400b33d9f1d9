package engine

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"thucongvu/internal/compose"
	"thucongvu/internal/config"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
)

// smallDisk mounts a 3 MB tmpfs for the state folder (the tests run as root).
func smallDisk(t *testing.T) string {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a small disk: %v %s", err, out)
		}
		t.Skipf("mount a small disk: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes until the disk is full and returns the filler's path.
func fill(t *testing.T, dir string) string {
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return path
		}
	}
}

// A full disk: queuing a mail and saving the configuration fail with a
// clear error, and nothing already on disk is lost or damaged.
func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	home := smallDisk(t)
	e, err := Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	a := model.Account{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Profile: "hanam",
		IMAP:      model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone},
		SMTP:      model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone},
		Signature: model.Signature{Name: "Trần Thị Mai", Title: "Văn thư", Agency: "Sở TTTT"}}
	e.Config.Accounts = []model.Account{a}
	if err := e.Config.Save(); err != nil {
		t.Fatal(err)
	}
	draft := compose.Draft{To: []model.Address{{Address: "stc@hanam.gov.vn"}}, Subject: "Báo cáo tháng", Body: "Kính gửi.",
		Attachments: []compose.Attachment{{Name: "bc.pdf", Data: []byte(strings.Repeat("%PDF-1.4 ", 40_000))}}}
	if _, _, err := e.Queue(ctx, a, draft, "vi"); err != nil {
		t.Fatalf("first mail on a disk with room: %v", err)
	}
	filler := fill(t, home)

	_, _, err = e.Queue(ctx, a, draft, "vi")
	if err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("queue on a full disk: %v", err)
	}
	e.Config.Accounts[0].Signature.Title = "Chánh văn phòng"
	if err := e.Config.Save(); err == nil {
		t.Fatal("saving the configuration on a full disk reported success")
	}
	cfg, err := config.Load(home)
	if err != nil || len(cfg.Accounts) != 1 || cfg.Accounts[0].Signature.Title != "Văn thư" {
		t.Fatalf("configuration after a failed save: %+v %v", cfg, err)
	}
	ob, _ := e.Outbox()
	items, err := ob.List(ctx)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox on a full disk: %d items, %v", len(items), err)
	}

	os.Remove(filler)
	if _, _, err := e.Queue(ctx, a, draft, "vi"); err != nil {
		t.Fatalf("queue once there is room again: %v", err)
	}
	if items, _ := ob.List(ctx); len(items) != 2 {
		t.Fatalf("outbox after room came back: %d items", len(items))
	}
}
