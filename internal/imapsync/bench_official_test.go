package imapsync

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/mailgen"
	"thucongvu/internal/model"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
)

// officialSeed makes the benchmarks' official mailbox (internal/mailgen):
// 46 KB a message on average, 15 % with PDF or DOCX attachments.
const officialSeed = 2026

// full50kEnv turns on the full offline sync of the 50,000-message official
// mailbox (2.3 GB; minutes on a shared 2-core machine); "only" runs that
// figure alone.
const full50kEnv = "TCV_BENCH_FULL50K"

// headersOnlyEnv stops the benchmark after the 10,000-message header figure.
const headersOnlyEnv = "TCV_BENCH_HEADERS_ONLY"

// only10kEnv stops the benchmark after the 10,000-message figures.
const only10kEnv = "TCV_BENCH_ONLY10K"

// headers50kOnlyEnv runs only the 50,000-message header figure.
const headers50kOnlyEnv = "TCV_BENCH_HEADERS50K_ONLY"

// headerProfileEnv names a file for a CPU profile of the header syncs
// (the client's side of the header figures only).
const headerProfileEnv = "TCV_HEADER_CPUPROFILE"

// resyncOnlyEnv runs only the 50,000-message re-sync and search figures,
// after one header sync.
const resyncOnlyEnv = "TCV_BENCH_RESYNC_ONLY"

// BenchmarkOfficialMail measures sync on the generated official mailbox,
// each figure against its anchor measured in the same run: header sync
// against a raw go-imap UID FETCH 1:* of the same items (target ≤ 1.3×),
// the full offline sync against mbsync with its default FSync (target
// ≤ 0.8×) and a raw full fetch (target ≤ 5×), the peak memory of the full
// sync (target ≤ 100 MB, flat from 10,000 to 50,000), a re-sync with
// nothing changed (target ≤ 150 ms) and search (target ≤ 10 ms) at 50,000.
func BenchmarkOfficialMail(b *testing.B) {
	testsrv.Need(b, "mbsync")
	d := testsrv.StartDovecot(b, testsrv.DovecotOptions{Users: map[string]string{userHa: passHa}})
	gen := mailgen.New(officialSeed)
	loaded := 0
	load := func(n int) {
		start := time.Now()
		from := loaded
		d.AppendMany(b, userHa, "INBOX", n-loaded, func(i int) []byte { return gen.Message(from + i) })
		loaded = n
		b.Logf("official mailbox: %d messages loaded in %s", n, time.Since(start).Round(time.Millisecond))
	}
	fmt.Printf("official mailbox (mailgen seed %d, 46 KB a message): load average %s\n", officialSeed, loadAverage())

	if os.Getenv(full50kEnv) == "only" {
		load(50_000)
		fullFigures(b, d, 50_000, false)
		return
	}
	if os.Getenv(headers50kOnlyEnv) != "" {
		load(50_000)
		headerFigures(b, d, 50_000)
		return
	}
	if os.Getenv(resyncOnlyEnv) != "" {
		load(50_000)
		_, s := ourSync(b, d, b.TempDir(), false)
		resyncAndSearch(b, s, 50_000)
		return
	}
	load(10_000)
	headerFigures(b, d, 10_000)
	if os.Getenv(headersOnlyEnv) != "" {
		return
	}
	fullFigures(b, d, 10_000, true)

	if os.Getenv(only10kEnv) != "" {
		return
	}
	load(50_000)
	s := headerFigures(b, d, 50_000)
	resyncAndSearch(b, s, 50_000)
	if os.Getenv(full50kEnv) != "" {
		fullFigures(b, d, 50_000, false)
	} else {
		fmt.Printf("official full offline sync 50000: skipped (set %s=1)\n", full50kEnv)
	}
}

// headerFigures: medians of three header syncs into new stores and three
// raw fetches, alternated; it returns the last syncer.
func headerFigures(b *testing.B, d *testsrv.Dovecot, n int) *Syncer {
	rawFetch(b, d) // Dovecot builds its cache once, for both sides alike
	var raws, ours, rawCPUs, ourCPUs, indexed []time.Duration
	var s *Syncer
	for range 3 {
		cpu := processCPU()
		raws = append(raws, rawFetch(b, d))
		rawCPUs = append(rawCPUs, processCPU()-cpu)
		var t time.Duration
		stop := startHeaderProfile(b)
		cpu = processCPU()
		t, s = ourSync(b, d, b.TempDir(), false)
		ourCPUs = append(ourCPUs, processCPU()-cpu)
		stop()
		ours = append(ours, t)
		// The headers' search entries follow in the background pass
		// (Store.IndexHeaders); a search before it ends indexes first.
		start := time.Now()
		if n, err := s.Store.IndexHeaders(context.Background()); err != nil || n != storedMessages(s) {
			b.Fatalf("header index: %d, %v", n, err)
		}
		indexed = append(indexed, time.Since(start))
	}
	// The client's own CPU (Dovecot's is apart) depends far less on what
	// else the machine runs than the wall-clock figure.
	rawCPU, ourCPU := median(rawCPUs), median(ourCPUs)
	fmt.Printf("official header sync %d: client CPU of the raw fetch %s, of sync --once %s, ratio %.2f\n",
		n, rawCPU.Round(time.Millisecond), ourCPU.Round(time.Millisecond), ourCPU.Seconds()/rawCPU.Seconds())
	raw, sync := median(raws), median(ours)
	b.ReportMetric(sync.Seconds()/raw.Seconds(), fmt.Sprintf("header-ratio-%d", n))
	fmt.Printf("official header sync %d: raw go-imap UID FETCH 1:* %s, sync --once %s, ratio %.2f (target ≤ 1.3); runs %s / %s\n",
		n, raw.Round(time.Millisecond), sync.Round(time.Millisecond), sync.Seconds()/raw.Seconds(), durations(raws), durations(ours))
	idx := median(indexed)
	fmt.Printf("official header sync %d: then the headers' search index in the background %s (runs %s); sync and index together %.2f× raw\n",
		n, idx.Round(time.Millisecond), durations(indexed), (sync+idx).Seconds()/raw.Seconds())
	return s
}

