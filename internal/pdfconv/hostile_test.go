package pdfconv

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// beacon is a loopback HTTP listener that records every request: converting
// a hostile document must not reach it.
type beacon struct {
	url  string
	mu   sync.Mutex
	hits []string
}

func newBeacon(t *testing.T) *beacon {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &beacon{url: "http://" + ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.hits = append(b.hits, r.Method+" "+r.URL.Path)
		b.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(tinyPNG)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b
}

func (b *beacon) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.hits...)
}

// tinyPNG is a 1×1 PNG, what a tracking pixel serves.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

func zipFile(t *testing.T, path string, files [][2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if f[0] == "mimetype" {
			method = zip.Store // ODF: first and uncompressed
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, path, buf.Bytes())
}

// docxExternalImage is a DOCX whose picture is linked, not embedded: a
// relationship with TargetMode="External" pointing at url, plus an
// INCLUDEPICTURE field and a hyperlink base for good measure.
func docxExternalImage(t *testing.T, path, url string) string {
	t.Helper()
	const ct = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`
	const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`
	docRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="` + url + `/docx-linked.png" TargetMode="External"/>
</Relationships>`
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">
<w:body>
<w:p><w:r><w:t>Công văn có ảnh liên kết</w:t></w:r></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="1" name="Ảnh 1"/>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:link="rId5"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "` + url + `/docx-field.png" \d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>ảnh</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
</w:body></w:document>`
	return zipFile(t, path, [][2]string{
		{"[Content_Types].xml", ct}, {"_rels/.rels", rels},
		{"word/document.xml", doc}, {"word/_rels/document.xml.rels", docRels},
	})
}

// odtExternalImage is an ODT whose draw:image is linked to url.
func odtExternalImage(t *testing.T, path, url string) string {
	t.Helper()
	const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`
	content := `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">
<office:body><office:text>
<text:p>Tờ trình có ảnh liên kết</text:p>
<text:p><draw:frame draw:name="Ảnh 1" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm">
<draw:image xlink:href="` + url + `/odt-linked.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>
</draw:frame></text:p>
</office:text></office:body></office:document-content>`
	return zipFile(t, path, [][2]string{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"META-INF/manifest.xml", manifest}, {"content.xml", content},
	})
}

// hostileHTML is a web page whose every outside reference names tag.
func hostileHTML(url, tag string) string {
	u := url + "/" + tag
	return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=` + u + `-refresh">
<link rel="stylesheet" href="` + u + `-style.css"><base href="` + u + `-base/">
<style>@import "` + u + `-import.css"; body { background: url(` + u + `-css-bg.png) }</style></head>
<body background="` + u + `-body-bg.png"><p style="background-image: url(` + u + `-inline.png)">Công văn số 7/UBND</p>
<img src="` + u + `-beacon.png" width="1" height="1"><img src="relative-` + tag + `.png">
<iframe src="` + u + `-frame.html"></iframe><object data="` + u + `-object"></object>
<!--[if gte mso 9]><v:imagedata src="` + u + `-vml.png"/><![endif]-->
<table background="` + u + `-table.png"><tr><td>Bảng kê kinh phí</td></tr></table></body></html>`
}

// Converting hostile office files never makes the PC fetch a URL (R4): a
// .doc or .xls that is really HTML with <img>, <link> and CSS url() is
// converted from a sanitised copy, a DOCX with an external image
// relationship and an INCLUDEPICTURE field and an ODT with a linked image
// are converted by the sealed profile without their pictures, an RTF with
// an INCLUDEPICTURE field is refused. The loopback listener they all point
// at must receive nothing.
func TestHostileOfficeFetchesNothing(t *testing.T) {
	need(t, "soffice")
	b := newBeacon(t)
	dir := t.TempDir()
	rtf := `{\rtf1\ansi{\field{\*\fldinst INCLUDEPICTURE "` + b.url + `/rtf-field.png" \\d}{\fldrslt ảnh}}\par C\u244?ng v\u259?n\par}`
	tests := []struct {
		name, text string
		input      func(path string) string
		want       error
	}{
		{"Công văn HTML.doc", "Công văn số 7/UBND", func(p string) string { return writeFile(t, p, []byte(hostileHTML(b.url, "doc"))) }, nil},
		{"Bảng kê HTML.xls", "Bảng kê kinh phí", func(p string) string { return writeFile(t, p, []byte(hostileHTML(b.url, "xls"))) }, nil},
		{"Ảnh liên kết.docx", "Công văn có ảnh liên kết", func(p string) string { return docxExternalImage(t, p, b.url) }, nil},
		{"Tờ trình liên kết.odt", "Tờ trình có ảnh liên kết", func(p string) string { return odtExternalImage(t, p, b.url) }, nil},
		{"Trường.rtf", "", func(p string) string { return writeFile(t, p, []byte(rtf)) }, ErrUnsafe},
		{"Trường RTF.doc", "", func(p string) string { return writeFile(t, p, []byte(rtf)) }, ErrUnsafe},
	}
	var inputs []string
	for _, tt := range tests {
		inputs = append(inputs, tt.input(filepath.Join(dir, tt.name)))
	}
	c := New(Config{})
	defer c.Close()
	results := c.Convert(context.Background(), inputs, Options{OutDir: filepath.Join(dir, "pdf")}, nil)
	for i, tt := range tests {
		r := results[i]
		t.Run(tt.name, func(t *testing.T) {
			if tt.want != nil {
				if !errors.Is(r.Err, tt.want) {
					t.Fatalf("err %v, want %v", r.Err, tt.want)
				}
				return
			}
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if text := noSpace(pdfText(t, r.Output)); !strings.Contains(text, noSpace(tt.text)) {
				t.Errorf("PDF lacks %q: %s", tt.text, text)
			}
			t.Logf("warnings: %q", r.Warnings)
		})
	}
	if hits := b.requests(); len(hits) > 0 {
		t.Fatalf("conversion fetched from the network: %s", strings.Join(hits, ", "))
	}
}

// The sealed LibreOffice profile alone, handed the raw hostile web page
// (no sanitising), fetches nothing either: the second barrier holds when
// the first is bypassed.
func TestSealedProfileFetchesNothing(t *testing.T) {
	need(t, "soffice")
	b := newBeacon(t)
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "trang web.html"), []byte(hostileHTML(b.url, "raw")))
	c := New(Config{})
	defer c.Close()
	eng, err := c.engine(EngineLibreOffice)
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.convert(context.Background(), in, dir, kindWebWriter, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if text := noSpace(pdfText(t, out)); !strings.Contains(text, noSpace("Công văn số 7/UBND")) {
		t.Errorf("PDF lacks the text: %s", text)
	}
	if hits := b.requests(); len(hits) > 0 {
		t.Fatalf("LibreOffice fetched from the network: %s", strings.Join(hits, ", "))
	}
}

