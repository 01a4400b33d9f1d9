package testsrv

import (
	"net"
	"sync"
	"testing"
)

// Proxy is a TCP proxy on loopback that injects network faults between a
// client under test and a server: cut connections, connections that stay
// open but carry nothing, and a cut in the middle of a server response.
type Proxy struct {
	Addr string // host:port to give the client instead of the target

	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond // signalled on Thaw and on every close
	conns    map[*proxyConn]bool
	frozen   bool
	budget   int64 // bytes server→client left before the armed cut; <0 means not armed
	accepted int
	stopped  bool
}

type proxyConn struct {
	client, server net.Conn
	closed         bool
	halves         int // directions finished
}

// NewProxy listens on a free loopback port and forwards every connection to
// target; it is closed in tb.Cleanup.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testsrv: proxy: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[*proxyConn]bool{}, budget: -1}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		c := &proxyConn{client: client, server: server}
		p.mu.Lock()
		if p.stopped {
			p.mu.Unlock()
			client.Close()
			server.Close()
			return
		}
		p.conns[c] = true
		p.accepted++
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, client, server, false)
		go p.pipe(c, server, client, true)
	}
}

// pipe copies src to dst; toClient marks the server→client direction, the
// one DropAfterBytes counts.
func (p *Proxy) pipe(c *proxyConn, src, dst net.Conn, toClient bool) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			data, cut := p.pass(c, buf[:n], toClient)
			if data == nil && !cut {
				return // closed while frozen
			}
			if len(data) > 0 {
				if _, werr := dst.Write(data); werr != nil {
					p.closeConn(c)
					return
				}
			}
			if cut {
				p.closeConn(c)
				return
			}
		}
		if err != nil {
			p.halfClose(c, dst)
			return
		}
	}
}

// pass waits while the proxy is frozen and applies an armed cut; it
// returns the bytes to forward and whether to cut after them, or nil and
// false when the connection was closed meanwhile.
func (p *Proxy) pass(c *proxyConn, data []byte, toClient bool) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.frozen && !c.closed {
		p.cond.Wait()
	}
	if c.closed {
		return nil, false
	}
	if toClient && p.budget >= 0 {
		if int64(len(data)) >= p.budget {
			data = data[:p.budget]
			p.budget = -1
			return data, true
		}
		p.budget -= int64(len(data))
	}
	return data, false
}

// halfClose passes an EOF on; the connection ends when both directions have.
func (p *Proxy) halfClose(c *proxyConn, dst net.Conn) {
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	p.mu.Lock()
	c.halves++
	both := c.halves == 2
	p.mu.Unlock()
	if both {
		p.closeConn(c)
	}
}

func (p *Proxy) closeConn(c *proxyConn) {
	p.mu.Lock()
	if !c.closed {
		c.closed = true
		delete(p.conns, c)
		// A FIN, not a reset: a reset could discard bytes the client has
		// not read yet, and DropAfterBytes promises exactly n bytes.
		c.client.Close()
		c.server.Close()
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// DropAll cuts every live connection now (new ones are still accepted).
func (p *Proxy) DropAll() {
	p.mu.Lock()
	live := make([]*proxyConn, 0, len(p.conns))
	for c := range p.conns {
		live = append(live, c)
	}
	p.mu.Unlock()
	for _, c := range live {
		p.closeConn(c)
	}
}

// Freeze stops forwarding in both directions, for live and new connections,
// while keeping them open: a half-dead network where only timeouts help.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// Thaw resumes forwarding after Freeze; held data flows on.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	p.frozen = false
	p.cond.Broadcast()
	p.mu.Unlock()
}

// DropAfterBytes arms a one-shot cut: once n more bytes have gone from
// server to client (over all connections, counted from now), the
// connection carrying the n-th byte is cut right after it, e.g. in the
// middle of a FETCH response. Later connections are not affected.
// A negative n disarms.
func (p *Proxy) DropAfterBytes(n int64) {
	p.mu.Lock()
	p.budget = n
	if n < 0 {
		p.budget = -1
	}
	p.mu.Unlock()
}

// Accepted returns how many connections the proxy has accepted so far
// (a reconnecting client adds one each time).
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Close stops listening and cuts every connection; safe to call twice.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.ln.Close()
	p.DropAll()
	p.wg.Wait()
}
