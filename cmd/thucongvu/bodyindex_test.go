package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"thucongvu/internal/engine"
	"thucongvu/internal/secret"
	"thucongvu/internal/testsrv"
)

func bodyWordMail(i int) []byte {
	return []byte(fmt.Sprintf("From: snv@hanam.gov.vn\r\nTo: %s\r\nSubject: Thông báo số %d\r\nMessage-ID: <tb%d@hanam.gov.vn>\r\n"+
		"Date: Mon, 16 Nov 2026 08:0%d:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Đề nghị khoanh vùng dịch tả lợn châu Phi tại xã số %d.\r\n", cliUser, i, i, i, i))
}

// TestSyncBodiesIndexesAfterSync: `sync --once --bodies` stores every body,
// then indexes their text and says how long that took apart from the sync;
// `search` finishes what a sync left unindexed before it answers.
func TestSyncBodiesIndexesAfterSync(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	for i := 1; i <= 3; i++ {
		d.Deliver(t, cliUser, bodyWordMail(i))
	}
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p)...); r.code != 0 {
		t.Fatalf("add: exit %d, %q", r.code, r.stderr)
	}
	r := runCLI(t, home, "", "sync", "--once", "--bodies", "--json")
	var sum struct {
		Accounts []struct {
			Bodies int `json:"bodies"`
		} `json:"accounts"`
		Index *struct {
			Messages int     `json:"messages"`
			Seconds  float64 `json:"seconds"`
		} `json:"index"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || len(sum.Accounts) != 1 || sum.Accounts[0].Bodies != 3 {
		t.Fatalf("sync: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	// The background pass may have indexed some before the command waited
	// for the rest; nothing is left either way.
	if sum.Index == nil || sum.Index.Messages > 3 || sum.Index.Seconds < 0 {
		t.Fatalf("index summary: %+v", sum.Index)
	}
	r = runCLI(t, home, "", "search", "khoanh vung dich ta", "--json")
	var hits []struct{ Subject string }
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 3 || r.stderr != "" {
		t.Fatalf("search after sync: %v %q %q", err, r.stdout, r.stderr)
	}

	// A sync whose indexing was stopped (the window closed at once) leaves
	// the body's text queued; search indexes it first and says so.
	d.Deliver(t, cliUser, bodyWordMail(4))
	e, err := engine.Open(home, secret.NewKeyring())
	if err != nil {
		t.Fatal(err)
	}
	e.Indexer.Close()
	accounts, err := e.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SyncOnce(context.Background(), accounts, true); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Store.IndexPending(context.Background()); err != nil || n != 1 {
		t.Fatalf("pending after the stopped indexing: %d, %v", n, err)
	}
	e.Close()
	r = runCLI(t, home, "", "--lang", "en", "search", "khoanh vung dich ta", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &hits); err != nil || len(hits) != 4 || !strings.Contains(r.stderr, "Indexing the text of 1 downloaded") {
		t.Fatalf("search with one body unindexed: %v %q %q", err, r.stdout, r.stderr)
	}
}
