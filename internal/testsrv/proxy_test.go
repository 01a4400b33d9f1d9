package testsrv

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// sizeServer answers each line "n" with n bytes of 'x'.
func sizeServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					var n int
					fmt.Sscan(line, &n)
					if _, err := c.Write([]byte(strings.Repeat("x", n))); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// ask sends "n" over c and reads until n bytes, an error, or the deadline.
func ask(t *testing.T, c net.Conn, n int, wait time.Duration) (int, error) {
	t.Helper()
	if _, err := fmt.Fprintf(c, "%d\n", n); err != nil {
		return 0, err
	}
	c.SetReadDeadline(time.Now().Add(wait))
	got, err := io.ReadFull(c, make([]byte, n))
	return got, err
}

func dialProxy(t *testing.T, p *Proxy) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestProxyFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   func(p *Proxy)
		n       int
		want    int
		wantErr bool
	}{
		{"pass through", func(p *Proxy) {}, 200000, 200000, false},
		{"drop after bytes", func(p *Proxy) { p.DropAfterBytes(1500) }, 200000, 1500, true},
		{"drop after zero bytes", func(p *Proxy) { p.DropAfterBytes(0) }, 10, 0, true},
		{"disarmed", func(p *Proxy) { p.DropAfterBytes(10); p.DropAfterBytes(-1) }, 5000, 5000, false},
		{"frozen", func(p *Proxy) { p.Freeze() }, 10, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewProxy(t, sizeServer(t))
			c := dialProxy(t, p)
			tt.fault(p)
			got, err := ask(t, c, tt.n, 300*time.Millisecond)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("got %d bytes, err %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
			// The fault is over for a fresh connection once thawed.
			p.Thaw()
			if got, err := ask(t, dialProxy(t, p), 100, 5*time.Second); got != 100 || err != nil {
				t.Fatalf("next connection: %d bytes, %v", got, err)
			}
		})
	}
}

func TestProxyFreezeThawAndDropAll(t *testing.T) {
	p := NewProxy(t, sizeServer(t))
	c := dialProxy(t, p)
	p.Freeze()
	if got, err := ask(t, c, 10, 200*time.Millisecond); got != 0 || err == nil {
		t.Fatalf("frozen: got %d bytes, %v", got, err)
	}
	p.Thaw()
	// The held request flows on; read its answer.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got, err := io.ReadFull(c, make([]byte, 10)); got != 10 || err != nil {
		t.Fatalf("after thaw: %d bytes, %v", got, err)
	}
	p.DropAll()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Fatalf("read after DropAll: %v, want a closed connection", err)
	}
	if got := p.Accepted(); got != 1 {
		t.Errorf("Accepted() = %d, want 1", got)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestProxyCutsIMAPFetch: a real IMAP session through the proxy loses its
// connection in the middle of a FETCH, and a new session works. It speaks
// raw IMAP: go-imap v2.0.0-beta.8's client has a data race when the
// connection breaks inside a literal (LiteralReader.cancel vs readByte).
func TestProxyCutsIMAPFetch(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: testUsers()})
	body := strings.Repeat("Nội dung công văn dài. ", 2000)
	d.Deliver(t, vanthu, []byte("From: a@hanam.gov.vn\r\nSubject: Dai\r\n\r\n"+body+"\r\n"))
	p := NewProxy(t, d.IMAPAddr)

	session := func(cut bool) (string, error) {
		c := dialProxy(t, p)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		var seen strings.Builder
		// until reads lines up to the tagged reply of tag.
		until := func(tag string) error {
			for {
				line, err := r.ReadString('\n')
				seen.WriteString(line)
				if err != nil {
					return err
				}
				if strings.HasPrefix(line, tag+" ") {
					return nil
				}
			}
		}
		if err := until("*"); err != nil { // greeting
			return seen.String(), err
		}
		fmt.Fprintf(c, "a LOGIN %s \"%s\"\r\nb SELECT INBOX\r\n", vanthu, vanthuPW)
		if err := until("a"); err != nil {
			return seen.String(), err
		}
		if err := until("b"); err != nil {
			return seen.String(), err
		}
		seen.Reset()
		if cut {
			p.DropAfterBytes(5000)
		}
		fmt.Fprintf(c, "c FETCH 1 BODY.PEEK[]\r\n")
		err := until("c")
		return seen.String(), err
	}
	got, err := session(true)
	if err == nil || len(got) != 5000 {
		t.Fatalf("cut FETCH: read %d bytes, err %v; want 5000 bytes and an error", len(got), err)
	}
	got, err = session(false)
	if err != nil || !strings.Contains(got, "c OK") || !strings.Contains(got, "công văn dài") {
		t.Fatalf("FETCH after the cut: %v\n%.200s", err, got)
	}
}
