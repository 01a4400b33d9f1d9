package mail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"thucongvu/internal/vntext"
)

// maxHeaderBytes bounds one header block; more is dropped with a warning.
const maxHeaderBytes = 8 << 20

// errNoHeader means the input has no header field at all.
var errNoHeader = errors.New("no header field")

// readHeaderLenient reads a header block, dropping lines that are neither a
// field nor a continuation (and an mbox "From " line) instead of failing.
func readHeaderLenient(br *bufio.Reader) (h textproto.Header, dropped int, err error) {
	var clean bytes.Buffer
	total, fields := 0, 0
	kept := false
	first := true
	for {
		line, rerr := br.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull {
			// A very long line: gather it whole.
			full := append([]byte(nil), line...)
			for rerr == bufio.ErrBufferFull {
				line, rerr = br.ReadSlice('\n')
				full = append(full, line...)
				if len(full) > maxHeaderBytes {
					break
				}
			}
			line = full
		}
		if rerr != nil && rerr != io.EOF && rerr != bufio.ErrBufferFull {
			return h, dropped, fmt.Errorf("read header: %w", rerr)
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 && (len(line) > 0 || rerr == io.EOF) {
			break // end of header
		}
		total += len(line)
		switch {
		case total > maxHeaderBytes:
			dropped++
		case first && bytes.HasPrefix(line, []byte("From ")):
			// mbox separator
		case line[0] == ' ' || line[0] == '\t':
			if kept {
				clean.Write(trimmed)
				clean.WriteString("\r\n")
			} else {
				dropped++
			}
		case validFieldLine(trimmed):
			clean.Write(trimmed)
			clean.WriteString("\r\n")
			kept = true
			fields++
		default:
			kept = false
			dropped++
		}
		first = false
		if rerr == io.EOF {
			break
		}
	}
	if fields == 0 {
		return h, dropped, errNoHeader
	}
	clean.WriteString("\r\n")
	h, err = textproto.ReadHeader(bufio.NewReader(&clean))
	if err != nil {
		return h, dropped, fmt.Errorf("read header: %w", err)
	}
	return h, dropped, nil
}

func validFieldLine(l []byte) bool {
	i := bytes.IndexByte(l, ':')
	if i <= 0 {
		return false
	}
	for _, c := range bytes.TrimRight(l[:i], " \t") {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// parseAddresses reads an address list; when it is not valid RFC 5322 it
// picks out what looks like addresses and reports the repair.
func parseAddresses(raw string) (list []Address, repaired bool) {
	raw, _ = rawHeaderText(raw)
	if strings.TrimSpace(raw) == "" {
		return nil, false
	}
	p := netmail.AddressParser{WordDecoder: wordDecoder}
	if as, err := p.ParseList(raw); err == nil {
		for _, a := range as {
			list = append(list, Address{Name: vntext.NFC(strings.ToValidUTF8(a.Name, "\uFFFD")), Address: strings.ToValidUTF8(a.Address, "\uFFFD")})
		}
		return list, false
	}
	for _, piece := range splitAddressList(raw) {
		addr := looseAddr.FindString(piece)
		if addr == "" {
			continue
		}
		name := strings.Replace(piece, addr, "", 1)
		name = strings.Trim(strings.TrimSpace(strings.NewReplacer("<>", "", "<", "", ">", "").Replace(name)), `"' `)
		name, _ = decodeHeaderText(name)
		list = append(list, Address{Name: vntext.NFC(name), Address: strings.Trim(addr, "<>")})
	}
	return list, true
}

var looseAddr = regexp.MustCompile(`[^\s<>,;"()]+@[^\s<>,;"()]+`)

// splitAddressList splits on commas and semicolons outside quotes.
func splitAddressList(s string) []string {
	var out []string
	inQuote := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ',', ';':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// parseDate returns the Date header in RFC 3339, or "" when unreadable.
func parseDate(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	if t, err := netmail.ParseDate(v); err == nil {
		return t.Format(time.RFC3339), true
	}
	// Common mistakes: a trailing zone name, a missing weekday comma.
	for _, layout := range []string{
		"Mon, 2 Jan 2006 15:04:05 -0700 (MST)", "Mon 2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05 -0700", "2006-01-02 15:04:05 -0700", time.RFC3339,
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.RFC3339), true
		}
	}
	return "", false
}

// msgID strips the angle brackets of a message identifier.
func msgID(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
	}
	return strings.Trim(v, "<> ")
}

func msgIDs(v string) []string {
	var out []string
	for _, f := range strings.Fields(strings.ReplaceAll(v, "><", "> <")) {
		if id := msgID(f); id != "" {
			out = append(out, id)
		}
	}
	return out
}

var looseParam = regexp.MustCompile(`(?i)([a-z0-9_\-]+(?:\*[0-9]*\*?)?)\s*=\s*("([^"]*)"?|[^;\s]+)`)

// mediaType parses a Content-Type or Content-Disposition value. Broken
// parameters are recovered one by one and reported.
func mediaType(v string) (mt string, params map[string]string, repaired bool) {
	v, _ = rawHeaderText(v)
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}, false
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return strings.ToLower(mt), params, false
	}
	if err != mime.ErrInvalidMediaParameter || mt == "" {
		mt, _, _ = strings.Cut(v, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	params = looseParams(v)
	return strings.ToLower(mt), params, true
}

func looseParams(v string) map[string]string {
	params := map[string]string{}
	_, rest, _ := strings.Cut(v, ";")
	for _, m := range looseParam.FindAllStringSubmatch(rest, -1) {
		key := strings.ToLower(m[1])
		val := m[2]
		if strings.HasPrefix(val, `"`) {
			val = m[3]
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}
	return params
}

// rfc2231Param decodes a parameter split or charset-tagged per RFC 2231
// (name*0*=windows-1258”...), which the standard library drops when the
// charset is not UTF-8.
func rfc2231Param(v, name string) string {
	type seg struct {
		n   int
		ext bool
		val string
	}
	var segs []seg
	for key, val := range looseParams(v) {
		if !strings.HasPrefix(key, name+"*") {
			continue
		}
		suffix := strings.TrimPrefix(key, name+"*")
		ext := strings.HasSuffix(suffix, "*") || suffix == ""
		num := strings.TrimSuffix(suffix, "*")
		n := 0
		if num != "" {
			var err error
			if n, err = strconv.Atoi(num); err != nil {
				continue
			}
		}
		segs = append(segs, seg{n, ext, val})
	}
	if len(segs) == 0 {
		return ""
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
	label := ""
	var b []byte
	for i, s := range segs {
		val := s.val
		if s.ext {
			if i == 0 {
				if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
					label, val = parts[0], parts[2]
				}
			}
			if u, err := url.PathUnescape(val); err == nil {
				val = u
			}
		}
		b = append(b, val...)
	}
	if e := lookupCharset(label); e != nil && !isUTF8(label, e) {
		return decodeWith(e, b)
	}
	s, _ := fallbackDecode(b)
	return s
}

// partFilename finds a part's file name: Content-Disposition filename, then
// Content-Type name, each with RFC 2231 and (non-standard but common)
// RFC 2047 encoding. Directory parts are removed.
func partFilename(h textproto.Header, dparams, ctparams map[string]string) string {
	name := dparams["filename"]
	if name == "" {
		name = rfc2231Param(h.Get("Content-Disposition"), "filename")
	}
	if name == "" {
		name = ctparams["name"]
	}
	if name == "" {
		name = rfc2231Param(h.Get("Content-Type"), "name")
	}
	if name == "" {
		return ""
	}
	if dec, err := decodeHeaderText(name); err == nil {
		name = dec
	}
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	if name == "." || name == "/" {
		return ""
	}
	return vntext.NFC(strings.TrimSpace(name))
}
