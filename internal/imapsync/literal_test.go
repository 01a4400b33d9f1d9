package imapsync

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"thucongvu/internal/store"
)

type sizedLiteral struct {
	io.Reader
	size int64
}

func (l sizedLiteral) Size() int64 { return l.size }

// TestReadLiteral: a body is read whole into a buffer of its announced
// size; one over the limit is read past (the connection stays usable) and
// not kept; one cut short is an error.
func TestReadLiteral(t *testing.T) {
	body := "Subject: a\r\n\r\nnội dung\r\n"
	raw, over, err := readLiteral(sizedLiteral{strings.NewReader(body), int64(len(body))}, 1<<20)
	if err != nil || over != 0 || string(raw) != body || cap(raw) != len(body) {
		t.Fatalf("%q over %d, %v", raw, over, err)
	}
	r := strings.NewReader(strings.Repeat("x", 4096) + "NEXT")
	raw, over, err = readLiteral(sizedLiteral{io.LimitReader(r, 4096), 4096}, 1024)
	if err != nil || raw != nil || over != 4096 {
		t.Fatalf("oversized: %d bytes, over %d, %v", len(raw), over, err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "NEXT" {
		t.Fatalf("oversized literal not read past: %q left", rest)
	}
	if _, _, err := readLiteral(sizedLiteral{strings.NewReader("short"), 100}, 1<<20); err == nil {
		t.Fatal("a literal cut short read as whole")
	}
}

// TestBodyIndexerCloseTwice: Close returns whether the indexer ran or not,
// as often as it is called, and a Wake after it starts nothing.
func TestBodyIndexerCloseTwice(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	idle := NewBodyIndexer(st, mailTextOf)
	idle.Close()
	idle.Close()
	idle.Wake()
	ran := NewBodyIndexer(st, mailTextOf)
	passes := make(chan int, 1)
	ran.Indexed = func(n int, err error) { passes <- n }
	ran.Wake()
	if n := <-passes; n != 0 {
		t.Fatalf("empty store: %d indexed", n)
	}
	ran.Close()
	ran.Close()
}
