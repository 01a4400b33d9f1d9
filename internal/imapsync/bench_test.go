package imapsync

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/mail"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

// benchMail is a realistic official mail of about 4 KB; every fifth
// carries a small PDF.
func benchMail(i int) []byte {
	subjects := []string{"Giấy mời họp giao ban", "Báo cáo tình hình chuyển đổi số", "Kế hoạch công tác tháng",
		"Công văn về việc rà soát hồ sơ", "Thông báo lịch trực Tết", "Dự thảo quyết định xin ý kiến"}
	body := strings.Repeat("Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông đề nghị các đơn vị "+
		"báo cáo kết quả triển khai trước ngày 15 hằng tháng.\r\n", 25)
	subject := fmt.Sprintf("%s số %d", subjects[i%len(subjects)], i)
	head := fmt.Sprintf("From: =?UTF-8?B?%s?= <vp%d@hanam.gov.vn>\r\nTo: %s\r\nSubject: =?UTF-8?B?%s?=\r\n"+
		"Message-ID: <b%d@hanam.gov.vn>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		b64("Văn phòng UBND tỉnh"), i%50, userHa, b64(subject), i,
		time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	if i%5 != 0 {
		return []byte(head + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)
	}
	return []byte(head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n--b\r\nContent-Type: application/pdf\r\n" +
		"Content-Disposition: attachment; filename=\"van-ban.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MK\r\n--b--\r\n")
}

func benchDovecot(b *testing.B, n int) *testsrv.Dovecot {
	d := testsrv.StartDovecot(b, testsrv.DovecotOptions{Users: map[string]string{userHa: passHa}})
	start := time.Now()
	d.AppendMany(b, userHa, "INBOX", n, benchMail)
	b.Logf("loaded %d messages in %s", n, time.Since(start).Round(time.Millisecond))
	return d
}

// rawFetch is the lower bound: one UID FETCH 1:* of the same items
// through go-imap into memory.
func rawFetch(b *testing.B, d *testsrv.Dovecot) time.Duration {
	c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if err := c.Login(userHa, passHa).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true, Envelope: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}, RFC822Size: true, InternalDate: true}).Collect()
	if err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	runtime.KeepAlive(msgs)
	return elapsed
}

