// Package browserpage writes an HTML mail as a sealed page for "Open in
// browser": a content policy that loads nothing remote (unless the user
// allowed the message's images), submits no form and runs no script; no
// meta refresh and no DNS prefetch; and temporary files that are deleted
// when the client exits.
package browserpage

import (
	"bytes"
	"html"
	"os"
	"regexp"
	"strings"
	"sync"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Policy is the page's Content-Security-Policy. form-action and base-uri
// do not fall back to default-src, so they are set too.
func Policy(remoteImages bool) string {
	img := "img-src data: cid:"
	if remoteImages {
		img += " https: http:"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; " + img + "; form-action 'none'; base-uri 'none'"
}

// Page is the HTML document shown in the browser for a mail's HTML body.
func Page(title, body string, remoteImages bool) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8">` +
		`<meta http-equiv="Content-Security-Policy" content="` + Policy(remoteImages) + `">` +
		`<meta http-equiv="x-dns-prefetch-control" content="off">` +
		`<title>` + html.EscapeString(title) + `</title></head><body>` + Seal(body) + `</body></html>`
}

// Seal removes from an HTML body the tags that act outside the content
// policy: <meta http-equiv> (refresh, DNS-prefetch control, or another
// policy) and <link> hints that make the browser resolve or fetch
// (dns-prefetch, preconnect, prefetch, prerender, preload). Other tags
// are kept byte for byte. A removed tag leaves a space, so that the text
// around it cannot join into a new tag; and "<meta" or "<link" in text,
// comments or raw text (which a browser may read as markup inside <svg>)
// is escaped.
func Seal(body string) string {
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return out.String() // the end, or a tag cut by it (a browser drops it too)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			raw := bytes.Clone(z.Raw()) // reading the attributes rewrites the buffer
			if dropped(z) {
				out.WriteByte(' ')
			} else {
				out.Write(raw)
			}
		case xhtml.EndTagToken:
			out.Write(z.Raw())
		default:
			out.Write(hiddenTags.ReplaceAllFunc(z.Raw(), func(m []byte) []byte {
				return append([]byte("&lt;"), m[1:]...)
			}))
		}
	}
}

// hiddenTags are tags that must not come to life in text a browser might
// read as markup.
var hiddenTags = regexp.MustCompile(`(?i)<(meta|link)`)

// dropped reports whether the tag just read must go; it reads the
// tokenizer's attributes.
func dropped(z *xhtml.Tokenizer) bool {
	name, hasAttr := z.TagName()
	tag := atom.Lookup(name)
	if tag != atom.Meta && tag != atom.Link {
		return false
	}
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		key := string(k)
		if tag == atom.Meta && key == "http-equiv" {
			return true
		}
		if tag == atom.Link && key == "rel" && fetchHint(string(v)) {
			return true
		}
	}
	return false
}

// fetchHint reports whether a <link rel> asks the browser to resolve or
// fetch ahead.
func fetchHint(rel string) bool {
	for _, r := range strings.Fields(strings.ToLower(rel)) {
		switch r {
		case "dns-prefetch", "preconnect", "prefetch", "prerender", "preload", "modulepreload", "next":
			return true
		}
	}
	return false
}

// temps are the pages written by this process, deleted by RemoveAll.
var temps struct {
	mu    sync.Mutex
	paths []string
}

// Write writes page to a new private temporary file and returns its path;
// RemoveAll deletes it.
func Write(page string) (string, error) {
	f, err := os.CreateTemp("", "thucongvu-*.html")
	if err != nil {
		return "", err
	}
	temps.mu.Lock()
	temps.paths = append(temps.paths, f.Name())
	temps.mu.Unlock()
	_, err = f.WriteString(page)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

// RemoveAll deletes every page Write made; the client calls it on exit.
func RemoveAll() {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	for _, p := range temps.paths {
		_ = os.Remove(p)
	}
	temps.paths = nil
}
