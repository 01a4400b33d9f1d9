package testsrv

import (
	"fmt"
	"testing"
)

// BenchmarkAppendMany loads 10,000 messages per iteration into a new mailbox.
func BenchmarkAppendMany(b *testing.B) {
	d := StartDovecot(b, DovecotOptions{Users: testUsers()})
	body := make([]byte, 2000)
	for i := range body {
		body[i] = 'a' + byte(i%26)
		if i%76 == 75 {
			body[i] = '\n'
		}
	}
	gen := func(i int) []byte {
		return fmt.Appendf(nil, "From: Phòng Tổ chức <tc@hanam.gov.vn>\nTo: %s\nSubject: Công văn số %d/UBND\nDate: Mon, 3 Mar 2025 08:00:00 +0700\nMessage-ID: <%d@bench>\n\n%s\n", vanthu, i, i, body)
	}
	for i := 0; b.Loop(); i++ {
		d.AppendMany(b, vanthu, fmt.Sprintf("Bench%d", i), 10000, gen)
	}
}

// BenchmarkStartStop measures a full Dovecot + Postfix start and stop.
func BenchmarkStartStop(b *testing.B) {
	for b.Loop() {
		d := StartDovecot(b, DovecotOptions{Users: testUsers()})
		p := StartPostfix(b, d)
		p.Stop()
		d.Stop()
	}
}
