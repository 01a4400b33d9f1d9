package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/testsrv"
)

// TestContractRegisterProcessReport drives `register`, `register set`,
// `process` and `report` against a private Dovecot and Postfix, with the
// password in a real gnome-keyring: the README's contract and exit codes.
func TestContractRegisterProcessReport(t *testing.T) {
	const officer = "chuyenvien@hanam.gov.vn"
	testsrv.StartKeyring(t)
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{cliUser: cliPass, cliPeer: cliPeerPass, officer: "Cv#2026-abcd"}})
	p := testsrv.StartPostfix(t, d)
	home := t.TempDir()
	for i, subject := range []string{"Quyết định số 12/QĐ-UBND về chuyển đổi số", "Thông báo lịch họp giao ban"} {
		d.Deliver(t, cliUser, []byte(fmt.Sprintf("From: =?UTF-8?Q?S=E1=BB=9F_N=E1=BB=99i_v=E1=BB=A5?= <snv@hanam.gov.vn>\r\nTo: %s\r\n"+
			"Subject: =?UTF-8?B?%s?=\r\nMessage-ID: <doc%d@hanam.gov.vn>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Kính gửi các đơn vị.\r\n", cliUser, b64(subject), i+1, time.Now().Format(time.RFC1123Z))))
	}
	if r := runCLI(t, home, cliPass+"\n", addArgs("vanthu", d, p, "--shared")...); r.code != 0 {
		t.Fatalf("add: exit %d, %q", r.code, r.stderr)
	}
	if r := runCLI(t, home, "", "sync", "--once"); r.code != 0 {
		t.Fatalf("sync: exit %d, %q", r.code, r.stderr)
	}
	year := time.Now().Year()
	r := runCLI(t, home, "", "register", "vanthu", "--json")
	var entries []struct {
		Number     int      `json:"number"`
		Direction  string   `json:"direction"`
		DocNumber  string   `json:"doc_number"`
		DocType    string   `json:"doc_type"`
		MessageID  string   `json:"message_id"`
		AssignedTo []string `json:"assigned_to"`
		Deadline   string   `json:"deadline"`
		State      string   `json:"state"`
		Signatures []any    `json:"signatures"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || r.code != 0 || len(entries) != 2 {
		t.Fatalf("register: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	if e := entries[0]; e.Number != 1 || e.Direction != "in" || e.DocNumber != "12/QĐ-UBND" || e.DocType != "Quyết định" ||
		e.MessageID != "doc1@hanam.gov.vn" || e.State != "new" || e.Signatures == nil {
		t.Fatalf("entry 1: %+v", e)
	}
	if e := entries[1]; e.Number != 2 || e.DocNumber != "" || e.DocType != "Thông báo" {
		t.Fatalf("entry 2: %+v", e)
	}

	// Corrections: a field, a malformed date (2), an unknown field (2), no such entry (1).
	if r = runCLI(t, home, "", "register", "set", "2", "doc_number=15/TB-SNV", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"15/TB-SNV"`) {
		t.Fatalf("set: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, c := range []struct {
		args []string
		code int
	}{{[]string{"register", "set", "2", "doc_date=2026-02-30"}, 2}, {[]string{"register", "set", "2", "colour=red"}, 2},
		{[]string{"register", "set", "9", "note=x"}, 1}, {[]string{"register", "--direction", "sideways"}, 2},
		{[]string{"register", "--from", "15/11/2026"}, 2}, {[]string{"report", "--period", "2026-H3"}, 2}, {[]string{"report"}, 2},
		{[]string{"process", "doc1@hanam.gov.vn", "--account", "vanthu", "--to", officer}, 2},
		{[]string{"process", "doc1@hanam.gov.vn", "--account", "vanthu", "--to", "Phòng Tổ chức", "--note", "x"}, 2}, // no such department
		{[]string{"process", "nothing@hanam.gov.vn", "--account", "vanthu", "--to", officer, "--note", "x"}, 1}} {
		if r = runCLI(t, home, "", c.args...); r.code != c.code {
			t.Errorf("%v: exit %d, want %d (%q)", c.args, r.code, c.code, r.stderr)
		}
	}

	// Forward for processing: blocked while the signature lacks its
	// mandatory fields (R3, exit 3), then sent; the register shows it.
	procArgs := []string{"process", "<doc1@hanam.gov.vn>", "--account", "vanthu", "--to", officer, "--note", "Giao phòng Chuyển đổi số chủ trì."}
	if r = runCLI(t, home, "", append(procArgs, "--json")...); r.code != 3 || !strings.Contains(r.stdout, `"signature.missing"`) {
		t.Fatalf("process without a signature: exit %d %q", r.code, r.stdout)
	}
	if r = runCLI(t, home, "", "signature", "vanthu", "--set", "name=Trần Thị Mai", "--set", "title=Văn thư",
		"--set", "agency=Sở Nội vụ tỉnh Hà Nam"); r.code != 0 {
		t.Fatalf("signature: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(t, home, "", "process", "<doc1@hanam.gov.vn>", "--account", "vanthu", "--to", officer,
		"--note", "Giao phòng Chuyển đổi số chủ trì.", "--deadline", fmt.Sprintf("%d-12-31", year), "--json")
	var proc struct {
		Entry struct {
			Number     int
			AssignedTo []string `json:"assigned_to"`
			State      string
		} `json:"entry"`
		ForwardID string `json:"forward_message_id"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &proc); err != nil || r.code != 0 || proc.Entry.Number != 1 ||
		len(proc.Entry.AssignedTo) != 1 || proc.Entry.State != "assigned" || proc.ForwardID == "" {
		t.Fatalf("process: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	d.WaitMessages(t, officer, "INBOX", 1)

	// Exports: the paper register and the report; an unwritable target fails and writes nothing.
	dir := t.TempDir()
	if r = runCLI(t, home, "", "register", "--xlsx", filepath.Join(dir, "so.xlsx")); r.code != 0 {
		t.Fatalf("register --xlsx: exit %d %q", r.code, r.stderr)
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "so.xlsx")); err != nil || !strings.HasPrefix(string(raw), "PK") {
		t.Fatalf("so.xlsx: %v", err)
	}
	missing := filepath.Join(dir, "no-such-dir", "so.xlsx")
	if r = runCLI(t, home, "", "register", "--xlsx", missing); r.code != 1 {
		t.Errorf("unwritable target: exit %d", r.code)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a file appeared in a missing folder")
	}
	pdf := filepath.Join(dir, "bao-cao.pdf")
	r = runCLI(t, home, "", "report", "vanthu", "--period", fmt.Sprint(year), "--issued", "4", "--pdf", pdf, "--json")
	var rep struct {
		Received    int      `json:"received"`
		Assigned    int      `json:"processing_assigned"`
		IssuedShare *float64 `json:"issued_share"`
		ChecksDue   int      `json:"checks_due"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || rep.Received != 2 || rep.Assigned != 1 ||
		rep.IssuedShare == nil || *rep.IssuedShare != 0 {
		t.Fatalf("report: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	if raw, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(raw), "%PDF") {
		t.Fatalf("report PDF: %v", err)
	}
	if r = runCLI(t, home, "", "report", "--period", fmt.Sprint(year)); r.code != 0 || !strings.Contains(r.stdout, "HN 11.8") {
		t.Errorf("report text: exit %d %q", r.code, r.stdout)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
