package mail

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlToText renders an HTML body as readable plain text: block elements
// become line breaks, list items get a dash, scripts and styles are dropped.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var sb strings.Builder
	skip := 0
	newline := func() {
		str := sb.String()
		if str != "" && !strings.HasSuffix(str, "\n") {
			sb.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(sb.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := strings.Join(strings.Fields(string(z.Text())), " ")
			if t == "" {
				if sb.Len() > 0 && !strings.HasSuffix(sb.String(), " ") && !strings.HasSuffix(sb.String(), "\n") {
					sb.WriteByte(' ')
				}
				continue
			}
			raw := string(z.Raw())
			if sb.Len() > 0 && len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\n' || raw[0] == '\t') &&
				!strings.HasSuffix(sb.String(), " ") && !strings.HasSuffix(sb.String(), "\n") {
				sb.WriteByte(' ')
			}
			sb.WriteString(t)
			if n := len(raw); n > 0 && (raw[n-1] == ' ' || raw[n-1] == '\n' || raw[n-1] == '\t') {
				sb.WriteByte(' ')
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "head", "title":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br":
				sb.WriteByte('\n')
			case "p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "hr", "section", "article", "header", "footer":
				newline()
				if tag == "p" && tt == html.EndTagToken {
					sb.WriteByte('\n')
				}
			case "li":
				if tt == html.StartTagToken {
					newline()
					sb.WriteString("- ")
				}
			case "td", "th":
				if tt == html.EndTagToken {
					sb.WriteByte('\t')
				}
			}
		}
	}
}

// tidyText trims trailing blanks on each line and collapses runs of blank lines.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(strings.TrimLeft(l, " "), " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
