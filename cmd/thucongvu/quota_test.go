package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"thucongvu/internal/testsrv"
)

// The quota (RFC 9208) in `sync --once --json` and `doctor --json`; past
// 90 % doctor reports it as a failed check (exit 1).
func TestContractQuota(t *testing.T) {
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass},
		QuotaBytes: map[string]int64{cliUser: 1 << 20}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p)...); r.code != 0 {
		t.Fatalf("add: %d %s", r.code, r.stderr)
	}
	body := strings.Repeat("Nội dung văn bản. ", 6000) // about 150 KB
	d.Deliver(t, cliUser, []byte(fmt.Sprintf("From: snv@hanam.gov.vn\r\nSubject: Báo cáo\r\nMessage-ID: <q1@x>\r\n\r\n%s\r\n", body)))
	type quota struct {
		UsedBytes  int64   `json:"used_bytes"`
		LimitBytes int64   `json:"limit_bytes"`
		Percent    float64 `json:"percent"`
		Warning    bool    `json:"warning"`
	}
	r := runCLI(t, home, "", "sync", "--once", "--json")
	var sum struct {
		Accounts []struct {
			Name  string `json:"name"`
			Quota *quota `json:"quota"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil || r.code != 0 || len(sum.Accounts) != 1 {
		t.Fatalf("sync: %d %v %s %s", r.code, err, r.stdout, r.stderr)
	}
	q := sum.Accounts[0].Quota
	if q == nil || q.LimitBytes != 1<<20 || q.UsedBytes < 100<<10 || q.Percent < 10 || q.Percent > 30 || q.Warning {
		t.Fatalf("sync quota: %+v", q)
	}
	for i := 2; i <= 7; i++ {
		d.Deliver(t, cliUser, []byte(fmt.Sprintf("From: snv@hanam.gov.vn\r\nSubject: Báo cáo %d\r\nMessage-ID: <q%d@x>\r\n\r\n%s\r\n", i, i, body)))
	}
	r = runCLI(t, home, "", "doctor", "--json")
	var checks []struct {
		Name  string `json:"name"`
		OK    bool   `json:"ok"`
		Quota *quota `json:"quota"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil {
		t.Fatalf("doctor: %v %s", err, r.stdout)
	}
	found := false
	for _, ch := range checks {
		if ch.Name == "vanthu quota" {
			found = true
			if ch.OK || ch.Quota == nil || !ch.Quota.Warning || ch.Quota.Percent < 90 {
				t.Fatalf("doctor quota at over 90 %%: %+v %+v", ch, ch.Quota)
			}
		}
	}
	if !found || r.code != 1 {
		t.Fatalf("doctor: exit %d, quota check found %v: %s", r.code, found, r.stdout)
	}
}
