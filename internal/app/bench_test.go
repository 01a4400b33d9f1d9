package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/testsrv"
	"thucongvu/internal/ui"
)

// fillStore makes a state folder with n messages in one account's INBOX
// and one 5 MB HTML mail; it returns that mail's id.
func fillStore(tb testing.TB, home string, n int) int64 {
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		tb.Fatal(err)
	}
	defer e.Close()
	e.Config.Accounts = []model.Account{{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Profile: "hanam",
		IMAP: model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone},
		SMTP: model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone}}}
	if err := e.Config.Save(); err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	f, _ := e.Store.EnsureFolder(ctx, "vanthu", "INBOX", model.RoleInbox)
	b, _ := e.Store.BeginBatch(ctx)
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		b.Put(f.ID, &store.Record{UID: uint32(i), Subject: fmt.Sprintf("Công văn số %d/UBND-VP về chuyển đổi số", i),
			From: model.Address{Name: "Văn phòng UBND tỉnh", Address: "vp@hanam.gov.vn"}, Date: base.Add(time.Duration(i) * time.Minute),
			Size: 42_000, Flags: []string{`\Seen`}, Document: i%3 == 0, HasAttachments: i%3 == 0})
	}
	b.Put(f.ID, &store.Record{UID: uint32(n + 1), Subject: "Bản tin HTML 5 MB", From: model.Address{Address: "bt@hanam.gov.vn"},
		Date: base.Add(time.Duration(n+1) * time.Minute), Flags: []string{`\Seen`}})
	if err := b.Commit(); err != nil {
		tb.Fatal(err)
	}
	list, _ := e.Store.Search(ctx, "ban tin html", "", 1)
	var html strings.Builder
	html.WriteString("<html><body><h1>Bản tin chuyển đổi số</h1><table>")
	for html.Len() < 5<<20 {
		html.WriteString("<tr><td>Sở Thông tin và Truyền thông</td><td>Triển khai <b>Kế hoạch</b> số 12/KH-UBND</td><td>100%</td></tr>\n")
	}
	html.WriteString("</table></body></html>")
	raw := "From: bt@hanam.gov.vn\r\nTo: vanthu@hanam.gov.vn\r\nSubject: =?UTF-8?Q?B=E1=BA=A3n_tin?=\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.String()
	if err := e.Store.PutBodies(ctx, []store.Body{{ID: list[0].ID, Raw: []byte(raw), Text: "ban tin"}}); err != nil {
		tb.Fatal(err)
	}
	return list[0].ID
}

// openUI is a cold start: open the store, build the services and the
// main window, and paint the inbox once.
func openUI(tb testing.TB, home string) (*ui.UI, fyne.Window, *engine.Engine) {
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		tb.Fatal(err)
	}
	a := test.NewApp()
	w := a.NewWindow("Thư Công Vụ")
	w.Resize(fyne.NewSize(1280, 800))
	u := ui.New(a, w, New(e, home))
	w.Canvas().Capture()
	return u, w, e
}

// BenchmarkUI: cold start to the first painted inbox with 50,000 messages
// in the store (target < 1.5 s) and opening a 5 MB HTML mail (target
// < 300 ms).
func BenchmarkUI(b *testing.B) {
	home := b.TempDir()
	id := fillStore(b, home, 50_000)
	start := time.Now()
	u, w, e := openUI(b, home)
	cold := time.Since(start)
	defer e.Close()
	start = time.Now()
	w.Canvas().Capture()
	repaint := time.Since(start)
	start = time.Now()
	u.ShowMessage(id) // the stored mail at once, then opened in the background
	u.Wait()
	shown := time.Since(start)
	w.Canvas().Capture()
	open := time.Since(start)
	fmt.Printf("  (a repaint of the window alone %s; open and lay out %s, paint %s)\n",
		repaint.Round(time.Millisecond), shown.Round(time.Millisecond), (open - shown).Round(time.Millisecond))
	b.ReportMetric(float64(cold.Milliseconds()), "cold-start-ms")
	b.ReportMetric(float64(open.Milliseconds()), "open-5MB-html-ms")
	fmt.Printf("cold start to the painted inbox, 50000 messages: %s (target < 1.5 s)\n", cold.Round(time.Millisecond))
	fmt.Printf("opening a 5 MB HTML mail: %s (target < 300 ms)\n", open.Round(time.Millisecond))
}

// BenchmarkUIMemory: resident memory of the client with 100,000 messages
// in the store, its inbox painted (target < 250 MB), in a fresh process.
func BenchmarkUIMemory(b *testing.B) {
	home := b.TempDir()
	fillStore(b, home, 100_000)
	cmd := exec.Command(os.Args[0], "-test.run=^TestUIProcess$")
	cmd.Env = append(os.Environ(), "TCV_UI_HOME="+home)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ui process: %v\n%s", err, out)
	}
	rss := testsrv.PeakRSSKiB(cmd.ProcessState)
	b.ReportMetric(float64(rss)/1024, "peak-MB")
	fmt.Printf("client with 100000 messages in the store: peak memory %.0f MB (target < 250 MB)\n", float64(rss)/1024)
}

// TestUIProcess is the child of BenchmarkUIMemory.
func TestUIProcess(t *testing.T) {
	home := os.Getenv("TCV_UI_HOME")
	if home == "" {
		t.Skip("child process of BenchmarkUIMemory")
	}
	_, w, e := openUI(t, home)
	defer e.Close()
	w.Canvas().Capture()
	if _, err := os.Stat(filepath.Join(home, "mail.db")); err != nil {
		t.Fatal(err)
	}
}
