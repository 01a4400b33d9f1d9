package compose

import (
	"crypto/sha256"
	"path"
	"strings"
	"sync"

	"thucongvu/internal/mail"
)

// The compose window runs preflight on every edit: the text of a large
// attachment, and the marking of a long text, are remembered while the
// same file stays attached instead of being read again.
var (
	textCache = newMemo(32)
	markCache = newMemo(64)
)

const memoMin = 64 << 10 // smaller files and texts are read again, quickly

type memoKey struct {
	sum  [sha256.Size]byte
	kind string
}

// memo is a small first-in first-out cache.
type memo struct {
	sync.Mutex
	size  int
	m     map[memoKey]string
	order []memoKey
}

func newMemo(size int) *memo { return &memo{size: size, m: map[memoKey]string{}} }

func (c *memo) get(k memoKey) (string, bool) {
	c.Lock()
	defer c.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo) put(k memoKey, v string) {
	c.Lock()
	defer c.Unlock()
	if _, ok := c.m[k]; !ok {
		if len(c.order) == c.size {
			delete(c.m, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, k)
	}
	c.m[k] = v
}

func (c *memo) reset() {
	c.Lock()
	defer c.Unlock()
	clear(c.m)
	c.order = nil
}

// cachedText is extractText, remembered for files of memoMin bytes or more
// whose whole text fit in limit.
func cachedText(name string, data []byte, limit int64) string {
	if len(data) < memoMin {
		return extractText(name, data, limit)
	}
	k := memoKey{sha256.Sum256(data), strings.ToLower(path.Ext(name))}
	if text, ok := textCache.get(k); ok && int64(len(text)) <= limit {
		return text
	}
	text := extractText(name, data, limit)
	if int64(len(text)) < limit { // else perhaps cut short
		textCache.put(k, text)
	}
	return text
}

// secretMarking is mail.SecretMarking, remembered for long texts.
func secretMarking(text string) string {
	if len(text) < memoMin {
		return mail.SecretMarking(text)
	}
	k := memoKey{sha256.Sum256([]byte(text)), ""}
	if level, ok := markCache.get(k); ok {
		return level
	}
	level := mail.SecretMarking(text)
	markCache.put(k, level)
	return level
}
