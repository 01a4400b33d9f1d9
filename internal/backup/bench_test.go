package backup

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/testsrv"
)

// realisticMail is an agency's mail, deterministic in i: a Vietnamese
// text body of 2–8 KB, and every fifth a PDF attachment of 50–500 KB
// (most of them small), about 46 KB per message on average.
func realisticMail(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 14))
	subjects := []string{"Giấy mời họp giao ban", "Báo cáo tình hình chuyển đổi số", "Kế hoạch công tác tháng",
		"Công văn về việc rà soát hồ sơ", "Thông báo lịch trực", "Quyết định phê duyệt dự toán"}
	var b strings.Builder
	fmt.Fprintf(&b, "From: =?UTF-8?B?%s?= <vp%d@hanam.gov.vn>\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\nMessage-ID: <bench%d@hanam.gov.vn>\r\n"+
		"Date: %s\r\nMIME-Version: 1.0\r\n", base64.StdEncoding.EncodeToString([]byte("Văn phòng UBND tỉnh")), i%50, agency,
		base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%s số %d", subjects[i%len(subjects)], i))), i,
		time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	line := "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông đề nghị các đơn vị báo cáo kết quả.\r\n"
	body := strings.Repeat(line, 15+r.IntN(50))
	if i%5 != 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)
		return []byte(b.String())
	}
	u := r.Float64()
	pdf := make([]byte, 50<<10+int(450<<10*u*u*u*u))
	for j := range pdf {
		pdf[j] = byte(r.Uint32())
	}
	copy(pdf, "%PDF-1.7\n")
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n--b\r\nContent-Type: application/pdf\r\n" +
		"Content-Disposition: attachment; filename=\"van-ban.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(pdf)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b--\r\n")
	return []byte(b.String())
}

// BenchmarkBackup10000: a backup of 10,000 realistic messages (about
// 460 MB) against mbsync pulling the same mailbox into a Maildir, both over
// plaintext loopback IMAP (target: no slower, ratio ≤ 1).
func BenchmarkBackup10000(b *testing.B) {
	testsrv.Need(b, "mbsync")
	const n = 10_000
	d := testsrv.StartDovecot(b, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass}})
	var total int64
	d.AppendMany(b, agency, "INBOX", n, func(i int) []byte {
		m := realisticMail(i)
		total += int64(len(m))
		return m
	})
	b.Logf("%d messages, %.0f MB, %.1f KB on average", n, float64(total)/(1<<20), float64(total)/n/1024)
	warm := func() { // both runs read from a warm page cache
		exec.Command("sh", "-c", "cat "+filepath.Join(d.Dir, "home", agency, "Maildir", "cur")+"/* > /dev/null").Run()
	}
	dir := b.TempDir()
	host, port, _ := net.SplitHostPort(d.IMAPAddr)
	conf := filepath.Join(dir, "mbsyncrc")
	os.MkdirAll(filepath.Join(dir, "mail"), 0o700)
	// Neither side flushes each message to disk (the backup verifies every
	// file and flushes its manifest instead).
	os.WriteFile(conf, []byte(fmt.Sprintf(`FSync no

IMAPAccount bench
Host %s
Port %s
User %s
Pass "%s"
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path %s/mail/
Inbox %s/mail/INBOX

Channel bench
Far :remote:
Near :local:
Patterns *
Create Near
SyncState *
`, host, port, agency, agencyPass, dir, dir)), 0o600)
	connect := func(ctx context.Context) (*imapclient.Client, error) {
		c, err := imapclient.DialInsecure(d.IMAPAddr, nil)
		if err != nil {
			return nil, err
		}
		return c, c.Login(agency, agencyPass).Wait()
	}
	// Each side twice, in turn, the best run of each: the machine is shared.
	var mbsync, ours time.Duration
	for round := 0; round < 2; round++ {
		os.RemoveAll(filepath.Join(dir, "mail"))
		os.MkdirAll(filepath.Join(dir, "mail"), 0o700)
		warm()
		start := time.Now()
		if out, err := exec.Command("mbsync", "-c", conf, "-a").CombinedOutput(); err != nil {
			b.Fatalf("mbsync: %v\n%s", err, out)
		}
		if t := time.Since(start); round == 0 || t < mbsync {
			mbsync = t
		}
		os.RemoveAll(filepath.Join(dir, "mail"))

		warm()
		to := b.TempDir()
		start = time.Now()
		res, err := Create(context.Background(), to, Options{Account: "vanthu", Connect: connect})
		t := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Manifest.Messages != n || res.Manifest.Bytes != total {
			b.Fatalf("backup holds %d messages, %d bytes; want %d, %d", res.Manifest.Messages, res.Manifest.Bytes, n, total)
		}
		if round == 0 || t < ours {
			ours = t
		}
		b.Logf("round %d: backup %s", round, t)
		os.RemoveAll(to)
	}
	b.ReportMetric(mbsync.Seconds(), "mbsync-s")
	b.ReportMetric(ours.Seconds(), "backup-s")
	b.ReportMetric(ours.Seconds()/mbsync.Seconds(), "ratio")
	fmt.Printf("backup of %d messages (%.0f MB): %s; mbsync %s; ratio %.2f (target ≤ 1)\n",
		n, float64(total)/(1<<20), ours.Round(time.Millisecond), mbsync.Round(time.Millisecond), ours.Seconds()/mbsync.Seconds())
}
