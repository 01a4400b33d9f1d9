package ui_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"thucongvu/internal/app"
	"thucongvu/internal/engine"
	"thucongvu/internal/mailgen"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
	"thucongvu/internal/ui"
)

// BenchmarkColdStartOfficial50k: a state folder filled by a real header
// sync of the 50,000-message official mailbox (internal/mailgen, seed
// 2026) from Dovecot; then a cold start (open the store, build the
// services and the main window, paint the inbox once with the software
// painter) must show the newest mail (target ≤ 1 s). The background work
// the window starts after its first paint is timed apart ("settled").
func BenchmarkColdStartOfficial50k(b *testing.B) {
	const n = 50_000
	const user, pass = "vanthu@hanam.gov.vn", "Vt#2026-mật-khẩu"
	d := testsrv.StartDovecot(b, testsrv.DovecotOptions{Users: map[string]string{user: pass}})
	gen := mailgen.New(2026)
	d.AppendMany(b, user, "INBOX", n, gen.Func())

	home := b.TempDir()
	secrets := secret.NewMemory()
	e, err := engine.Open(home, secrets)
	if err != nil {
		b.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(d.IMAPSAddr)
	p, _ := strconv.Atoi(port)
	a := model.Account{Name: "vanthu", Email: user, Username: user, Profile: "hanam",
		IMAP:              model.Server{Host: host, Port: p, Security: model.SecurityImplicit},
		SMTP:              model.Server{Host: host, Port: 1, Security: model.SecurityNone},
		TrustedCertSHA256: d.CertSHA256}
	e.Config.Accounts = []model.Account{a}
	if err := e.Config.Save(); err != nil {
		b.Fatal(err)
	}
	secrets.Set(user+"@"+host, pass)
	sums, err := e.SyncOnce(context.Background(), e.Config.Accounts, false)
	if err != nil || len(sums) != 1 || sums[0].Messages != n {
		b.Fatalf("sync: %+v %v", sums, err)
	}
	e.Close()

	if path := os.Getenv("TCV_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	runtime.LockOSThread() // threadCPU measures this goroutine's own work
	defer runtime.UnlockOSThread()
	thread0, proc0 := threadCPU(), processCPU()
	start := time.Now()
	e, err = engine.Open(home, secrets)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	opened := time.Since(start)
	fa := test.NewApp()
	w := fa.NewWindow("Thư Công Vụ")
	w.Resize(fyne.NewSize(1093, 614)) // 1366×768 at 125 %
	u := ui.New(fa, w, app.New(e, home))
	built := time.Since(start)
	w.Canvas().Capture()
	cold := time.Since(start)
	thread, proc := threadCPU()-thread0, processCPU()-proc0

	if newest := gen.Subject(n - 1); !paints(w.Content(), newest) {
		b.Fatalf("the painted inbox does not show the newest mail %q", newest)
	}
	// what the first paint left to the background: the status bar's
	// counts, the list's marks, the signature pass
	u.Wait()
	settled := time.Since(start)
	b.ReportMetric(float64(cold.Milliseconds()), "cold-start-ms")
	b.ReportMetric(float64(thread.Milliseconds()), "window-cpu-ms")
	fmt.Printf("official mailbox: cold start to the painted inbox, %d messages (header sync by Dovecot): %s (target ≤ 1 s; store %s, window %s, paint %s; CPU %s on the window's thread, %s in all; background settled at %s; load average %s)\n",
		n, cold.Round(time.Millisecond), opened.Round(time.Millisecond), (built - opened).Round(time.Millisecond), (cold - built).Round(time.Millisecond),
		thread.Round(time.Millisecond), proc.Round(time.Millisecond), settled.Round(time.Millisecond), loadAverage())
}

// loadAverage is the machine's 1-minute load average (Linux), or "?".
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// paints reports whether o draws want, whole or cut short (20 runes at
// least) where the column ends.
func paints(o fyne.CanvasObject, want string) bool {
	for _, obj := range test.LaidOutObjects(o) {
		t, ok := obj.(*canvas.Text)
		if !ok || !obj.Visible() {
			continue
		}
		shown := strings.TrimSuffix(t.Text, "…")
		if shown == want || (utf8.RuneCountInString(shown) >= 20 && strings.HasPrefix(want, shown)) {
			return true
		}
	}
	return false
}
