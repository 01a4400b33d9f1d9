package demo

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"
)

// docxTime is the fixed modification time of every part, so the bytes of a
// generated DOCX depend only on its text.
var docxTime = time.Date(2024, 1, 2, 8, 0, 0, 0, time.UTC)

const (
	docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`
)

// buildDOCX writes d as a minimal WordprocessingML package: A4, Times New
// Roman 14 pt, the layout of Decree 30/2020 on administrative documents.
func buildDOCX(d officialDoc) ([]byte, error) {
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)

	// Header: agency on the left, national motto on the right.
	doc.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="9360" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w="3700"/><w:gridCol w:w="5660"/></w:tblGrid><w:tr>`)
	doc.WriteString(`<w:tc><w:tcPr><w:tcW w:w="3700" w:type="dxa"/></w:tcPr>`)
	docxPara(&doc, d.Parent, "center", 26, false, false)
	docxPara(&doc, d.Issuer, "center", 26, true, false)
	docxPara(&doc, d.Number, "center", 26, false, false)
	doc.WriteString(`</w:tc><w:tc><w:tcPr><w:tcW w:w="5660" w:type="dxa"/></w:tcPr>`)
	docxPara(&doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center", 26, true, false)
	docxPara(&doc, "Độc lập - Tự do - Hạnh phúc", "center", 28, true, false)
	docxPara(&doc, d.PlaceDate, "center", 28, false, true)
	doc.WriteString(`</w:tc></w:tr></w:tbl>`)

	docxPara(&doc, "", "center", 28, false, false)
	for _, t := range d.Title {
		docxPara(&doc, t, "center", 28, true, false)
	}
	docxPara(&doc, "", "center", 28, false, false)
	for _, p := range d.Body {
		docxPara(&doc, p, "both", 28, false, false)
	}
	docxPara(&doc, "", "center", 28, false, false)
	for i, s := range d.Sign {
		docxPara(&doc, s, "right", 28, i < len(d.Sign)-1 || len(d.Sign) == 1, false)
	}
	doc.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>`)

	var core strings.Builder
	core.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>`)
	xmlText(&core, strings.Join(d.Title, " "))
	core.WriteString(`</dc:title><dc:creator>`)
	xmlText(&core, d.Issuer)
	core.WriteString(`</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>`)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRels},
		{"docProps/core.xml", core.String()},
		{"word/document.xml", doc.String()},
	}
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: docxTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// docxPara writes one paragraph with a single run.
func docxPara(b *strings.Builder, text, align string, halfPoints int, bold, italic bool) {
	b.WriteString(`<w:p><w:pPr><w:jc w:val="` + align + `"/><w:spacing w:after="60"/></w:pPr>`)
	if text != "" {
		b.WriteString(`<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>`)
		if bold {
			b.WriteString(`<w:b/>`)
		}
		if italic {
			b.WriteString(`<w:i/>`)
		}
		b.WriteString(`<w:sz w:val="` + strconv.Itoa(halfPoints) + `"/><w:lang w:val="vi-VN"/></w:rPr><w:t xml:space="preserve">`)
		xmlText(b, text)
		b.WriteString(`</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
}

func xmlText(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a strings.Builder never fails
}
