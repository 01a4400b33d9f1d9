package send

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkOutboxFlush: 200 queued mails through one flush to an
// in-memory SMTP peer, Sent copies included: the outbox's own cost (the
// store's writes and claims) without a real server's.
func BenchmarkOutboxFlush(b *testing.B) {
	ctx := context.Background()
	raw := []byte("Subject: Công văn\r\n\r\n" + strings.Repeat("Kính gửi các đơn vị trực thuộc.\r\n", 120))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		be, a := startSMTPB(b)
		ob := openOutboxB(b)
		for j := 0; j < 200; j++ {
			if _, err := ob.Queue(ctx, Envelope{Account: "a", From: a.Email, To: []string{"b@hanam.gov.vn"}}, raw); err != nil {
				b.Fatal(err)
			}
		}
		appended := 0
		b.StartTimer()
		res, err := ob.Flush(ctx, sender(a, &appended))
		if err != nil || res.Sent != 200 || len(be.received) != 200 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
