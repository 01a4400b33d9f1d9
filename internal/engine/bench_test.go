package engine

import (
	"context"
	"crypto/tls"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"thucongvu/internal/compose"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
	"thucongvu/internal/testsrv"
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

// BenchmarkAckLatency: with IDLE, from delivery into INBOX to the
// acknowledgement's acceptance by the SMTP server (target: median < 5 s
// over 20 documents).
func BenchmarkAckLatency(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := testsrv.StartDovecot(b, testsrv.DovecotOptions{Users: map[string]string{agency: agencyPass, stc: stcPass}})
	p := testsrv.StartPostfix(b, d)
	w := &ackWorld{d: d, p: p}
	ih, ip := hostPort(b, d.IMAPSAddr)
	sh, sp := hostPort(b, p.SubmissionsAddr)
	a := model.Account{Name: "vanthu", Email: agency, Username: agency, Profile: "hanam", Added: time.Now().Add(-time.Hour),
		IMAP: model.Server{Host: ih, Port: ip, Security: model.SecurityImplicit}, SMTP: model.Server{Host: sh, Port: sp, Security: model.SecurityImplicit},
		TrustedCertSHA256: d.CertSHA256 + "," + p.CertSHA256, Signature: model.Signature{Name: "Trần Thị Mai", Agency: "Sở TTTT"}}
	e := openEngineAt(b, b.TempDir(), a, agencyPass)
	ob, _ := e.Outbox()
	accepted := make(chan time.Time, 64)
	ob.AfterAccept = func(int64) { accepted <- time.Now() }
	go e.Syncer(a).Run(ctx, false, func(ev imapsync.Event) {
		if ev.Err == nil && ev.Summary.New > 0 {
			e.AckPass(ctx, a)
		}
	})
	time.Sleep(300 * time.Millisecond) // the first pass and IDLE
	var lat []time.Duration
	for i := 0; i < 20; i++ {
		start := time.Now()
		raw := msg(stc, agency, fmt.Sprintf("Công văn số %d/STC về dự toán", i), "", withAttachment("cv.pdf", "application/pdf"))
		if err := d.DeliverEnvelope(stc, []string{agency}, []byte(raw)); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-accepted:
			lat = append(lat, at.Sub(start))
		case <-time.After(30 * time.Second):
			b.Fatalf("document %d not acknowledged within 30 s", i)
		}
	}
	_ = w
	med := median(lat)
	b.ReportMetric(float64(med.Milliseconds()), "median-ms")
	fmt.Printf("acknowledgement latency over IDLE: median %s, max %s over %d documents (target median < 5 s)\n",
		med.Round(time.Millisecond), maxDur(lat).Round(time.Millisecond), len(lat))
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func maxDur(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = max(m, x)
	}
	return m
}
