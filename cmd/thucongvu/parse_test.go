package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"thucongvu/internal/mail"
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

// writeMessageJSON writes what encoding/json writes, byte for byte.
func TestWriteMessageJSONAsEncoder(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "internal", "mail", "testdata", "*", "*.eml"))
	long := strings.Repeat("Kính gửi \x01\"\\\u2028<&>\t ", 5000) + "đ"
	msgs := []*mail.Message{
		{Text: long, HTML: "<p>" + long + "</p>", Subject: `"text": "x"` + "\n  \"html\": \"-\""},
		{Text: "", HTML: "-"},
		{Text: "x"},
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := mail.Parse(raw); err == nil {
			msgs = append(msgs, m)
		}
	}
	for i, m := range msgs {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		if err := writeMessageJSON(&got, m); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("message %d: JSON differs from encoding/json (%d vs %d bytes)", i, got.Len(), want.Len())
		}
	}
}

// countWriter counts what is written and keeps nothing.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// parse --json of a 50 MB message whose text JSON escapes sixfold
// (control characters) allocates a bounded amount: the document is
// streamed, not built whole.
func TestCmdParseJSONMemoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.eml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("From: a@hanam.gov.vn\r\nSubject: big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	line := bytes.Repeat([]byte{1, 2, 0x1f}, 1<<10)
	for n := 0; n < 50<<20; n += len(line) {
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out countWriter
	var errb bytes.Buffer
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	code := run([]string{"parse", path, "--json"}, nil, &out, &errb)
	runtime.ReadMemStats(&after)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if out.n < 6*(1<<20) {
		t.Fatalf("only %d bytes of JSON", out.n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("parse --json allocated %d MB for %d MB of JSON", alloc>>20, out.n>>20)
	}
}
