package pdfconv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// maxWebPage bounds the size of a web page converted as an office file.
const maxWebPage = 32 << 20

// Elements dropped with their attributes; those in dropContent also lose
// what they contain.
var (
	dropElement = map[string]bool{
		"link": true, "base": true, "meta": true, "script": true, "noscript": true,
		"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true,
		"param": true, "audio": true, "video": true, "source": true, "track": true, "form": true,
		"svg": true, "math": true, "portal": true, "template": true, "xml": true,
	}
	dropContent = map[string]bool{"script": true, "noscript": true, "iframe": true, "object": true,
		"applet": true, "svg": true, "math": true, "template": true, "xml": true}
)

// cssRemote matches what makes CSS load something; cssEscape an escape
// that could hide it.
var (
	cssRemote = regexp.MustCompile(`(?i)url\s*\(|@import|image-set|expression\s*\(|behavior\s*:|-moz-binding|src\s*:`)
	cssEscape = regexp.MustCompile(`\\`)
)

// sanitizeHTML rewrites a web page so that nothing in it can be fetched or
// opened when it is converted (R4): it keeps text, tables and formatting,
// and drops scripts, frames, objects, <link>, <base>, <meta>, comments
// (Word's conditional VML), event handlers, every URL-bearing attribute
// except an <img> raster data: URI and a hyperlink's http(s)/mailto target, and
// CSS that loads anything. It streams tokens (no tree, no recursion) and
// reads at most maxWebPage bytes. removed counts what was dropped.
func sanitizeHTML(w io.Writer, r io.Reader) (removed int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxWebPage+1))
	if err != nil {
		return 0, err
	}
	if len(data) > maxWebPage {
		return 0, fmt.Errorf("web page larger than %d MB: %w", maxWebPage>>20, ErrCorrupt)
	}
	z := html.NewTokenizer(bytes.NewReader(data))
	z.SetMaxBuf(maxWebPage)
	var out bytes.Buffer
	out.WriteString("<!DOCTYPE html>\n")
	skip := 0 // depth inside a dropContent element
	skipName := ""
	inStyle := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				_, err := w.Write(out.Bytes())
				return removed, err
			}
			return removed, fmt.Errorf("web page: %v: %w", z.Err(), ErrCorrupt)
		case html.CommentToken, html.DoctypeToken:
			if tt == html.CommentToken {
				removed++
			}
			continue
		case html.TextToken:
			if skip > 0 {
				continue
			}
			raw := z.Raw()
			if inStyle {
				if cssEscape.Match(raw) || cssRemote.Match(raw) {
					removed++
					continue
				}
			}
			out.Write(raw)
			continue
		}
		tok := z.Token()
		name := tok.Data
		if skip > 0 {
			if name == skipName {
				switch tt {
				case html.StartTagToken:
					skip++
				case html.EndTagToken:
					skip--
				}
			}
			continue
		}
		if name == "meta" && tt != html.EndTagToken {
			if m := charsetMeta(tok); m != "" {
				out.WriteString(m)
				continue
			}
		}
		if dropElement[name] {
			removed++
			if tt == html.StartTagToken && dropContent[name] {
				skip, skipName = 1, name
			}
			continue
		}
		if name == "style" {
			inStyle = tt == html.StartTagToken
		}
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			kept := tok.Attr[:0]
			for _, a := range tok.Attr {
				if safeAttr(name, a) {
					kept = append(kept, a)
				} else {
					removed++
				}
			}
			tok.Attr = kept
		}
		out.WriteString(tok.String())
	}
}

// charsetMeta keeps what a <meta> says of the page's character set (Word
// saves Vietnamese pages as windows-1258), and nothing else.
func charsetMeta(tok html.Token) string {
	var equiv, content, charset string
	for _, a := range tok.Attr {
		switch strings.ToLower(a.Key) {
		case "http-equiv":
			equiv = strings.ToLower(a.Val)
		case "content":
			content = a.Val
		case "charset":
			charset = a.Val
		}
	}
	ok := charsetName
	if charset != "" && ok.MatchString(charset) {
		return `<meta charset="` + charset + `">`
	}
	if equiv == "content-type" {
		if i := strings.Index(strings.ToLower(content), "charset="); i >= 0 && ok.MatchString(content[i+8:]) {
			return `<meta http-equiv="Content-Type" content="text/html; charset=` + content[i+8:] + `">`
		}
	}
	return ""
}

// urlAttrs are the attributes that name something to load or open.
var urlAttrs = map[string]bool{
	"src": true, "href": true, "background": true, "lowsrc": true, "dynsrc": true, "poster": true,
	"data": true, "codebase": true, "classid": true, "archive": true, "cite": true, "longdesc": true,
	"usemap": true, "action": true, "formaction": true, "srcset": true, "imagesrcset": true,
	"manifest": true, "profile": true, "ping": true, "icon": true,
}

func safeAttr(elem string, a html.Attribute) bool {
	key := strings.ToLower(a.Key)
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		key = key[i+1:] // o:href, v:src, xlink:href
	}
	val := strings.ToLower(strings.TrimSpace(a.Val))
	switch {
	case strings.HasPrefix(key, "on"):
		return false
	case key == "style":
		return !cssEscape.MatchString(a.Val) && !cssRemote.MatchString(a.Val)
	case urlAttrs[key]:
		switch {
		case elem == "img" && key == "src" && rasterDataURI(val):
			return true
		case elem == "a" && key == "href" &&
			(strings.HasPrefix(val, "http://") || strings.HasPrefix(val, "https://") || strings.HasPrefix(val, "mailto:") || strings.HasPrefix(val, "#")):
			return true
		}
		return false
	}
	return !strings.Contains(val, "url(")
}

// rasterDataURI: an embedded PNG, JPEG, GIF, BMP or WebP picture (an SVG
// one could link further).
func rasterDataURI(v string) bool {
	for _, t := range []string{"png", "jpeg", "jpg", "gif", "bmp", "webp"} {
		if strings.HasPrefix(v, "data:image/"+t+";") || strings.HasPrefix(v, "data:image/"+t+",") {
			return true
		}
	}
	return false
}

// neutralizeWebPage writes a sanitised copy of the web page input into dir,
// under the same name, and returns its path and how many things it removed.
func neutralizeWebPage(input, dir string, name string) (string, int, error) {
	in, err := os.Open(input)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	var buf bytes.Buffer
	removed, err := sanitizeHTML(&buf, in)
	if err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, err
	}
	out := dir + string(os.PathSeparator) + name
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return "", 0, err
	}
	return out, removed, nil
}

var charsetName = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,40}$`)
