package imapsync

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// An empty or unknown TLS mode never logs in in clear: Dial refuses it
// before connecting.
func TestDialRefusesUnknownTLSMode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Write([]byte("* OK ready\r\n"))
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	n, _ := strconv.Atoi(port)
	for _, sec := range []model.Security{"", "tls", "STARTTLS"} {
		a := model.Account{Name: "vanthu", Email: "vanthu@hanam.gov.vn", IMAP: model.Server{Host: "127.0.0.1", Port: n, Security: sec}}
		if _, err := Dial(context.Background(), a, "secret", nil, nil); !errors.Is(err, failure.ErrUsage) {
			t.Fatalf("security %q: %v", sec, err)
		}
	}
	select {
	case <-accepted:
		t.Fatal("connected with an unknown TLS mode")
	default:
	}
}
