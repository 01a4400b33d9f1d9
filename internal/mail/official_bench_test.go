package mail

import (
	"testing"

	"thucongvu/internal/mailgen"
)

// BenchmarkParseOfficial decodes the generated official mailbox, 46 KB a
// message on average, as the body pass of a sync does.
func BenchmarkParseOfficial(b *testing.B) {
	g := mailgen.New(2026)
	msgs := make([][]byte, 500)
	size := 0
	for i := range msgs {
		msgs[i] = g.Message(i)
		size += len(msgs[i])
	}
	b.SetBytes(int64(size / len(msgs)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
	}
}
