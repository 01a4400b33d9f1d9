package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/testsrv"
)

const (
	agency     = "vanthu@hanam.gov.vn"
	agencyPass = "Vt#2026-van-thu"
	heir       = "vanthu2@hanam.gov.vn" // the new head's mailbox in the handover
	heirPass   = "Vt2#2026-ban-giao"
	stc        = "stc@hanam.gov.vn"
	stcPass    = "Stc#2026-abcd"
)

type world struct {
	d *testsrv.Dovecot
	p *testsrv.Postfix
}

func startWorld(t *testing.T) *world {
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, heir: heirPass, stc: stcPass}})
	return &world{d: d, p: testsrv.StartPostfix(t, d)}
}

func (w *world) connect(user, pass string) func(context.Context) (*imapclient.Client, error) {
	return func(ctx context.Context) (*imapclient.Client, error) {
		c, err := imapclient.DialTLS(w.d.IMAPSAddr, &imapclient.Options{TLSConfig: w.d.TLSConfig()})
		if err != nil {
			return nil, err
		}
		if err := c.Login(user, pass).Wait(); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

func (w *world) client(t *testing.T, user, pass string) *imapclient.Client {
	c, err := w.connect(user, pass)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// submit sends raw through Postfix, as a sender agency does.
func (w *world) submit(t *testing.T, raw string) {
	c, err := smtp.DialTLS(w.p.SubmissionsAddr, w.p.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", stc, stcPass)); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(stc, []string{agency}, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
}

func document(i int) string {
	return fmt.Sprintf("From: Sở Tài chính <%s>\r\nTo: %s\r\nSubject: Công văn số %d/STC-NS về dự toán\r\nMessage-ID: <cv%d.%d@stc.hanam.gov.vn>\r\n"+
		"Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Kính gửi Văn phòng.\r\nFrom the desk of the director\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n", stc, agency, i, i, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z))
}

// appendOld puts a message into folder with an old INTERNALDATE.
func appendOld(t *testing.T, c *imapclient.Client, folder, raw string, at time.Time) {
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Time: at, Flags: []imap.Flag{imap.FlagSeen, "$TCVAcked"}})
	if _, err := io.WriteString(cmd, raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// serverSums maps each folder of user to the sorted SHA-256 of its messages.
func serverSums(t *testing.T, c *imapclient.Client) map[string][]string {
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) {
			continue
		}
		sel, err := c.Select(l.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if sel.NumMessages == 0 {
			continue
		}
		search, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		sums, err := hashMessages(c, search.AllUIDs())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sums {
			out[l.Mailbox] = append(out[l.Mailbox], s)
		}
		sort.Strings(out[l.Mailbox])
	}
	return out
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

type fakeRegister struct{ data []byte }

func (r fakeRegister) ExportXLSX(ctx context.Context, account string, w io.Writer) error {
	_, err := w.Write(r.data)
	return err
}

// R8, R10: the handover package (LĐ 10.1d, BD 10): every folder backed up byte
// for byte, restored into the new head's mailbox with folders created, and
// a second restore adds nothing.
func TestBackupRestoreHandover(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	for i := 1; i <= 3; i++ {
		w.submit(t, document(i))
	}
	w.d.WaitMessages(t, agency, "INBOX", 3)
	c := w.client(t, agency, agencyPass)
	if err := c.Create("Lưu trữ/2025", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	noID := "From: x@hanam.gov.vn\r\nSubject: Không có Message-ID\r\n\r\nFrom here on\nbare LF and no final newline"
	fromLine := "From: y@hanam.gov.vn\r\nSubject: Dòng From\r\nMessage-ID: <from@x>\r\n\r\nFrom the start\r\n>From quoted\r\n"
	appendOld(t, c, "Lưu trữ/2025", noID, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	appendOld(t, c, "Lưu trữ/2025", fromLine, time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC))
	want := serverSums(t, c)

	to := t.TempDir()
	res, err := Create(ctx, to, Options{Account: "vanthu", Email: agency, Connect: w.connect(agency, agencyPass),
		Register: fakeRegister{[]byte("PK register")}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(filepath.Base(res.Path), ".") {
		t.Fatalf("backup left under a partial name: %s", res.Path)
	}
	m := res.Manifest
	if m.Messages != 5 || m.Register == nil || m.Register.SHA256 != sha("PK register") {
		t.Fatalf("manifest: %d messages, register %+v", m.Messages, m.Register)
	}
	got := map[string][]string{}
	for _, f := range m.Folders {
		for _, it := range f.Items {
			got[f.Name] = append(got[f.Name], it.SHA256)
			raw, err := os.ReadFile(filepath.Join(res.Path, filepath.FromSlash(it.File)))
			if err != nil || sha(string(raw)) != it.SHA256 {
				t.Fatalf("%s: file does not hash to its manifest entry (%v)", it.File, err)
			}
		}
		sort.Strings(got[f.Name])
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("backup holds\n%v\nserver holds\n%v", got, want)
	}
	entries, _ := os.ReadDir(to)
	if len(entries) != 1 {
		t.Fatalf("target holds %d entries, want the one backup", len(entries))
	}

	found, err := Find(to)
	if err != nil || found != res.Path {
		t.Fatalf("Find(%s) = %s, %v", to, found, err)
	}
	r1, err := Restore(ctx, to, w.connect(heir, heirPass))
	if err != nil {
		t.Fatal(err)
	}
	if n := appended(r1); n != 5 {
		t.Fatalf("first restore appended %d, want 5: %+v", n, r1)
	}
	hc := w.client(t, heir, heirPass)
	if after := serverSums(t, hc); fmt.Sprint(after) != fmt.Sprint(want) {
		t.Fatalf("restored mailbox holds\n%v\nwant\n%v", after, want)
	}
	r2, err := Restore(ctx, res.Path, w.connect(heir, heirPass))
	if err != nil {
		t.Fatal(err)
	}
	if n := appended(r2); n != 0 {
		t.Fatalf("second restore appended %d, want 0: %+v", n, r2)
	}
	if after := serverSums(t, hc); fmt.Sprint(after) != fmt.Sprint(want) {
		t.Fatalf("after a second restore the mailbox holds\n%v", after)
	}
	// Flags and dates come back too.
	if _, err := hc.Select("Lưu trữ/2025", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := hc.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Flags: true, InternalDate: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	if !msgs[0].InternalDate.Equal(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)) || !hasFlag(msgs[0].Flags, "$TCVAcked") || !hasFlag(msgs[0].Flags, imap.FlagSeen) {
		t.Fatalf("restored message: date %v flags %v", msgs[0].InternalDate, msgs[0].Flags)
	}
}

func hasFlag(flags []imap.Flag, want imap.Flag) bool {
	for _, f := range flags {
		if strings.EqualFold(string(f), string(want)) {
			return true
		}
	}
	return false
}

func appended(rs []Restored) int {
	n := 0
	for _, r := range rs {
		n += r.Appended
	}
	return n
}

// A backup changed after it was made restores nothing.
func TestRestoreDamagedBackupRestoresNothing(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	w.submit(t, document(1))
	w.submit(t, document(2))
	w.d.WaitMessages(t, agency, "INBOX", 2)
	res, err := Create(ctx, t.TempDir(), Options{Account: "vanthu", Connect: w.connect(agency, agencyPass)})
	if err != nil {
		t.Fatal(err)
	}
	last := ""
	for _, f := range res.Manifest.Folders {
		if f.Name == "INBOX" {
			last = f.Items[len(f.Items)-1].File
		}
	}
	if err := os.WriteFile(filepath.Join(res.Path, filepath.FromSlash(last)), []byte("Subject: forged\r\n\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, res.Path, w.connect(heir, heirPass)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("restore of a damaged backup: %v, want ErrCorrupt", err)
	}
	if n := len(serverSums(t, w.client(t, heir, heirPass))); n != 0 {
		t.Fatalf("a damaged backup restored into %d folders", n)
	}
}

// R10: prune (LĐ 12.3) deletes only old mail the backup holds and whose server
// bytes match it; new mail, mail the backup lacks and a folder whose
// UIDVALIDITY changed stay.
func TestPruneDeletesOnlyVerifiedOldMail(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	c := w.client(t, agency, agencyPass)
	old := time.Now().AddDate(0, 0, -400)
	for i := 0; i < 3; i++ {
		appendOld(t, c, "INBOX", document(100+i), old.Add(time.Duration(i)*time.Hour))
	}
	if err := c.Create("Archive/2024", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	appendOld(t, c, "Archive/2024", document(200), old)
	w.submit(t, document(1)) // new mail: kept
	w.d.WaitMessages(t, agency, "INBOX", 4)
	res, err := Create(ctx, t.TempDir(), Options{Account: "vanthu", Connect: w.connect(agency, agencyPass)})
	if err != nil {
		t.Fatal(err)
	}
	lacking := document(300)
	appendOld(t, c, "INBOX", lacking, old) // old, but after the backup: the backup lacks it
	c.Logout().Wait()
	w.d.SetUIDValidity(t, agency, "Archive/2024", w.d.UIDValidity(t, agency, "Archive/2024")+7)
	// One old message changes on the server after the backup (same size):
	// its bytes no longer match the backup's, so it stays.
	changed := false
	files, _ := filepath.Glob(filepath.Join(w.d.Dir, "home", agency, "Maildir", "cur", "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err == nil && bytes.Contains(raw, []byte("Công văn số 101/")) {
			os.WriteFile(f, bytes.Replace(raw, []byte("Kính gửi"), []byte("Kính gởi"), 1), 0o600)
			changed = true
		}
	}
	if !changed {
		t.Fatal("no server file of message 101 to change")
	}

	pruned, err := Prune(ctx, res.Path, time.Now().AddDate(0, 0, -365), w.connect(agency, agencyPass))
	if err != nil {
		t.Fatal(err)
	}
	byFolder := map[string]Pruned{}
	for _, p := range pruned {
		byFolder[p.Folder] = p
	}
	if byFolder["INBOX"].Deleted != 2 || byFolder["INBOX"].Kept != 1 || byFolder["Archive/2024"].Deleted != 0 || byFolder["Archive/2024"].Kept != 1 {
		t.Fatalf("pruned %+v", pruned)
	}
	left := serverSums(t, w.client(t, agency, agencyPass))
	if len(left["INBOX"]) != 3 || len(left["Archive/2024"]) != 1 {
		t.Fatalf("left on the server: %v", left)
	}
	if inbox := strings.Join(left["INBOX"], ","); !strings.Contains(inbox, sha(lacking)) {
		t.Fatalf("the message the backup lacks was deleted")
	}
}

// mountTmpfs mounts a tmpfs of size bytes at dir (opts "ro" for a read-only one).
func mountTmpfs(t *testing.T, dir string, size int, ro bool) {
	testsrv.Need(t, "mount", "umount")
	opt := fmt.Sprintf("size=%d", size)
	if ro {
		opt += ",ro"
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opt, "tcv-backup", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount tmpfs: %v: %s", err, out)
		}
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

// A full disk or an unwritable target is a clear error, leaves no backup
// that looks complete, and so nothing can be pruned on the strength of it.
func TestBackupFullDiskAndUnwritableTarget(t *testing.T) {
	ctx := context.Background()
	w := startWorld(t)
	c := w.client(t, agency, agencyPass)
	big := document(1) + strings.Repeat("Nội dung văn bản dài. ", 4000)
	for i := 0; i < 4; i++ {
		appendOld(t, c, "INBOX", big, time.Now().AddDate(-2, 0, i))
	}
	for _, tc := range []struct {
		name string
		ro   bool
		want string
	}{{"full", false, "no space left"}, {"readonly", true, "read-only"}} {
		t.Run(tc.name, func(t *testing.T) {
			mnt := t.TempDir()
			mountTmpfs(t, mnt, 200<<10, tc.ro)
			_, err := Create(ctx, filepath.Join(mnt, "backups"), Options{Account: "vanthu", Connect: w.connect(agency, agencyPass)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("backup onto a %s target: %v, want %q", tc.name, err, tc.want)
			}
			if dir, err := Find(filepath.Join(mnt, "backups")); err == nil {
				t.Fatalf("a failed backup left %s looking complete", dir)
			}
			if entries, _ := os.ReadDir(filepath.Join(mnt, "backups")); len(entries) != 0 {
				t.Fatalf("a failed backup left %d entries", len(entries))
			}
		})
	}
	if n := w.d.WaitMessages(t, agency, "INBOX", 4); n != 4 {
		t.Fatalf("INBOX holds %d, want 4", n)
	}
}

// A manifest is hostile input: paths outside the backup and inconsistent
// counts are refused.
func TestParseManifestRefuses(t *testing.T) {
	good := `{"format":"thucongvu-backup/1","account":"a","folders":[{"name":"INBOX","dir":"mail/001-INBOX","messages":1,"bytes":3,
"items":[{"uid":1,"file":"mail/001-INBOX/cur/k:2,S","size":3,"sha256":"` + strings.Repeat("a", 64) + `"}]}],"messages":1,"bytes":3}`
	if _, err := ParseManifest([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"escape":   strings.Replace(good, "mail/001-INBOX/cur/k:2,S", "mail/001-INBOX/../../etc/passwd", 1),
		"absolute": strings.Replace(good, `"dir":"mail/001-INBOX"`, `"dir":"/etc"`, 1),
		"count":    strings.Replace(good, `"messages":1,"bytes":3}`, `"messages":2,"bytes":3}`, 1),
		"format":   strings.Replace(good, "thucongvu-backup/1", "other", 1),
		"trunc":    good[:len(good)/2],
	} {
		if _, err := ParseManifest([]byte(bad)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":"thucongvu-backup/1","folders":[{"name":"INBOX","dir":"mail/001-INBOX","messages":0,"bytes":0,"items":[]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := ParseManifest(raw)
		if err != nil {
			return
		}
		for _, fo := range m.Folders {
			if checkRel(fo.Dir) != nil {
				t.Fatalf("accepted folder dir %q", fo.Dir)
			}
			for _, it := range fo.Items {
				if !strings.HasPrefix(it.File, fo.Dir+"/") || bytes.Contains([]byte(it.File), []byte("..")) && checkRel(it.File) != nil {
					t.Fatalf("accepted file %q", it.File)
				}
			}
		}
	})
}

func FuzzMessageID(f *testing.F) {
	f.Add([]byte("Message-ID: <a@b>\r\n\r\nx"))
	f.Add([]byte("Subject: x\r\nMessage-Id:\r\n <folded@x>\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		id := messageID(raw)
		if len(id) > headerLimit {
			t.Fatalf("Message-ID of %d bytes", len(id))
		}
	})
}

func TestMessageID(t *testing.T) {
	for raw, want := range map[string]string{
		"Message-ID: <a@b>\r\n\r\nbody":                    "a@b",
		"Subject: x\r\nMessage-Id:\r\n <folded@x>\r\n\r\n": "folded@x",
		"Subject: none\r\n\r\n":                            "",
		"not a header at all":                              "",
	} {
		if got := messageID([]byte(raw)); got != want {
			t.Errorf("messageID(%q) = %q, want %q", raw, got, want)
		}
	}
}
