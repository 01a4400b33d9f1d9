package docsign

import (
	"crypto/sha256"
	"sync"
)

// Cache keeps reports by the SHA-256 of the file, so the message list can
// show badges for many signed documents without verifying them again.
type Cache struct {
	mu    sync.Mutex
	max   int
	order [][32]byte
	bySum map[[32]byte]Report
}

// NewCache keeps up to max reports (the oldest go first).
func NewCache(max int) *Cache {
	if max < 1 {
		max = 1
	}
	return &Cache{max: max, bySum: map[[32]byte]Report{}}
}

// Verify returns the cached report for the file, verifying it on a miss.
func (c *Cache) Verify(file []byte, trust *TrustStore, opts Options) Report {
	sum := sha256.Sum256(file)
	if r, ok := c.Lookup(sum); ok {
		return r
	}
	r := Verify(file, trust, opts)
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
	return r
}

// Lookup returns a cached report without verifying.
func (c *Cache) Lookup(sum [32]byte) (Report, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.bySum[sum]
	return r, ok
}

// Len is the number of cached reports.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bySum)
}
