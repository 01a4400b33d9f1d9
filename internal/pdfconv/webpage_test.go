package pdfconv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The sanitised page keeps the text and the charset and loses every way
// to load something: no URL of the hostile page survives.
func TestSanitizeHTML(t *testing.T) {
	const url = "http://10.0.0.1/x"
	page := hostileHTML(url, "t") + `<a href="https://congbao.gov.vn/">Công báo</a><a href="javascript:alert(1)">js</a>
<img src="data:image/png;base64,iVBORw0KGgo=" onerror="fetch('` + url + `')"><img src="\\server\share\a.png">
<img src="file:///etc/passwd"><img srcset="` + url + `-srcset 2x"><input type="image" src="` + url + `-input">
<svg><image href="` + url + `-svg"/></svg><script>new Image().src="` + url + `-js"</script>
<div style="width:1px;background:u\72l(` + url + `-escaped)">ô</div><p style="color:red">đỏ</p><?import namespace="v" implementation="` + url + `-pi"?>`
	var out bytes.Buffer
	removed, err := sanitizeHTML(&out, strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, bad := range []string{"10.0.0.1", "relative-t", "javascript", "onerror", "\\server", "file:", "<script", "<iframe", "<object", "<link", "<base", "refresh", "<svg", "import"} {
		if strings.Contains(got, bad) {
			t.Errorf("sanitised page still has %q:\n%s", bad, got)
		}
	}
	for _, keep := range []string{"Công văn số 7/UBND", "Bảng kê kinh phí", `<meta charset="utf-8">`, `href="https://congbao.gov.vn/"`,
		"data:image/png;base64", `style="color:red"`, "đỏ"} {
		if !strings.Contains(got, keep) {
			t.Errorf("sanitised page lost %q:\n%s", keep, got)
		}
	}
	if removed < 20 {
		t.Errorf("removed %d things", removed)
	}
}

// A Word page saved in windows-1258 keeps its charset declaration, and its
// bytes pass through unchanged.
func TestSanitizeHTMLKeepsLegacyCharset(t *testing.T) {
	page := "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1258\"></head><body><p>C\xf4ng v\xe3n</p></body></html>"
	var out bytes.Buffer
	if _, err := sanitizeHTML(&out, strings.NewReader(page)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "charset=windows-1258") || !strings.Contains(out.String(), "C\xf4ng v\xe3n") {
		t.Fatalf("got %q", out.String())
	}
}

// Size and nesting are bounded: a page over the cap is refused, a deeply
// nested one streams through without recursion.
func TestSanitizeHTMLBounded(t *testing.T) {
	big := strings.NewReader("<html>" + strings.Repeat("a", maxWebPage))
	if _, err := sanitizeHTML(&bytes.Buffer{}, big); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("oversized page: %v", err)
	}
	deep := "<html>" + strings.Repeat("<div><object>", 200_000) + "x"
	var out bytes.Buffer
	if _, err := sanitizeHTML(&out, strings.NewReader(deep)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "x") || strings.Contains(out.String(), "object") {
		t.Fatal("content of a dropped element came through")
	}
}

// detect tells a web page named .doc/.xls/.ppt, refuses an RTF that pulls
// in outside content (even with the word broken over lines or across the
// scan's chunk boundary) and lets an RTF with a plain hyperlink through.
func TestDetectHostileContent(t *testing.T) {
	dir := t.TempDir()
	pad := strings.Repeat(`\par x`, (256<<10)/6) // puts the field near the first chunk's end
	tests := []struct {
		name, data string
		web        bool
		want       error
	}{
		{"a.doc", "<!DOCTYPE html><p>x</p>", true, nil},
		{"a.xls", "\xef\xbb\xbf<html><table></table></html>", true, nil},
		{"a.docx", "<html></html>", false, ErrCorrupt},
		{"a.doc", "MIME-Version: 1.0\r\n\r\n<html>", false, ErrCorrupt},
		{"a.rtf", `{\rtf1{\field{\*\fldinst HYPERLINK "https://congbao.gov.vn"}{\fldrslt link}}}`, false, nil},
		{"b.rtf", `{\rtf1{\field{\*\fldinst INCLUDE` + "\r\n" + `PICTURE "\\\\srv\\a.png"}{\fldrslt}}}`, false, ErrUnsafe},
		{"c.rtf", `{\rtf1` + pad[:len(pad)-7] + `{\field{\*\fldinst { LINK Excel.Sheet.8 "C:\\a.xls"}}}}`, false, ErrUnsafe},
		{"f.rtf", `{\rtf1{\field{\*\fldinst {\rtlch\fcs1 \af0 \ltrch\fcs0 \insrsid1 DDE Excel "x"}}}}`, false, ErrUnsafe},
		{"g.rtf", `{\rtf1{\field{\*\fldinst {\rtlch\fcs1 HYPERLINK "https://a/linked"}}}}`, false, nil},
		{"d.doc", `{\rtf1{\object\objautlink{\*\objclass Word.Document.8}}}`, false, ErrUnsafe},
		{"e.rtf", `{\rtf1` + pad + `{\field{\*\fldinst INCLUDETEXT "http://h/a"}}}`, false, ErrUnsafe},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, web, err := detect(path)
		if web != tt.web || !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s %.40q: web %v err %v, want web %v err %v", tt.name, tt.data, web, err, tt.web, tt.want)
		}
	}
}

// The profile is well-formed registry XML and seals what R4 asks.
func TestSealedProfileXCU(t *testing.T) {
	var items struct {
		Item []struct {
			Path string `xml:"path,attr"`
			Prop struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value"`
			} `xml:"prop"`
		} `xml:"item"`
	}
	if err := xml.Unmarshal([]byte(sealedProfileXCU()), &items); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items.Item {
		got[it.Path+"/"+it.Prop.Name] = it.Prop.Value
	}
	for k, v := range map[string]string{
		"/org.openoffice.Office.Common/Security/Scripting/MacroSecurityLevel":                                       "3",
		"/org.openoffice.Office.Common/Security/Scripting/DisableMacrosExecution":                                   "true",
		"/org.openoffice.Office.Common/Security/Scripting/BlockUntrustedRefererLinks":                               "true",
		"/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments/AutoCheckEnabled": "false",
		"/org.openoffice.Inet/Settings/ooInetProxyType":                                                             "2",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// Whatever the input, the sanitised page holds no element that loads
// anything and no URL-bearing attribute beyond a raster data: picture and
// a web or mail hyperlink.
func FuzzSanitizeHTML(f *testing.F) {
	f.Add(hostileHTML("http://10.0.0.1", "f"))
	f.Add(`<html><body><img src="data:image/svg+xml,<svg><image href='http://x'/></svg>"><a href=" javascript:1">x</a></body></html>`)
	f.Add("<html><style>p{color:red}</style><p style='x:y'>ô</p><script><!--</script><img src=x>")
	f.Fuzz(func(t *testing.T, page string) {
		var out bytes.Buffer
		if _, err := sanitizeHTML(&out, strings.NewReader(page)); err != nil {
			return
		}
		z := html.NewTokenizer(bytes.NewReader(out.Bytes()))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if dropElement[tok.Data] && tok.Data != "meta" {
				t.Fatalf("element <%s> kept in %q", tok.Data, out.String())
			}
			for _, a := range tok.Attr {
				if !safeAttr(tok.Data, a) && !(tok.Data == "meta") {
					t.Fatalf("attribute %s=%q of <%s> kept in %q", a.Key, a.Val, tok.Data, out.String())
				}
			}
		}
	})
}
