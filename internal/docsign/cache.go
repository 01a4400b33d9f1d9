package docsign

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ReportShelf keeps reports across runs (the mail store's pdf_reports), by
// the hex SHA-256 of the file and the key of the roots and options they
// were reached with (TrustKey).
type ReportShelf interface {
	PDFReport(ctx context.Context, sum, trust string) (string, error)
	SetPDFReport(ctx context.Context, sum, trust, report string) error
}

// Cache keeps reports by the SHA-256 of the file, so the message list's
// badges and the register verify each PDF once. With a shelf, reports
// outlive the process and are shared with every other Cache on the same
// shelf.
type Cache struct {
	mu    sync.Mutex
	max   int
	order [][32]byte
	bySum map[[32]byte]Report
	shelf ReportShelf
	// verified counts the files this cache verified itself (not found in
	// memory or on the shelf).
	verified int
}

// NewCache keeps up to max reports in memory (the oldest go first).
func NewCache(max int) *Cache {
	if max < 1 {
		max = 1
	}
	return &Cache{max: max, bySum: map[[32]byte]Report{}}
}

// NewShelvedCache is NewCache whose reports are also kept on shelf.
func NewShelvedCache(max int, shelf ReportShelf) *Cache {
	c := NewCache(max)
	c.shelf = shelf
	return c
}

// Verify returns the cached report for the file, verifying it on a miss.
// The memory cache is keyed by content only: a Cache serves one set of
// roots and options; the shelf's key names them.
func (c *Cache) Verify(file []byte, trust *TrustStore, opts Options) Report {
	sum := sha256.Sum256(file)
	if r, ok := c.Lookup(sum); ok {
		return r
	}
	hexSum, key := hex.EncodeToString(sum[:]), ""
	if c.shelf != nil {
		key = TrustKey(trust, opts)
		if s, err := c.shelf.PDFReport(context.Background(), hexSum, key); err == nil && s != "" {
			var r Report
			if json.Unmarshal([]byte(s), &r) == nil && r.SHA256 == hexSum && r.State != "" {
				c.keep(sum, r)
				return r
			}
		}
	}
	r := Verify(file, trust, opts)
	c.mu.Lock()
	c.verified++
	c.mu.Unlock()
	c.keep(sum, r)
	if c.shelf != nil && r.Err == nil {
		// A report that cannot be shelved is still right: it is only
		// verified again after a restart.
		if b, err := json.Marshal(r); err == nil {
			_ = c.shelf.SetPDFReport(context.Background(), hexSum, key, string(b))
		}
	}
	return r
}

func (c *Cache) keep(sum [32]byte, r Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.bySum[sum]; !ok {
		c.order = append(c.order, sum)
		for len(c.order) > c.max {
			delete(c.bySum, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.bySum[sum] = r
}

// Lookup returns a cached report without verifying.
func (c *Cache) Lookup(sum [32]byte) (Report, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.bySum[sum]
	return r, ok
}

// Len is the number of reports in memory.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bySum)
}

// Verified is how many files this cache verified itself.
func (c *Cache) Verified() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.verified
}

// TrustKey names a set of roots and options: the hex SHA-256 of the roots'
// fingerprints, sorted, and of the online switch. A stored verdict made
// under another key is stale.
func TrustKey(t *TrustStore, o Options) string {
	var fps []string
	if t != nil {
		for _, r := range t.Roots() {
			fps = append(fps, r.Fingerprint())
		}
	}
	sort.Strings(fps)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s|online=%t", strings.Join(fps, ","), o.Online)))
	return hex.EncodeToString(sum[:])
}
