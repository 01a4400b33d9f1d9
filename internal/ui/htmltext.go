package ui

import (
	"image/color"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// richBody is a message body converted for widget.RichText.
type richBody struct {
	Segments []widget.RichTextSegment
	// RemoteImages counts images left out because they would be fetched
	// from the network (tracking pixels, remote logos) until allowed.
	RemoteImages int
}

// htmlToRich converts mail HTML to rich-text segments. Nothing active
// survives: scripts, styles, forms, frames and event handlers are dropped,
// links keep only http, https and mailto targets, and remote images appear
// only when allowImages is set. At most maxRenderedText bytes of src are
// read: text nodes join their segment by copying, so more would be slow.
func htmlToRich(src string, allowImages bool) richBody {
	src, _ = truncateHTML(src, maxRenderedText)
	root, err := html.Parse(strings.NewReader(src))
	if err != nil { // html.Parse accepts any input; keep the text if it ever fails
		return textToRich(src)
	}
	c := &htmlConv{allowImages: allowImages}
	c.cur = &c.out
	c.walk(root)
	c.endBlock()
	return richBody{Segments: c.out, RemoteImages: c.blocked}
}

// textToRich shows a plain-text body, one paragraph per line.
func textToRich(text string) richBody {
	var segs []widget.RichTextSegment
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: line})
	}
	return richBody{Segments: segs}
}

type htmlConv struct {
	out         []widget.RichTextSegment
	cur         *[]widget.RichTextSegment
	bold        int
	italic      int
	mono        int
	pre         int
	link        *url.URL
	allowImages bool
	blocked     int
}

// dropped elements never reach the reader, not even their text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Head: true, atom.Title: true, atom.Iframe: true,
	atom.Frame: true, atom.Frameset: true, atom.Object: true, atom.Embed: true, atom.Applet: true,
	atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Noscript: true, atom.Audio: true, atom.Video: true,
}

var blockElems = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Blockquote: true, atom.Address: true, atom.Center: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Figure: true, atom.Figcaption: true, atom.Main: true, atom.Nav: true,
}

func (c *htmlConv) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		c.text(n.Data)
		return
	case html.ElementNode:
		if dropped[n.DataAtom] {
			return
		}
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			c.heading(n)
			return
		case atom.Ul, atom.Ol:
			c.list(n)
			return
		case atom.Table:
			c.table(n)
			return
		case atom.Br:
			c.lineBreak()
			return
		case atom.Hr:
			c.endBlock()
			*c.cur = append(*c.cur, &widget.SeparatorSegment{})
			return
		case atom.Img:
			c.image(n)
			return
		case atom.B, atom.Strong:
			c.bold++
			defer func() { c.bold-- }()
		case atom.I, atom.Em, atom.Cite:
			c.italic++
			defer func() { c.italic-- }()
		case atom.Code, atom.Tt, atom.Kbd, atom.Samp:
			c.mono++
			defer func() { c.mono-- }()
		case atom.Pre:
			c.endBlock()
			c.pre++
			c.mono++
			defer func() { c.pre--; c.mono--; c.endBlock() }()
		case atom.A:
			if u := safeLink(attr(n, "href")); u != nil {
				prev := c.link
				c.link = u
				defer func() { c.link = prev }()
			}
		default:
			if blockElems[n.DataAtom] {
				c.endBlock()
				defer c.endBlock()
			}
		}
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.walk(ch)
	}
}

// text adds inline text with the current style, collapsing white space
// outside <pre>.
func (c *htmlConv) text(s string) {
	if c.pre > 0 {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if i > 0 {
				c.lineBreak()
			}
			c.inline(l)
		}
		return
	}
	core := strings.Join(strings.Fields(s), " ")
	prev := c.lastInlineText()
	open := prev != "" && !strings.HasSuffix(prev, " ")
	if core == "" {
		if open {
			c.inline(" ")
		}
		return
	}
	if startsSpace(s) && open {
		core = " " + core
	}
	if endsSpace(s) {
		core += " "
	}
	c.inline(core)
}

func endsSpace(s string) bool   { return s != "" && strings.ContainsRune(" \t\r\n", rune(s[len(s)-1])) }
func startsSpace(s string) bool { return s != "" && strings.ContainsRune(" \t\r\n", rune(s[0])) }

// lastInlineText is the text of the open line, "" at a line start.
func (c *htmlConv) lastInlineText() string {
	if len(*c.cur) == 0 {
		return ""
	}
	switch s := (*c.cur)[len(*c.cur)-1].(type) {
	case *widget.TextSegment:
		if !s.Inline() {
			return ""
		}
		return s.Text
	case *widget.HyperlinkSegment:
		return s.Text
	}
	return ""
}

