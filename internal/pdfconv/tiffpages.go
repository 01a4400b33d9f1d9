package pdfconv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// golang.org/x/image/tiff decodes only the first image (IFD) of a TIFF file.
// A multi-page TIFF (a fax or a scanner's batch) chains one IFD per page, and
// the decoder finds the first IFD through the offset in bytes 4–7 of the
// header. tiffPage presents the same file with that offset pointing at page
// n's IFD, so the well-tested decoder (all its compressions, CCITT included)
// decodes every page without copying the file. Only the IFD chain is walked
// here; pixel data is never touched.

const maxTIFFPages = 10_000

// tiffPages returns the offset of each page's IFD in file order, skipping
// reduced-resolution images (thumbnails, NewSubfileType bit 0).
func tiffPages(r io.ReaderAt, size int64) ([]uint32, error) {
	var hdr [8]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return nil, fmt.Errorf("TIFF header: %v: %w", err, ErrCorrupt)
	}
	var bo binary.ByteOrder
	switch string(hdr[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("TIFF header: bad byte order: %w", ErrCorrupt)
	}
	switch bo.Uint16(hdr[2:4]) {
	case 42:
	case 43:
		return nil, fmt.Errorf("BigTIFF: %w", ErrUnsupported)
	default:
		return nil, fmt.Errorf("TIFF header: bad magic: %w", ErrCorrupt)
	}
	var pages []uint32
	seen := map[uint32]bool{}
	for off := bo.Uint32(hdr[4:8]); off != 0; {
		if seen[off] || len(seen) >= maxTIFFPages {
			return nil, fmt.Errorf("TIFF: IFD chain loops or exceeds %d pages: %w", maxTIFFPages, ErrCorrupt)
		}
		seen[off] = true
		if int64(off)+2 > size {
			return nil, fmt.Errorf("TIFF: IFD beyond end of file: %w", ErrCorrupt)
		}
		var cnt [2]byte
		if _, err := r.ReadAt(cnt[:], int64(off)); err != nil {
			return nil, fmt.Errorf("TIFF: %v: %w", err, ErrCorrupt)
		}
		n := int64(bo.Uint16(cnt[:]))
		entries := make([]byte, 12*n+4)
		if _, err := r.ReadAt(entries, int64(off)+2); err != nil {
			return nil, fmt.Errorf("TIFF: truncated IFD: %w", ErrCorrupt)
		}
		thumb := false
		for i := int64(0); i < n; i++ {
			e := entries[12*i:]
			if bo.Uint16(e[0:2]) == 254 && bo.Uint16(e[2:4]) == 4 && bo.Uint32(e[8:12])&1 != 0 {
				thumb = true
			}
		}
		if !thumb {
			pages = append(pages, off)
		}
		off = bo.Uint32(entries[12*n:])
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("TIFF: no pages: %w", ErrCorrupt)
	}
	return pages, nil
}

// tiffPage is a TIFF file whose header names page ifd as the first image.
type tiffPage struct {
	r    io.ReaderAt
	size int64
	ifd  [4]byte
}

func newTIFFPage(r io.ReaderAt, size int64, ifd uint32) (*io.SectionReader, error) {
	var bom [2]byte
	if _, err := r.ReadAt(bom[:], 0); err != nil {
		return nil, err
	}
	p := &tiffPage{r: r, size: size}
	if string(bom[:]) == "II" {
		binary.LittleEndian.PutUint32(p.ifd[:], ifd)
	} else {
		binary.BigEndian.PutUint32(p.ifd[:], ifd)
	}
	return io.NewSectionReader(p, 0, size), nil
}

func (p *tiffPage) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	// Overlay header bytes 4..7 where they fall inside [off, off+n).
	for i := max(off, 4); i < min(off+int64(n), 8); i++ {
		b[i-off] = p.ifd[i-4]
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, err
	}
	return n, err
}
