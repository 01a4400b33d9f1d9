package testsrv

import (
	"bufio"
	"net"
	"strings"
	"sync"
)

// policy is a Postfix policy-delegation server (check_policy_service) run
// in the test process: it decides each RCPT TO, so tests can make the
// server greylist or reject deterministically, with no map rebuilds or
// reloads.
type policy struct {
	ln    net.Listener
	known func(addr string) bool // is addr a mailbox of the local domains?
	local func(addr string) bool // is addr in a local domain?

	mu        sync.Mutex
	greylist  bool            // answer 4xx to every RCPT
	greyNext  int             // answer 4xx to the next greyNext RCPTs
	rejects   map[string]bool // lowercased addresses answered 5xx
	greylists int             // RCPTs answered 4xx so far
	wg        sync.WaitGroup
	conns     map[net.Conn]bool
}

func newPolicy(known, local func(string) bool) (*policy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &policy{ln: ln, known: known, local: local, rejects: map[string]bool{}, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *policy) addr() string { return p.ln.Addr().String() }

func (p *policy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *policy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = true
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
			p.mu.Lock()
			delete(p.conns, c)
			p.mu.Unlock()
			c.Close()
		}()
	}
}

// handle answers requests on one connection; Postfix keeps it open and
// sends one attribute block, ended by an empty line, per request.
func (p *policy) handle(c net.Conn) {
	r := bufio.NewReader(c)
	attrs := map[string]string{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			k, v, _ := strings.Cut(line, "=")
			attrs[k] = v
			continue
		}
		if _, err := c.Write([]byte("action=" + p.decide(attrs) + "\n\n")); err != nil {
			return
		}
		attrs = map[string]string{}
	}
}

func (p *policy) decide(attrs map[string]string) string {
	if attrs["protocol_state"] != "RCPT" {
		return "DUNNO"
	}
	rcpt := strings.ToLower(attrs["recipient"])
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.rejects[rcpt]:
		return "550 5.7.1 <" + rcpt + ">: recipient rejected by test policy"
	case p.greylist || p.greyNext > 0:
		if p.greyNext > 0 {
			p.greyNext--
		}
		p.greylists++
		return "450 4.7.1 <" + rcpt + ">: greylisted, try again later"
	case p.local(rcpt) && !p.known(stripDetail(rcpt)):
		return "550 5.1.1 <" + rcpt + ">: user unknown"
	}
	return "DUNNO"
}

// stripDetail removes a "+detail" from the local part, as Dovecot's
// recipient_delimiter does on delivery.
func stripDetail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}
