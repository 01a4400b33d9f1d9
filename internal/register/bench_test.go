//go:build unix

package register_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/register"
	"thucongvu/internal/remind"
	"thucongvu/internal/report"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
)

const benchDocs = 50000

// cpuMillis is the CPU time this process used so far: on a machine other
// jobs share, it says more than the wall clock.
func cpuMillis() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

// measured runs fn as the benchmark's loop and reports its CPU time per run.
func measured(b *testing.B, fn func()) {
	start, n := cpuMillis(), 0
	for b.Loop() {
		fn()
		n++
	}
	b.ReportMetric((cpuMillis()-start)/float64(n), "cpu-ms/op")
}

// benchRegister is an agency mailbox whose register holds benchDocs
// documents over 2026 (90 % received, 10 % sent; one in ten forwarded for
// processing), written straight into the store.
func benchRegister(b *testing.B, home string) (*engine.Engine, *register.Register, model.Account) {
	b.Helper()
	e, err := engine.OpenWithPolicy(home, secret.NewMemory(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	a := model.Account{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Username: "vanthu@hanam.gov.vn", Profile: "hanam", Shared: true,
		IMAP: model.Server{Host: "127.0.0.1", Port: 993, Security: model.SecurityImplicit},
		SMTP: model.Server{Host: "127.0.0.1", Port: 465, Security: model.SecurityImplicit}}
	if err := e.Config.AddAccount(a); err != nil {
		b.Fatal(err)
	}
	tx, err := e.Store.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO register (account, direction, year, number, message_key, message_id, received_at, from_name,
		from_addr, agency, doc_number, doc_date, doc_type, summary, attachments, extracted, acknowledged_at, assigned_to, note, deadline, forward_id)
		VALUES (?, ?, 2026, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 8, 0, 0, 0, remind.Vietnam).Unix()
	types := []string{"Công văn", "Quyết định", "Giấy mời", "Kế hoạch", "Báo cáo", "Thông báo"}
	numbers := map[string]int{}
	for i := 0; i < benchDocs; i++ {
		dir := "in"
		if i%10 == 9 {
			dir = "out"
		}
		numbers[dir]++
		at := start + int64(i)*(365*86400/benchDocs)
		id := fmt.Sprintf("doc%d@longan.gov.vn", i)
		assigned, note, deadline, fwd := "[]", "", "", ""
		if i%10 == 3 {
			assigned, note, deadline, fwd = `["chuyenvien@hanam.gov.vn"]`, "Giao phòng BCVT", time.Unix(at, 0).AddDate(0, 0, 7).Format(time.DateOnly), "fwd"+id
		}
		if _, err := st.Exec(a.Name, dir, numbers[dir], id, id, at, "Văn thư Sở TT&TT Long An", "vanthu@longan.gov.vn", "Sở TT&TT Long An",
			fmt.Sprintf("%d/STTTT-BCVT", i), time.Unix(at, 0).Format(time.DateOnly), types[i%len(types)],
			fmt.Sprintf("V/v triển khai nhiệm vụ số %d năm 2026 về chuyển đổi số", i), `["van-ban.pdf"]`, at+90, assigned, note, deadline, fwd); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	runtime.GC() // the setup's garbage is not the measured work's
	reg := register.New(e)
	reg.Fetch = false
	reg.Now = func() time.Time { return time.Date(2026, 12, 20, 9, 0, 0, 0, remind.Vietnam) }
	return e, reg, a
}

// BenchmarkRegister50k: loading the register in a new process (its first
// listing), then listing the whole register, its first page and one month
// (goal < 200 ms), exporting it as XLSX (goal < 5 s).
func BenchmarkRegister50k(b *testing.B) {
	home := b.TempDir()
	_, reg, a := benchRegister(b, home)
	ctx := context.Background()
	b.Run("load", func(b *testing.B) {
		measured(b, func() {
			st, err := store.OpenHome(home)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			if rows, err := st.RegisterRows(ctx, store.RegisterFilter{Account: a.Name}); err != nil || len(rows) != benchDocs {
				b.Fatal(len(rows), err)
			}
		})
	})
	if _, err := reg.List(ctx, register.Filter{Limit: 1}); err != nil { // loaded once, as the window does
		b.Fatal(err)
	}
	var list []register.Entry
	b.Run("list", func(b *testing.B) {
		measured(b, func() {
			var err error
			if list, err = reg.List(ctx, register.Filter{Account: a.Name}); err != nil || len(list) != benchDocs {
				b.Fatal(len(list), err)
			}
		})
	})
	b.Run("first-page", func(b *testing.B) {
		measured(b, func() {
			got, err := reg.List(ctx, register.Filter{Account: a.Name, Direction: "in", Limit: 500})
			if err != nil || len(got) != 500 {
				b.Fatal(len(got), err)
			}
		})
	})
	b.Run("filter-month", func(b *testing.B) {
		measured(b, func() {
			got, err := reg.List(ctx, register.Filter{Account: a.Name, Direction: "in",
				From: time.Date(2026, 6, 1, 0, 0, 0, 0, remind.Vietnam), To: time.Date(2026, 7, 1, 0, 0, 0, 0, remind.Vietnam)})
			if err != nil || len(got) < 3000 {
				b.Fatal(len(got), err)
			}
		})
	})
	b.Run("xlsx", func(b *testing.B) {
		measured(b, func() {
			var buf bytes.Buffer
			if err := register.WriteXLSX(&buf, list, a.Name); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkReportYear50k: the year report over a register of 50,000
// documents (goal < 2 s), with its PDF.
func BenchmarkReportYear50k(b *testing.B) {
	e, reg, a := benchRegister(b, b.TempDir())
	ctx := context.Background()
	p, _ := report.ParsePeriod("2026")
	now := reg.Now()
	measured(b, func() {
		r, err := report.Build(ctx, e, reg, []model.Account{a}, p, now)
		if err != nil || r.Received != benchDocs*9/10 {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WritePDF(&buf, r, now); err != nil {
			b.Fatal(err)
		}
	})
}
