package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestCmdParse(t *testing.T) {
	valid := func(name string) string {
		return filepath.Join("..", "..", "internal", "mail", "testdata", "valid", name)
	}
	t.Run("json", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := run([]string{"parse", valid("cong-van-pdf.eml"), "--json"}, nil, &out, &errb)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var m struct {
			Subject string `json:"subject"`
			From    struct {
				Name, Address string
			} `json:"from"`
			To          []struct{ Address string } `json:"to"`
			Date        string                     `json:"date"`
			MessageID   string                     `json:"message_id"`
			Text        string                     `json:"text"`
			Legacy      *string                    `json:"legacy_encoding"`
			Attachments []struct {
				Filename    string `json:"filename"`
				ContentType string `json:"content_type"`
				Size        int64  `json:"size"`
			} `json:"attachments"`
			Auto     *bool   `json:"auto_submitted"`
			List     *bool   `json:"list"`
			Bounce   *bool   `json:"bounce"`
			Document *bool   `json:"document"`
			Secret   *string `json:"secret"`
		}
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out.String())
		}
		if m.Subject != "Công văn số 123/UBND-VP về việc triển khai kế hoạch chuyển đổi số năm 2024" ||
			m.From.Address != "vanthu@hanam.gov.vn" || len(m.To) != 2 || m.Date != "2024-03-04T08:15:00+07:00" ||
			m.MessageID != "20240304081500.123@mail.hanam.gov.vn" || !strings.Contains(m.Text, "Ủy ban nhân dân") {
			t.Errorf("fields: %+v", m)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Filename != "Công văn 123-UBND.pdf" || m.Attachments[0].Size != 193 {
			t.Errorf("attachments: %+v", m.Attachments)
		}
		if m.Legacy == nil || m.Auto == nil || m.List == nil || m.Bounce == nil || m.Document == nil || m.Secret == nil {
			t.Fatalf("contract field missing:\n%s", out.String())
		}
		if !*m.Document || *m.Auto || *m.List || *m.Bounce || *m.Secret != "" || *m.Legacy != "" {
			t.Errorf("classification: %s", out.String())
		}
	})
	t.Run("summary", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run([]string{"--lang", "en", "parse", valid("tcvn3.eml")}, nil, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		for _, want := range []string{"Subject: Văn bản đã nhận", "tcvn3", "Đã nhận được văn bản."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("summary lacks %q:\n%s", want, out.String())
			}
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"missing file", []string{"parse", "no-such-file.eml"}, 1},
		{"no file", []string{"parse", "--json"}, 2},
		{"two files", []string{"parse", "a.eml", "b.eml"}, 2},
		{"unknown flag", []string{"parse", valid("list.eml"), "--bogus"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tt.args, nil, &out, &errb); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if lines := strings.Count(strings.TrimSpace(errb.String()), "\n"); errb.Len() == 0 || lines != 0 || out.Len() != 0 {
				t.Errorf("want one error line and no output; stderr %q stdout %q", errb.String(), out.String())
			}
		})
	}
}