func (c *htmlConv) inline(s string) {
	if s == "" {
		return
	}
	if c.link != nil {
		if last, ok := lastSeg(*c.cur).(*widget.HyperlinkSegment); ok && last.URL == c.link {
			last.Text += s
			return
		}
		*c.cur = append(*c.cur, &widget.HyperlinkSegment{Text: s, URL: c.link})
		return
	}
	style := widget.RichTextStyleInline
	style.TextStyle = fyne.TextStyle{Bold: c.bold > 0, Italic: c.italic > 0, Monospace: c.mono > 0}
	if last, ok := lastSeg(*c.cur).(*widget.TextSegment); ok && last.Style == style {
		last.Text += s
		return
	}
	*c.cur = append(*c.cur, &widget.TextSegment{Style: style, Text: s})
}

func lastSeg(segs []widget.RichTextSegment) widget.RichTextSegment {
	if len(segs) == 0 {
		return nil
	}
	return segs[len(segs)-1]
}

// endBlock closes the open line, if any.
func (c *htmlConv) endBlock() {
	last := lastSeg(*c.cur)
	if last == nil || !last.Inline() {
		return
	}
	if t, ok := last.(*widget.TextSegment); ok {
		t.Text = strings.TrimRight(t.Text, " ")
	}
	*c.cur = append(*c.cur, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
}

func (c *htmlConv) lineBreak() {
	*c.cur = append(*c.cur, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
}

func (c *htmlConv) heading(n *html.Node) {
	c.endBlock()
	text := strings.Join(strings.Fields(textOf(n)), " ")
	if text == "" {
		return
	}
	style := widget.RichTextStyleParagraph
	switch n.DataAtom {
	case atom.H1:
		style = widget.RichTextStyleHeading
	case atom.H2:
		style = widget.RichTextStyleSubHeading
	default:
		style.TextStyle.Bold = true
	}
	*c.cur = append(*c.cur, &widget.TextSegment{Style: style, Text: text})
}

func (c *htmlConv) list(n *html.Node) {
	c.endBlock()
	l := &widget.ListSegment{Ordered: n.DataAtom == atom.Ol}
	outer := c.cur
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		var item []widget.RichTextSegment
		c.cur = &item
		for ch := li.FirstChild; ch != nil; ch = ch.NextSibling {
			c.walk(ch)
		}
		if len(item) > 0 {
			if t, ok := lastSeg(item).(*widget.TextSegment); ok && !t.Inline() && t.Text == "" {
				item = item[:len(item)-1]
			}
			l.Items = append(l.Items, &widget.ParagraphSegment{Texts: item})
		}
	}
	c.cur = outer
	if len(l.Items) > 0 {
		*c.cur = append(*c.cur, l)
	}
}

func (c *htmlConv) image(n *html.Node) {
	src := strings.TrimSpace(attr(n, "src"))
	alt := strings.TrimSpace(attr(n, "alt"))
	u, err := url.Parse(src)
	remote := err == nil && (u.Scheme == "http" || u.Scheme == "https")
	if remote && c.allowImages {
		if uri, err := storage.ParseURI(src); err == nil {
			c.endBlock()
			*c.cur = append(*c.cur, &widget.ImageSegment{Source: uri, Title: alt, Alignment: fyne.TextAlignLeading})
			return
		}
	}
	if remote {
		c.blocked++
	}
	if alt != "" {
		c.italic++
		c.inline("[" + alt + "]")
		c.italic--
	}
}

// safeLink accepts only links that cannot run code in the reader.
func safeLink(href string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return nil
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto":
		return u
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// textOf is the visible text under n, without dropped elements.
func textOf(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.ElementNode && dropped[n.DataAtom] {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteString("\n")
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			f(ch)
		}
	}
	f(n)
	return b.String()
}

// maxTableRows bounds a table in the reader: each cell is a text object
// to lay out and paint; the whole table opens in the browser.
const maxTableRows = 40

// table collects the rows of a table into a tableSegment.
func (c *htmlConv) table(n *html.Node) {
	c.endBlock()
	t := &tableSegment{}
	var rows func(*html.Node)
	rows = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode || dropped[ch.DataAtom] {
				continue
			}
			switch ch.DataAtom {
			case atom.Tr:
				var row []string
				header := true
				for cell := ch.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type == html.ElementNode && (cell.DataAtom == atom.Td || cell.DataAtom == atom.Th) {
						row = append(row, strings.Join(strings.Fields(textOf(cell)), " "))
						header = header && cell.DataAtom == atom.Th
					}
				}
				if len(row) > 0 && len(t.Rows) == maxTableRows {
					t.Rows = append(t.Rows, []string{"…"}) // the rest: "open in browser"
				}
				if len(row) > 0 && len(t.Rows) < maxTableRows {
					t.Rows = append(t.Rows, row)
					if header && len(t.Rows) == 1 {
						t.Header = true
					}
				}
			case atom.Table: // a nested table flattens into this one
				rows(ch)
			default:
				rows(ch)
			}
		}
	}
	rows(n)
	if len(t.Rows) > 0 {
		*c.cur = append(*c.cur, t)
	}
}