func ourSync(b *testing.B, d *testsrv.Dovecot, dir string, bodies bool) (time.Duration, *Syncer) {
	st, err := store.Open(filepath.Join(dir, "mail.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s := &Syncer{Account: dovecotAccount(d, true), Store: st, Opts: &Options{}, Password: func() (string, error) { return passHa, nil }}
	start := time.Now()
	c, err := s.Connect(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(context.Background(), c); err != nil {
		b.Fatal(err)
	}
	if bodies {
		if _, err := s.SyncBodies(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start), s
}

// BenchmarkInitialSync: envelopes, flags and structure into the store,
// against the raw go-imap lower bound (target: within 2×).
func BenchmarkInitialSync(b *testing.B) {
	for _, n := range []int{10_000, 50_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			d := benchDovecot(b, n)
			rawFetch(b, d) // warm Dovecot's caches for both sides alike
			raw := rawFetch(b, d)
			ours, _ := ourSync(b, d, b.TempDir(), false)
			b.ReportMetric(raw.Seconds(), "raw-s")
			b.ReportMetric(ours.Seconds(), "sync-s")
			b.ReportMetric(ours.Seconds()/raw.Seconds(), "ratio")
			fmt.Printf("4 KB mailbox: initial sync %d: raw fetch %s, sync into store %s, ratio %.2f (target ≤ 2)\n",
				n, raw.Round(time.Millisecond), ours.Round(time.Millisecond), ours.Seconds()/raw.Seconds())
		})
	}
}

// BenchmarkResyncAndSearch: a pass with nothing changed on 50,000 messages
// (target < 300 ms) and the median search (target < 30 ms).
func BenchmarkResyncAndSearch(b *testing.B) {
	d := benchDovecot(b, 50_000)
	_, s := ourSync(b, d, b.TempDir(), false)
	ctx := context.Background()
	var passes []time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		c, err := s.Connect(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if sum, err := s.SyncOnce(ctx, c); err != nil || sum.New != 0 {
			b.Fatalf("resync: %+v %v", sum, err)
		}
		passes = append(passes, time.Since(start))
		c.Close()
	}
	resync := median(passes)
	queries := []string{"giay moi", "chuyen doi so", "bao cao", "ke hoach cong tac", "ra soat ho so", "lich truc tet",
		"du thao quyet dinh", "van phong", "van-ban.pdf", "so 4999", "hanam", "thong bao", "y kien", "so 12345"}
	var times []time.Duration
	for i := 0; i < 101; i++ {
		q := queries[i%len(queries)]
		start := time.Now()
		if _, err := s.Store.Search(ctx, q, "", 50); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	med := median(times)
	b.ReportMetric(float64(resync.Milliseconds()), "resync-ms")
	b.ReportMetric(float64(med.Microseconds())/1000, "search-median-ms")
	fmt.Printf("4 KB mailbox: resync unchanged 50000 (connect, login, pass): median %s (target < 300 ms)\n", resync.Round(time.Millisecond))
	fmt.Printf("4 KB mailbox: search 50000: median %s over %d queries (target < 30 ms)\n", med.Round(10*time.Microsecond), len(times))
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

// BenchmarkFullOfflineSync: every body of 10,000 messages, against mbsync
// pulling the same mailbox into a Maildir (target: no slower).
func BenchmarkFullOfflineSync(b *testing.B) {
	testsrv.Need(b, "mbsync")
	d := benchDovecot(b, 10_000)
	rawFetch(b, d)
	mbsync := runMbsync(b, d)
	ours, s := ourSyncPlain(b, d, b.TempDir())
	if refs, _ := s.Store.MissingBodies(context.Background(), s.Account.Name, 1); len(refs) != 0 {
		b.Fatal("bodies missing after full sync")
	}
	start := time.Now()
	if _, err := IndexBodies(context.Background(), s.Store, benchBodyText); err != nil {
		b.Fatal(err)
	}
	index := time.Since(start)
	b.ReportMetric(mbsync.Seconds(), "mbsync-s")
	b.ReportMetric(ours.Seconds(), "sync-s")
	b.ReportMetric(ours.Seconds()/mbsync.Seconds(), "ratio")
	b.ReportMetric(index.Seconds(), "index-s")
	fmt.Printf("4 KB mailbox: full offline sync 10000 (bodies stored): mbsync %s, ours %s, ratio %.2f (target ≤ 1); background body indexing after it %s\n",
		mbsync.Round(time.Millisecond), ours.Round(time.Millisecond), ours.Seconds()/mbsync.Seconds(), index.Round(time.Millisecond))
}

// runMbsync pulls INBOX into a new Maildir with mbsync's defaults (FSync
// on) and returns how long it took.
func runMbsync(b *testing.B, d *testsrv.Dovecot) time.Duration {
	dir := b.TempDir()
	conf := filepath.Join(dir, "mbsyncrc")
	// Both sides over plaintext loopback IMAP: mbsync 1.4 cannot verify a
	// certificate issued to an IP address, and the comparison stays fair.
	host, port := splitAddr(d.IMAPAddr)
	os.MkdirAll(filepath.Join(dir, "mail"), 0o700)
	os.WriteFile(conf, []byte(fmt.Sprintf(`IMAPAccount bench
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
Patterns INBOX
Create Near
SyncState *
`, host, port, userHa, passHa, dir, dir)), 0o600)
	start := time.Now()
	out, err := exec.Command("mbsync", "-c", conf, "-a").CombinedOutput()
	if err != nil {
		b.Fatalf("mbsync: %v\n%s", err, out)
	}
	return time.Since(start)
}

func ourSyncPlain(b *testing.B, d *testsrv.Dovecot, dir string) (time.Duration, *Syncer) {
	st, err := store.Open(filepath.Join(dir, "mail.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	a := dovecotAccount(d, false)
	a.IMAP.Security = model.SecurityNone
	s := &Syncer{Account: a, Store: st, Opts: &Options{BodyText: benchBodyText}, Password: func() (string, error) { return passHa, nil }}
	start := time.Now()
	c, err := s.Connect(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := s.SyncOnce(context.Background(), c); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SyncBodies(context.Background(), c); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), s
}

// benchBodyText is what the engine indexes: the decoded body.
func benchBodyText(raw []byte) (string, error) {
	m, err := mail.Parse(raw)
	if err != nil {
		return "", err
	}
	return m.Text, nil
}

func splitAddr(addr string) (string, string) {
	i := strings.LastIndex(addr, ":")
	return addr[:i], addr[i+1:]
}

// BenchmarkSyncPeakMemory runs `sync --once` of 50,000 messages in a fresh
// process and reads its peak resident memory (target < 200 MB).
func BenchmarkSyncPeakMemory(b *testing.B) {
	d := benchDovecot(b, 50_000)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncProcess$")
	cmd.Env = append(os.Environ(), "TCV_SYNC_PROCESS="+d.IMAPSAddr+"|"+d.CertSHA256+"|"+b.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("sync process: %v\n%s", err, out)
	}
	rss := testsrv.PeakRSSKiB(cmd.ProcessState) // KiB on Linux
	b.ReportMetric(float64(rss)/1024, "peak-MB")
	fmt.Printf("4 KB mailbox: sync --once 50000: peak memory %.0f MB (target < 200 MB)\n", float64(rss)/1024)
}

// TestSyncProcess is the child of BenchmarkSyncPeakMemory; it does nothing
// in a normal test run.
func TestSyncProcess(t *testing.T) {
	spec := os.Getenv("TCV_SYNC_PROCESS")
	if spec == "" {
		t.Skip("child process of BenchmarkSyncPeakMemory")
	}
	parts := strings.Split(spec, "|")
	host, port := splitAddr(parts[0])
	st, err := store.Open(filepath.Join(parts[2], "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := dovecotAccount(&testsrv.Dovecot{IMAPSAddr: host + ":" + port, CertSHA256: parts[1]}, true)
	s := &Syncer{Account: a, Store: st, Opts: &Options{}, Password: func() (string, error) { return passHa, nil }}
	c, err := s.Connect(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sum, err := s.SyncOnce(context.Background(), c)
	if err != nil || sum.Messages != 50_000 {
		t.Fatalf("%+v %v", sum, err)
	}
}
