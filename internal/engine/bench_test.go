package engine

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/compose"
	"thucongvu/internal/model"
)

// BenchmarkSend: a 1 MB mail from send to the server's acceptance, and 200
// queued mails flushed through the outbox (with their Sent copies) against
// the raw go-smtp client sending the same prebuilt messages (target ≤ 1.5×).
func BenchmarkSend(b *testing.B) {
	ctx := context.Background()
	w := startWorldB(b)
	a := w.accountB(b)
	e := openEngineB(b, a)

	big := compose.Draft{To: []model.Address{{Name: "Đỗ Văn Đức", Address: officerB}}, Subject: "Hồ sơ 1 MB",
		Body: "Gửi anh hồ sơ.", Attachments: []compose.Attachment{{Name: "ho-so.pdf", Data: []byte(strings.Repeat("%PDF-1.4 nội dung ", 1<<20/20))}}}
	start := time.Now()
	var accepted time.Duration
	ob, _ := e.Outbox()
	ob.AfterAccept = func(int64) { accepted = time.Since(start) }
	if _, _, err := e.Queue(ctx, a, big, "vi"); err != nil {
		b.Fatal(err)
	}
	if _, err := e.Flush(ctx, a); err != nil {
		b.Fatal(err)
	}
	ob.AfterAccept = nil
	b.ReportMetric(float64(accepted.Milliseconds()), "1MB-accept-ms")
	fmt.Printf("send 1 MB: queued to accepted in %s\n", accepted.Round(time.Millisecond))

	const n = 200
	var raws [][]byte
	for i := 0; i < n; i++ {
		d := draft(fmt.Sprintf("Thông báo số %d", i))
		built, err := compose.Build(d, a.Signature, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, built.Raw)
	}
	// Raw lower bound: one go-smtp session sending the prebuilt messages.
	start = time.Now()
	c, err := smtp.DialTLS(w.p.SubmissionsAddr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", officerA, passA)); err != nil {
		b.Fatal(err)
	}
	for _, raw := range raws {
		if err := c.SendMail(officerA, []string{officerB}, strings.NewReader(string(raw))); err != nil {
			b.Fatal(err)
		}
	}
	c.Quit()
	raw := time.Since(start)

	for i := 0; i < n; i++ {
		if _, _, err := e.Queue(ctx, a, draft(fmt.Sprintf("Công văn số %d", i)), "vi"); err != nil {
			b.Fatal(err)
		}
	}
	start = time.Now()
	res, err := e.Flush(ctx, a)
	if err != nil || res.Sent != n {
		b.Fatalf("flush: %+v %v", res, err)
	}
	ours := time.Since(start)
	b.ReportMetric(raw.Seconds(), "raw-s")
	b.ReportMetric(ours.Seconds(), "outbox-s")
	b.ReportMetric(ours.Seconds()/raw.Seconds(), "ratio")
	fmt.Printf("send 200 queued: raw go-smtp %s, outbox with Sent copies %s, ratio %.2f (target ≤ 1.5)\n",
		raw.Round(time.Millisecond), ours.Round(time.Millisecond), ours.Seconds()/raw.Seconds())
}
