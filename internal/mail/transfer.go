package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
)

// base64Filter drops everything that is not base64 alphabet or padding, so
// stray characters in a broken body do not stop the decoder.
type base64Filter struct{ r io.Reader }

// base64Kept marks the bytes base64Filter keeps.
var base64Kept = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") {
		t[c] = true
	}
	return t
}()

func (f base64Filter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		// Lines of clean base64 are copied in place a run at a time; only
		// the bytes between runs (line ends, strays) are looked at alone.
		j := 0
		for i := 0; i < n; {
			start := i
			for i < n && base64Kept[p[i]] {
				i++
			}
			if start != j {
				copy(p[j:], p[start:i])
			}
			j += i - start
			for i < n && !base64Kept[p[i]] {
				i++
			}
		}
		if j > 0 || err != nil || n == 0 {
			return j, err
		}
	}
}

// transferDecoder returns a reader of the decoded body for a
// Content-Transfer-Encoding; an unknown encoding is read as it is.
func transferDecoder(cte string, r io.Reader) (io.Reader, bool) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, base64Filter{r}), true
	case "quoted-printable":
		return quotedprintable.NewReader(r), true
	case "", "7bit", "8bit", "binary":
		return r, true
	default:
		return r, false
	}
}

// decodeQPLenient decodes quoted-printable and keeps a malformed escape as
// the literal text it was, instead of stopping there.
func decodeQPLenient(b []byte) (out []byte, repaired bool) {
	out = make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		rest := b[i+1:]
		switch {
		case bytes.HasPrefix(rest, []byte("\r\n")):
			i += 2
		case bytes.HasPrefix(rest, []byte("\n")):
			i++
		case len(rest) >= 2 && isHex(rest[0]) && isHex(rest[1]):
			out = append(out, unhex(rest[0])<<4|unhex(rest[1]))
			i += 2
		default:
			// "= " before a line end is a soft break with trailing blanks.
			t := bytes.TrimLeft(rest, " \t")
			if bytes.HasPrefix(t, []byte("\n")) || bytes.HasPrefix(t, []byte("\r\n")) {
				i += len(rest) - len(t)
				continue
			}
			out = append(out, '=')
			repaired = true
		}
	}
	return out, repaired
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
