package discover

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// fromISPFiles looks for DOMAIN.xml, in Mozilla autoconfig format, shipped
// by agency IT. The most specific domain wins (sotttt.longan.gov.vn.xml
// before longan.gov.vn.xml), then the folder order. A file that cannot be
// read or parsed is skipped with a warning, so a broken file never blocks
// the user: the preset or the network still answers.
func (f *finder) fromISPFiles(a address) (Result, bool, []string) {
	var warnings []string
	for _, d := range domainAndParents(a.domain) {
		for _, dir := range f.ispDirs {
			path := filepath.Join(dir, d+".xml") // d passed validHost: no separators
			data, err := readSmall(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("IT file %s skipped: %v", path, err))
				continue
			}
			imap, smtp, err := parseConfig(data, a)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("IT file %s skipped: %v", path, err))
				continue
			}
			return configResult(SourceISPFile, a, imap, smtp), true, warnings
		}
	}
	return Result{}, false, warnings
}

func readSmall(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", errMalformed, maxConfigBytes)
	}
	return data, nil
}

// domainAndParents lists domain and its parents down to the registered
// domain: a.b.longan.gov.vn, b.longan.gov.vn, longan.gov.vn.
func domainAndParents(domain string) []string {
	out := []string{domain}
	reg, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil {
		return out
	}
	for d := domain; d != reg; {
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			break
		}
		d = rest
		out = append(out, d)
	}
	return out
}
