package pdfconv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
)

var officeKinds = map[string]kind{
	".doc": kindWriter, ".docx": kindWriter, ".odt": kindWriter, ".rtf": kindWriter,
	".xls": kindCalc, ".xlsx": kindCalc, ".ods": kindCalc,
	".ppt": kindImpress, ".pptx": kindImpress, ".odp": kindImpress,
}

var textExts = map[string]bool{".txt": true, ".text": true}

// detect names what input is from its first bytes, checked against its
// extension, so a damaged or mislabelled file fails with a clear reason
// before any converter sees it.
func detect(input string) (kind, error) {
	f, err := os.Open(input)
	if err != nil {
		return kindUnknown, fmt.Errorf("open %s: %w", filepath.Base(input), err)
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return kindUnknown, fmt.Errorf("read %s: %w", filepath.Base(input), err)
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(input))
	name := filepath.Base(input)

	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return kindPDF, nil
	case isImage(head):
		return kindImage, nil
	}
	if k, ok := officeKinds[ext]; ok {
		return k, checkOffice(f, head, ext, name)
	}
	switch ext {
	case ".pdf":
		return kindUnknown, fmt.Errorf("read %s: no PDF header: %w", name, ErrCorrupt)
	case ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp":
		return kindUnknown, fmt.Errorf("read %s: not a %s image: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
	}
	if textExts[ext] {
		return kindText, nil
	}
	return kindUnknown, fmt.Errorf("%s: %q: %w (images, .txt, PDF, DOC(X), XLS(X), PPT(X), ODT/ODS/ODP, RTF)", name, ext, ErrUnsupported)
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
// manifest. Legacy binary formats are left to the office program to judge.
func checkOffice(f *os.File, head []byte, ext, name string) error {
	switch ext {
	case ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp":
		if bytes.HasPrefix(head, cfbMagic) {
			if ext[len(ext)-1] == 'x' {
				return fmt.Errorf("read %s: %w", name, ErrEncrypted)
			}
			return fmt.Errorf("read %s: not a ZIP-based %s: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
		}
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		zr, err := zip.NewReader(f, st.Size())
		if err != nil {
			return fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
		}
		if ext[1] == 'o' {
			for _, zf := range zr.File {
				if zf.Name != "META-INF/manifest.xml" {
					continue
				}
				rc, err := zf.Open()
				if err != nil {
					return fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
				}
				m, err := io.ReadAll(io.LimitReader(rc, 1<<20))
				rc.Close()
				if err != nil {
					return fmt.Errorf("read %s: %v: %w", name, err, ErrCorrupt)
				}
				if bytes.Contains(m, []byte("encryption-data")) {
					return fmt.Errorf("read %s: %w", name, ErrEncrypted)
				}
			}
		}
	case ".doc", ".xls", ".ppt":
		if !bytes.HasPrefix(head, cfbMagic) && !bytes.HasPrefix(head, []byte("{\\rtf")) &&
			!bytes.HasPrefix(head, []byte("PK\x03\x04")) && !bytes.Contains(bytes.ToLower(head), []byte("<html")) {
			return fmt.Errorf("read %s: not an Office %s file: %w", name, strings.ToUpper(ext[1:]), ErrCorrupt)
		}
	case ".rtf":
		if !bytes.HasPrefix(head, []byte("{\\rtf")) {
			return fmt.Errorf("read %s: no RTF header: %w", name, ErrCorrupt)
		}
	}
	return nil
}
