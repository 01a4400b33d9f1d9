package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// plain flattens segments to text, lists and tables included.
func plain(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		switch x := s.(type) {
		case *widget.ListSegment:
			for _, it := range x.Items {
				b.WriteString("• " + plain([]widget.RichTextSegment{it}) + "\n")
			}
		case *widget.ParagraphSegment:
			b.WriteString(plain(x.Texts))
		default:
			b.WriteString(s.Textual())
			if !s.Inline() {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func TestHTMLToRich(t *testing.T) {
	tests := []struct {
		name, in    string
		allow       bool
		want, never []string
		images      int
		check       func(t *testing.T, segs []widget.RichTextSegment)
	}{
		{name: "script and style dropped", in: `<p>Kính gửi</p><script>alert("hack")</script><style>p{}</style>`,
			want: []string{"Kính gửi"}, never: []string{"alert", "p{}"}},
		{name: "event handler and javascript link", in: `<p onclick="steal()">Xem <a href="javascript:steal()">tại đây</a></p>`,
			want: []string{"Xem tại đây"}, never: []string{"steal"},
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				for _, s := range segs {
					if _, ok := s.(*widget.HyperlinkSegment); ok {
						t.Error("javascript: link kept as a link")
					}
				}
			}},
		{name: "https link kept", in: `<p>Xem <a href="https://stttt.longan.gov.vn">Cổng</a></p>`,
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				for _, s := range segs {
					if l, ok := s.(*widget.HyperlinkSegment); ok && l.URL.Host == "stttt.longan.gov.vn" && l.Text == "Cổng" {
						return
					}
				}
				t.Error("https link lost")
			}},
		{name: "remote image blocked", in: `<p>A<img src="http://tracker.example/p.gif" alt="logo">B</p>`,
			want: []string{"[logo]"}, images: 1},
		{name: "remote image allowed", in: `<img src="https://example.gov.vn/a.png">`, allow: true,
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				if !hasImage(segs) {
					t.Error("allowed image not shown")
				}
			}},
		{name: "inline data image not counted", in: `<img src="cid:logo@x" alt="x">`, images: 0, want: []string{"[x]"}},
		{name: "headings bold italic", in: `<h1>Quyết định</h1><p><b>Điều 1.</b> <i>Phê duyệt</i></p>`,
			want: []string{"Quyết định\n", "Điều 1. Phê duyệt"},
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				if h := segs[0].(*widget.TextSegment); h.Style != widget.RichTextStyleHeading {
					t.Error("h1 is not a heading")
				}
				var bold, italic bool
				for _, s := range segs {
					if ts, ok := s.(*widget.TextSegment); ok {
						bold = bold || (ts.Style.TextStyle.Bold && strings.TrimSpace(ts.Text) == "Điều 1.")
						italic = italic || (ts.Style.TextStyle.Italic && ts.Text == "Phê duyệt")
					}
				}
				if !bold || !italic {
					t.Errorf("bold %v italic %v in %#v", bold, italic, segs)
				}
			}},
		{name: "lists", in: `<ol><li>Thời gian</li><li>Địa điểm</li></ol>`, want: []string{"• Thời gian\n• Địa điểm"},
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				if l, ok := segs[0].(*widget.ListSegment); !ok || !l.Ordered || len(l.Items) != 2 {
					t.Errorf("not an ordered list of 2: %#v", segs[0])
				}
			}},
		{name: "table", in: `<table><tr><th>Thứ</th><th>Nội dung</th></tr><tr><td>Hai</td><td>Họp <b>giao ban</b></td></tr></table>`,
			want: []string{"Thứ\tNội dung\nHai\tHọp giao ban"},
			check: func(t *testing.T, segs []widget.RichTextSegment) {
				tb, ok := segs[0].(*tableSegment)
				if !ok || !tb.Header || len(tb.Rows) != 2 {
					t.Errorf("table = %#v", segs[0])
				}
			}},
		{name: "white space collapsed", in: "<p>Kính   gửi\n\t các   đơn vị</p>", want: []string{"Kính gửi các đơn vị\n"}},
		{name: "br breaks lines", in: "Dòng một<br>Dòng hai", want: []string{"Dòng một\nDòng hai"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rb := htmlToRich(tc.in, tc.allow)
			text := plain(rb.Segments)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text %q lacks %q", text, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(text, n) {
					t.Errorf("text %q contains %q", text, n)
				}
			}
			if rb.RemoteImages != tc.images {
				t.Errorf("remote images = %d, want %d", rb.RemoteImages, tc.images)
			}
			if tc.check != nil {
				tc.check(t, rb.Segments)
			}
		})
	}
}

func FuzzHTMLToRich(f *testing.F) {
	f.Add(`<table><tr><td>a<table><tr><td>b</td></tr></table></td></tr></table>`)
	f.Add(`<ul><li><ol><li>x</li></ol></li></ul><pre>a
b</pre>`)
	f.Add(`<a href="https://x"><b>đ</b></a><img src=http://x>`)
	f.Fuzz(func(t *testing.T, in string) {
		rb := htmlToRich(in, false)
		for _, s := range rb.Segments {
			if strings.Contains(s.Textual(), "<script") {
				t.Fatal("script source leaked")
			}
		}
	})
}