// tableSegment shows an HTML table as an aligned grid: each column as wide
// as its longest cell up to a cap, longer cells wrapped onto more lines.
type tableSegment struct {
	Rows   [][]string
	Header bool // the first row is a header row
}

const tableColumnCap = 320

// Inline implements widget.RichTextSegment: a table is a block.
func (t *tableSegment) Inline() bool { return false }

// Textual implements widget.RichTextSegment: cells tab-separated.
func (t *tableSegment) Textual() string {
	lines := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		lines[i] = strings.Join(r, "\t")
	}
	return strings.Join(lines, "\n")
}

// Update implements widget.RichTextSegment.
func (t *tableSegment) Update(fyne.CanvasObject) {}

// Select implements widget.RichTextSegment.
func (t *tableSegment) Select(_, _ fyne.Position) {}

// SelectedText implements widget.RichTextSegment.
func (t *tableSegment) SelectedText() string { return "" }

// Unselect implements widget.RichTextSegment.
func (t *tableSegment) Unselect() {}

// Visual implements widget.RichTextSegment.
func (t *tableSegment) Visual() fyne.CanvasObject {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(theme.SizeNameText)
	pad := th.Size(theme.SizeNameInnerPadding)
	cols := 0
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	widths := make([]float32, cols)
	for ri, r := range t.Rows {
		for ci, cell := range r {
			w := fyne.MeasureText(cell, size, fyne.TextStyle{Bold: t.Header && ri == 0}).Width
			widths[ci] = max(widths[ci], min(w, tableColumnCap))
		}
	}
	lineH := fyne.MeasureText("Ẩy", size, fyne.TextStyle{}).Height
	var objs []fyne.CanvasObject
	y := float32(0)
	totalW := float32(0)
	for _, w := range widths {
		totalW += w + 2*pad
	}
	fg := th.Color(theme.ColorNameForeground, v)
	sep := th.Color(theme.ColorNameSeparator, v)
	for ri, r := range t.Rows {
		bold := t.Header && ri == 0
		var cells [][]string
		lines := 1
		for ci := range cols {
			cell := ""
			if ci < len(r) {
				cell = r[ci]
			}
			wrapped := wrapText(cell, widths[ci], size, fyne.TextStyle{Bold: bold})
			cells = append(cells, wrapped)
			lines = max(lines, len(wrapped))
		}
		rowH := float32(lines)*lineH + pad
		if bold {
			bg := canvas.NewRectangle(th.Color(theme.ColorNameHeaderBackground, v))
			bg.Move(fyne.NewPos(0, y))
			bg.Resize(fyne.NewSize(totalW, rowH))
			objs = append(objs, bg)
		}
		x := float32(0)
		for ci, cell := range cells {
			for li, line := range cell {
				txt := canvas.NewText(line, fg)
				txt.TextSize = size
				txt.TextStyle.Bold = bold
				txt.Move(fyne.NewPos(x+pad, y+pad/2+float32(li)*lineH))
				txt.Resize(fyne.NewSize(widths[ci], lineH))
				objs = append(objs, txt)
			}
			x += widths[ci] + 2*pad
		}
		y += rowH
		objs = append(objs, hline(sep, y, totalW))
	}
	objs = append(objs, hline(sep, 0, totalW))
	return newFixedSize(container.NewWithoutLayout(objs...), fyne.NewSize(totalW, y+1))
}

func hline(c color.Color, y, w float32) fyne.CanvasObject {
	l := canvas.NewRectangle(c)
	l.Move(fyne.NewPos(0, y))
	l.Resize(fyne.NewSize(w, 1))
	return l
}

// wrapText breaks s into lines no wider than w (a word longer than w keeps its line).
func wrapText(s string, w, size float32, style fyne.TextStyle) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	line := words[0]
	for _, word := range words[1:] {
		if fyne.MeasureText(line+" "+word, size, style).Width > w {
			lines = append(lines, line)
			line = word
			continue
		}
		line += " " + word
	}
	return append(lines, line)
}

// fixedSize is a widget over pre-placed objects with a known minimum size.
type fixedSize struct {
	widget.BaseWidget
	content *fyne.Container
	size    fyne.Size
}

func newFixedSize(c *fyne.Container, s fyne.Size) *fixedSize {
	f := &fixedSize{content: c, size: s}
	f.ExtendBaseWidget(f)
	return f
}

// CreateRenderer implements fyne.Widget.
func (f *fixedSize) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(f.content) }

// MinSize implements fyne.CanvasObject.
func (f *fixedSize) MinSize() fyne.Size { return f.size }