// pdfImageCount asks poppler's pdfimages how many images a PDF shows.
func pdfImageCount(t *testing.T, path string) int {
	t.Helper()
	need(t, "pdfimages")
	out, err := exec.Command("pdfimages", "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages %s: %v\n%s", path, err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return len(lines) - 2 // two header lines
}

// A received document cannot copy a local file into the PDF the officer
// then sends on: pictures linked to file: URLs or relative paths are not
// loaded (R4).
func TestLinkedLocalFileNotEmbedded(t *testing.T) {
	need(t, "soffice")
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	os.MkdirAll(docs, 0o700)
	// The helpers link <url>/odt-linked.png and <url>/docx-linked.png.
	writeFile(t, filepath.Join(dir, "odt-linked.png"), tinyPNG)
	writeFile(t, filepath.Join(dir, "docx-linked.png"), tinyPNG)
	inputs := []string{
		odtExternalImage(t, filepath.Join(docs, "tệp cục bộ.odt"), fileURL(dir)),
		docxExternalImage(t, filepath.Join(docs, "tệp cục bộ.docx"), fileURL(dir)),
	}
	c := New(Config{})
	defer c.Close()
	for _, r := range c.Convert(context.Background(), inputs, Options{OutDir: filepath.Join(dir, "pdf")}, nil) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Input, r.Err)
		}
		if n := pdfImageCount(t, r.Output); n != 0 {
			t.Errorf("%s: the PDF carries %d local image(s)", filepath.Base(r.Input), n)
		}
	}
}
