package pdfconv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

type kind int

const (
	kindUnknown kind = iota
	kindPDF
	kindImage
	kindText
	kindWriter  // DOC, DOCX, ODT, RTF
	kindCalc    // XLS, XLSX, ODS
	kindImpress // PPT, PPTX, ODP
	// A web page named .doc/.ppt or .xls, converted from its sanitised copy.
	kindWebWriter
	kindWebCalc
)

var officeKinds = map[string]kind{
	".doc": kindWriter, ".docx": kindWriter, ".odt": kindWriter, ".rtf": kindWriter,
	".xls": kindCalc, ".xlsx": kindCalc, ".ods": kindCalc,
	".ppt": kindImpress, ".pptx": kindImpress, ".odp": kindImpress,
}

var textExts = map[string]bool{".txt": true, ".text": true}

// detect names what input is from its first bytes, checked against its
// extension, so a damaged or mislabelled file fails with a clear reason
// before any converter sees it. webPage reports a .doc/.xls/.ppt that is
// really HTML (as some web applications export), which is converted only
// after sanitizeHTML (R4).
func detect(input string) (k kind, webPage bool, err error) {
	f, err := os.Open(input)
	if err != nil {
		return kindUnknown, false, fmt.Errorf("open %s: %w", filepath.Base(input), err)
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return kindUnknown, false, fmt.Errorf("read %s: %w", filepath.Base(input), err)
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(input))
	name := filepath.Base(input)

	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return kindPDF, false, nil
	case isImage(head):
		return kindImage, false, nil
	}
	if k, ok := officeKinds[ext]; ok {
		webPage, err := checkOffice(f, head, ext, name)
		return k, webPage, err
	}
	switch ext {
	case ".pdf":
		return kindUnknown, false, fmt.Errorf("read %s: no PDF header: %w", name, ErrCorrupt)
	case ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp":
		return kindUnknown, false, fmt.Errorf("read %s: not a %s image: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
	}
	if textExts[ext] {
		return kindText, false, nil
	}
	return kindUnknown, false, fmt.Errorf("%s: %q: %w (images, .txt, PDF, DOC(X), XLS(X), PPT(X), ODT/ODS/ODP, RTF)", name, ext, ErrUnsupported)
}

func isImage(h []byte) bool {
	switch {
	case bytes.HasPrefix(h, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(h, []byte("GIF87a")), bytes.HasPrefix(h, []byte("GIF89a")),
		bytes.HasPrefix(h, []byte("II*\x00")), bytes.HasPrefix(h, []byte("MM\x00*")),
		bytes.HasPrefix(h, []byte("BM")),
		len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "WEBP":
		return true
	}
	return false
}

var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// checkOffice checks the container of an office file: OOXML and ODF are ZIP
// archives, legacy DOC/XLS/PPT are OLE compound files, RTF is text. A
// password-protected OOXML file is an OLE compound file holding an
// "EncryptionInfo" stream; an encrypted ODF file lists encryption-data in its
// manifest. An RTF file that pulls content from elsewhere is refused.
// Legacy binary formats are left to the office program to judge.
func checkOffice(f *os.File, head []byte, ext, name string) (webPage bool, err error) {
	switch ext {
	case ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp":
		if bytes.HasPrefix(head, cfbMagic) {
			if ext[len(ext)-1] == 'x' {
				return false, fmt.Errorf("read %s: %w", name, ErrEncrypted)
			}
			return false, fmt.Errorf("read %s: not a ZIP-based %s: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
		}
		st, err := f.Stat()
		if err != nil {
			return false, fmt.Errorf("read %s: %w", name, err)
		}
		zr, err := zip.NewReader(f, st.Size())
		if err != nil {
			return false, fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
		}
		if ext[1] == 'o' {
			for _, zf := range zr.File {
				if zf.Name != "META-INF/manifest.xml" {
					continue
				}
				rc, err := zf.Open()
				if err != nil {
					return false, fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
				}
				m, err := io.ReadAll(io.LimitReader(rc, 1<<20))
				rc.Close()
				if err != nil {
					return false, fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
				}
				if bytes.Contains(m, []byte("encryption-data")) {
					return false, fmt.Errorf("read %s: %w", name, ErrEncrypted)
				}
			}
		}
	case ".doc", ".xls", ".ppt":
		switch {
		case bytes.HasPrefix(head, cfbMagic), bytes.HasPrefix(head, []byte("PK\x03\x04")):
		case bytes.HasPrefix(head, []byte("{\\rtf")):
			return false, checkRTF(f, name)
		case isHTML(head):
			return true, nil
		default:
			return false, fmt.Errorf("read %s: not an Office %s file: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
		}
	case ".rtf":
		if !bytes.HasPrefix(head, []byte("{\\rtf")) {
			return false, fmt.Errorf("read %s: no RTF header: %w", name, ErrCorrupt)
		}
		return false, checkRTF(f, name)
	}
	return false, nil
}

// isHTML tells a web page: markup from its first byte, with an <html> tag or
// an HTML doctype.
func isHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n"))
	if !bytes.HasPrefix(h, []byte("<")) {
		return false // e.g. MHTML (MIME headers first)
	}
	return bytes.Contains(h, []byte("<html")) || bytes.Contains(h, []byte("<!doctype html"))
}

// rtfRemote matches what makes an RTF reader fetch or embed another file:
// INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO and IMPORT fields, and
// linked OLE objects.
var rtfRemote = regexp.MustCompile(`includepicture|includetext|ddeauto|\\objautlink|\\objlink|\\fldinst(?:[\s{}]|\\[a-z]+-?\d* ?)*(?:link|dde|import)\b`)

// checkRTF refuses an RTF file whose fields or objects reach outside it.
// The whole file is scanned in chunks, lowercased and without line breaks
// (RTF may break a word over lines), the end of each chunk carried over so
// no word is missed at a boundary.
func checkRTF(f *os.File, name string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	const keep = 64 // longer than any match of rtfRemote that matters
	chunk := make([]byte, 256<<10)
	window := make([]byte, 0, len(chunk)+keep)
	tail := make([]byte, 0, keep)
	for {
		n, err := io.ReadFull(f, chunk)
		window = append(append(window[:0], tail...), chunk[:n]...)
		j := 0
		for _, c := range window {
			if c == '\r' || c == '\n' {
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			window[j] = c
			j++
		}
		window = window[:j]
		if m := rtfRemote.Find(window); m != nil {
			return fmt.Errorf("read %s: it pulls in outside content (%s): %w", name, strings.Trim(string(m), `\{} `), ErrUnsafe)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		tail = append(tail[:0], window[len(window)-min(keep, len(window)):]...)
	}
}
