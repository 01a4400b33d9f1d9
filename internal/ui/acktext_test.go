package ui

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
	"unicode/utf8"
)

// engineDefaultVI is the shape of the engine's default acknowledgement
// text (internal/ack.DefaultTemplates["vi"]): a date block and a file list.
const engineDefaultVI = `Kính gửi {{.Sender}},

{{.Agency}} đã nhận được văn bản "{{.Subject}}"{{if .Date}} gửi ngày {{.Date}}{{end}}{{if .Attachments}}, gồm các tệp:
{{range .Attachments}}  - {{.}}
{{end}}{{else}}.
{{end}}
Đây là thư xác nhận tự động theo quy chế sử dụng thư điện tử công vụ.
`

func execute(t *testing.T, src string, data map[string]any) string {
	t.Helper()
	tm, err := template.New("x").Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	var b bytes.Buffer
	if err := tm.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// R2: the acknowledgement text is edited with named placeholders and
// stored as the engine's template; the default survives the round trip.
func TestAckTextPlaceholders(t *testing.T) {
	if err := SetLanguage("vi"); err != nil {
		t.Fatal(err)
	}
	friendly := friendlyTemplate(engineDefaultVI)
	if strings.Contains(friendly, "{{") {
		t.Fatalf("the editor shows template code: %q", friendly)
	}
	for _, ph := range []string{"[Người gửi]", "[Cơ quan]", "[Trích yếu]", "[Ngày gửi]", "[Danh sách tệp]"} {
		if !strings.Contains(friendly, ph) {
			t.Errorf("no %s in %q", ph, friendly)
		}
	}
	data := map[string]any{"Sender": "Sở Tài chính", "Subject": "Công văn 15", "Date": "02/06/2025",
		"Attachments": []string{"cv15.pdf"}, "Agency": "Văn phòng Sở"}
	want, got := execute(t, engineDefaultVI, data), execute(t, goTemplate(friendly), data)
	if got != want {
		t.Fatalf("round trip changed the text:\n%s\nwant\n%s", got, want)
	}
	if p := renderPreview(friendly); !strings.Contains(p, "Văn phòng UBND tỉnh") || strings.Contains(p, "[") {
		t.Fatalf("preview %q", p)
	}
	if p := renderPreview("{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}"); p != renderPreview("{{") {
		t.Fatalf("a recursive template was rendered: %q", p)
	}
}

func FuzzAckText(f *testing.F) {
	f.Add(engineDefaultVI)
	f.Add("Kính gửi [Người gửi], [Danh sách tệp]")
	f.Add("{{range .Attachments}}{{.}}{{end}}{{if .Date}}")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4*maxAckText || !utf8.ValidString(s) {
			return
		}
		friendly := friendlyTemplate(s)
		_ = renderPreview(friendly)
		// text with no placeholders and no template code comes back as typed
		if !strings.ContainsAny(s, "[{") && goTemplate(friendlyTemplate(s)) != s {
			t.Fatalf("plain text changed: %q", s)
		}
	})
}
