package store

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"thucongvu/internal/model"
)

// The folder list counts each folder's messages and unread ones, empty
// folders included, and names the roles; FolderRoles gives the roles alone.
func TestFolderCountsAndRoles(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inbox, _ := s.EnsureFolder(ctx, "a", "INBOX", model.RoleInbox)
	sent, _ := s.EnsureFolder(ctx, "a", "Sent", model.RoleSent)
	s.EnsureFolder(ctx, "a", "Lưu trữ 2025", "")
	s.EnsureFolder(ctx, "b", "INBOX", model.RoleInbox)
	put(t, s, inbox.ID, &Record{UID: 1}, &Record{UID: 2, Flags: []string{`\Seen`}}, &Record{UID: 3})
	put(t, s, sent.ID, &Record{UID: 1, Flags: []string{`\Seen`}})

	folders, err := s.Folders(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range folders {
		got = append(got, f.Name+":"+f.Role+":"+strconv.Itoa(f.Total)+"/"+strconv.Itoa(f.Unread))
	}
	if want := "INBOX:inbox:3/2 Sent:sent:1/0 Lưu trữ 2025::0/0"; strings.Join(got, " ") != want {
		t.Fatalf("folders %q, want %q", strings.Join(got, " "), want)
	}
	roles, err := s.FolderRoles(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 3 || roles["INBOX"] != model.RoleInbox || roles["Sent"] != model.RoleSent || roles["Lưu trữ 2025"] != "" {
		t.Fatalf("roles %v", roles)
	}
}
