package browserpage

import (
	"os"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestPolicy(t *testing.T) {
	for _, remote := range []bool{false, true} {
		p := Policy(remote)
		for _, want := range []string{"default-src 'none'", "form-action 'none'", "base-uri 'none'"} {
			if !strings.Contains(p, want) {
				t.Errorf("policy %q lacks %q", p, want)
			}
		}
		if strings.Contains(p, "http:") != remote {
			t.Errorf("remote images %v: policy %q", remote, p)
		}
	}
	page := Page(`<b>"Tiêu đề"</b>`, "<p>Kính gửi</p>", false)
	for _, want := range []string{`content="` + Policy(false) + `"`, `<meta http-equiv="x-dns-prefetch-control" content="off">`,
		"<title>&lt;b&gt;&#34;Tiêu đề&#34;&lt;/b&gt;</title>", "<body><p>Kính gửi</p></body>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
}

func TestSeal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<p>a</p><meta http-equiv="refresh" content="0;url=https://evil.example/">b`, `<p>a</p> b`},
		{`<META HTTP-EQUIV=Refresh CONTENT="1; URL=http://x">`, ` `},
		{`<meta http-equiv="x-dns-prefetch-control" content="on"/>`, ` `},
		{`<link rel="dns-prefetch" href="//tracker.example"><link rel=preconnect href=https://x><link rel="PREFETCH next" href=/a><link rel=prerender href=/b>`, `    `},
		{`<link rel="stylesheet" href="cid:x"><meta charset="utf-8"><meta name="viewport" content="width=device-width">`, `<link rel="stylesheet" href="cid:x"><meta charset="utf-8"><meta name="viewport" content="width=device-width">`},
		// A removed tag cannot glue its neighbours into a new one.
		{`<<meta http-equiv=refresh>meta http-equiv=refresh content="0;url=http://x">`, `< meta http-equiv=refresh content="0;url=http://x">`},
		// Inside <svg>, a browser reads <style> content as markup.
		{`<svg><style><meta http-equiv=refresh content="0;url=http://x"></style></svg>`, `<svg><style>&lt;meta http-equiv=refresh content="0;url=http://x"></style></svg>`},
		{`<noscript><p title="</noscript><meta http-equiv=refresh content=0;url=http://x>"></noscript>`, `<noscript><p title="</noscript> "></noscript>`},
		{`<!-- <link rel=prefetch href=x> -->`, `<!-- &lt;link rel=prefetch href=x> -->`},
		{`<p title="a&amp;b" class=X>Ủy ban</p>`, `<p title="a&amp;b" class=X>Ủy ban</p>`},
		{`<meta http-equiv=refresh content=0`, ``},
	} {
		if got := Seal(tc.in); got != tc.want {
			t.Errorf("Seal(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// Write's files are private and RemoveAll deletes them.
func TestWriteRemoveAll(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var paths []string
	for i := 0; i < 3; i++ {
		p, err := Write(Page("x", "<p>x</p>", false))
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 || !strings.HasSuffix(p, ".html") {
			t.Fatalf("%s: %v %v", p, st, err)
		}
		paths = append(paths, p)
	}
	RemoveAll()
	for _, p := range paths {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
}

// FuzzSeal: whatever the body, the sealed page parsed as a browser
// parses it holds no refresh or prefetch tag and only the page's own
// http-equiv metas.
func FuzzSeal(f *testing.F) {
	for _, s := range []string{`<meta http-equiv=refresh content=0>`, `<<meta http-equiv=refresh>meta http-equiv=refresh>`,
		`<svg><style><meta http-equiv=refresh></style></svg>`, `<math><mi><style><link rel=preconnect href=x>`,
		`<noscript><p title="</noscript><meta http-equiv=refresh>">`, `<svg><![CDATA[<p title="]]><meta http-equiv=refresh>">`,
		`<table><meta http-equiv=refresh><link rel=dns-prefetch href=x></table>`, `<p>Kính gửi</p><img src="cid:a">`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		page := Page("t", body, false)
		doc, err := xhtml.Parse(strings.NewReader(page))
		if err != nil {
			return
		}
		metas := 0
		for n := range doc.Descendants() {
			if n.Type != xhtml.ElementNode || n.Namespace != "" {
				continue
			}
			switch n.Data {
			case "meta":
				for _, a := range n.Attr {
					if a.Key == "http-equiv" {
						metas++
						if v := strings.ToLower(a.Val); v != "content-security-policy" && v != "x-dns-prefetch-control" || metas > 2 {
							t.Fatalf("meta %q in page from %q", a.Val, body)
						}
					}
				}
			case "link":
				for _, a := range n.Attr {
					if a.Key == "rel" && fetchHint(a.Val) {
						t.Fatalf("link rel %q in page from %q", a.Val, body)
					}
				}
			}
		}
		if len(page) > 2*len(body)+1024 {
			t.Fatalf("%d bytes of page for %d of body", len(page), len(body))
		}
	})
}