// startHeaderProfile adds the CPU profile of one header sync to the
// file named by headerProfileEnv (each sync overwrites it: the last
// one's stays) and returns the stop function.
func startHeaderProfile(b *testing.B) func() {
	path := os.Getenv(headerProfileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// fullFigures: mbsync and a raw full fetch, then the client's full sync
// in a fresh process (for its peak memory), all over plaintext loopback.
func fullFigures(b *testing.B, d *testsrv.Dovecot, n int, withMbsync bool) {
	rawBodies(b, d)
	raw := rawBodies(b, d)
	var mbsync time.Duration
	if withMbsync {
		mbsync = runMbsync(b, d)
	}
	run := fullSyncProcess(b, d, n)
	ours := run.sync
	b.ReportMetric(ours.Seconds()/raw.Seconds(), fmt.Sprintf("full-raw-ratio-%d", n))
	b.ReportMetric(run.peakMB, fmt.Sprintf("full-peak-MB-%d", n))
	b.ReportMetric(run.index.Seconds(), fmt.Sprintf("index-s-%d", n))
	line := fmt.Sprintf("official full offline sync %d (bodies stored, readable offline): sync --bodies %s; raw full fetch %s, ratio %.2f (target ≤ 5)",
		n, ours.Round(time.Millisecond), raw.Round(time.Millisecond), ours.Seconds()/raw.Seconds())
	if withMbsync {
		b.ReportMetric(ours.Seconds()/mbsync.Seconds(), fmt.Sprintf("full-mbsync-ratio-%d", n))
		line += fmt.Sprintf("; mbsync (FSync) %s, ratio %.2f (target ≤ 0.8)", mbsync.Round(time.Millisecond), ours.Seconds()/mbsync.Seconds())
	}
	fmt.Println(line)
	fmt.Printf("official background body indexing %d (after the sync, text into search): %s; sync + indexing %s, %.2f× raw\n",
		n, run.index.Round(time.Millisecond), (ours + run.index).Round(time.Millisecond), (ours+run.index).Seconds()/raw.Seconds())
	fmt.Printf("official full offline sync %d: peak memory %.0f MB (target ≤ 100 MB) with the indexing; %.0f MB by the end of the header pass, %.0f MB by the end of the body pass\n",
		n, run.peakMB, run.headerMB, run.syncMB)
}

// resyncAndSearch: a pass with nothing changed (connect, login, pass) and
// search, medians.
func resyncAndSearch(b *testing.B, s *Syncer, n int) {
	ctx := context.Background()
	var passes []time.Duration
	for range 5 {
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
	queries := []string{"giay moi hop", "chuyen doi so", "bao cao", "ke hoach", "ra soat ho so cong chuc", "lich truc tet",
		"du thao nghi quyet", "van phong", "so 1999", "hanam", "thong bao", "thien tai", "nguyen van hung", "cong van so 12"}
	var times []time.Duration
	for i := range 101 {
		start := time.Now()
		if _, err := s.Store.Search(ctx, queries[i%len(queries)], "", 50); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	resync, search := median(passes), median(times)
	b.ReportMetric(float64(resync.Microseconds())/1000, fmt.Sprintf("resync-ms-%d", n))
	b.ReportMetric(float64(search.Microseconds())/1000, fmt.Sprintf("search-ms-%d", n))
	fmt.Printf("official re-sync unchanged %d: median %s (target ≤ 150 ms); search median %s (target ≤ 10 ms)\n",
		n, resync.Round(time.Millisecond), search.Round(10*time.Microsecond))
}

// rawBodies is the full fetch's lower bound: UID FETCH 1:* BODY.PEEK[]
// through go-imap, each body read and dropped.
func rawBodies(b *testing.B, d *testsrv.Dovecot) time.Duration {
	start := time.Now()
	c, err := imapclient.DialInsecure(d.IMAPAddr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(userHa, passHa).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	cmd := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok {
				io.Copy(io.Discard, body.Literal)
			}
		}
	}
	if err := cmd.Close(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// fullSyncProcess runs TestFullSyncProcess in a fresh process and returns
// its sync and indexing times and its peak resident memory. With
// TCV_CPUPROFILE=PATH set, the child writes the sync's CPU profile to PATH
// and the indexing's to PATH.index.
func fullSyncProcess(b *testing.B, d *testsrv.Dovecot, n int) fullRun {
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullSyncProcess$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("TCV_FULL_SYNC_PROCESS=%s|%s|%d", d.IMAPAddr, b.TempDir(), n))
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("full sync process: %v\n%s", err, out)
	}
	var ns, headerKB, syncKB, indexNs int64
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "sync-ns "); ok {
			ns, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "header-peak-kb "); ok {
			headerKB, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "sync-peak-kb "); ok {
			syncKB, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "index-ns "); ok {
			indexNs, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "go-heap-peak-kb "); ok {
			fmt.Printf("full sync %d: Go heap in use at most %s KiB during the body pass\n", n, v)
		}
	}

	if ns == 0 {
		b.Fatalf("full sync process said no time:\n%s", out)
	}
	rss := testsrv.PeakRSSKiB(cmd.ProcessState)
	return fullRun{sync: time.Duration(ns), index: time.Duration(indexNs), peakMB: float64(rss) / 1024,
		headerMB: float64(headerKB) / 1024, syncMB: float64(syncKB) / 1024}
}

// fullRun is what one full sync process measured: the sync (bodies
// offline), then the background indexing of their text, and peak memory
// after the header pass, after the body pass and in all.
type fullRun struct {
	sync, index              time.Duration
	peakMB, headerMB, syncMB float64
}

// TestFullSyncProcess is the child of fullSyncProcess: `sync --once
// --bodies` over plaintext loopback into a new store, with the engine's
// body decoder. It does nothing in a normal test run.
func TestFullSyncProcess(t *testing.T) {
	spec := os.Getenv("TCV_FULL_SYNC_PROCESS")
	if spec == "" {
		t.Skip("child process of BenchmarkOfficialMail")
	}
	parts := strings.Split(spec, "|")
	want, _ := strconv.Atoi(parts[2])
	profile := os.Getenv("TCV_CPUPROFILE") // the sync's; the indexing's goes to PATH.index
	stopProfile := func() {}
	startProfile := func(path string) {
		if profile == "" {
			return
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		stopProfile = func() { pprof.StopCPUProfile(); f.Close(); stopProfile = func() {} }
	}
	startProfile(profile)
	defer func() { stopProfile() }()
	st, err := store.Open(filepath.Join(parts[1], "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	host, port := splitAddr(parts[0])
	p, _ := strconv.Atoi(port)
	a := model.Account{Name: "canhan", Email: userHa, Username: userHa, IMAP: model.Server{Host: host, Port: p, Security: model.SecurityNone}}
	s := &Syncer{Account: a, Store: st, Opts: &Options{BodyText: benchBodyText}, Password: func() (string, error) { return passHa, nil }}
	ctx := context.Background()
	start := time.Now()
	c, err := s.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sum, err := s.SyncOnce(ctx, c)
	if err != nil || sum.Messages != want {
		t.Fatalf("%+v %v", sum, err)
	}
	fmt.Printf("header-peak-kb %d\n", peakRSS())
	var heapPeak atomic.Uint64
	stop := make(chan struct{})
	defer close(stop)
	go func() { // the Go heap's share of the peak, against SQLite's
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > heapPeak.Load() {
					heapPeak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	defer func() { fmt.Printf("go-heap-peak-kb %d\n", heapPeak.Load()>>10) }()
	stored, err := s.SyncBodies(ctx, c)
	if err != nil || stored != want {
		t.Fatalf("%d bodies stored of %d: %v", stored, want, err)
	}
	fmt.Printf("sync-ns %d\n", time.Since(start).Nanoseconds())
	fmt.Printf("sync-peak-kb %d\n", peakRSS())
	if refs, _ := st.MissingBodies(ctx, a.Name, 1); len(refs) != 0 {
		t.Fatal("bodies missing after the full sync")
	}
	// The background pass that follows: the bodies' text into the index.
	stopProfile()
	startProfile(profile + ".index")
	start = time.Now()
	indexed, err := IndexBodies(ctx, st, benchBodyText)
	if err != nil || indexed != want {
		t.Fatalf("%d bodies indexed of %d: %v", indexed, want, err)
	}
	fmt.Printf("index-ns %d\n", time.Since(start).Nanoseconds())
	if pending, _ := st.IndexPending(ctx); pending != 0 {
		t.Fatalf("%d bodies still waiting for the index", pending)
	}
}

// peakRSS is this process's peak resident memory so far, in KiB (Linux).
func peakRSS() int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func durations(d []time.Duration) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = v.Round(time.Millisecond).String()
	}
	return strings.Join(s, " ")
}

// loadAverage is the machine's 1-minute load, to read the figures by.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

// storedMessages is how many messages the syncer's store holds.
func storedMessages(s *Syncer) int {
	var n int
	s.Store.DB().QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&n)
	return n
}
