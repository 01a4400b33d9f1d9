package app

import (
	"sort"
	"sync"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/ui"
)

// QuotaRefresh is how old a known quota may grow before it is read again.
const QuotaRefresh = 5 * time.Minute

// quotaCache keeps each account's quota as last read from its server.
type quotaCache struct {
	mu      sync.Mutex
	known   map[string]ui.Quota // accounts with a limit
	read    map[string]time.Time
	reading map[string]bool
}

// get returns the known quotas of accounts and starts reading, one at a
// time per account, those not read within QuotaRefresh; changed hears
// when a reading ends with a new value.
func (c *quotaCache) get(accounts []model.Account, read func(model.Account) (*engine.Quota, error), changed func()) []ui.Quota {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known == nil {
		c.known, c.read, c.reading = map[string]ui.Quota{}, map[string]time.Time{}, map[string]bool{}
	}
	var out []ui.Quota
	for _, a := range accounts {
		if q, ok := c.known[a.Name]; ok {
			out = append(out, q)
		}
		if c.reading[a.Name] || time.Since(c.read[a.Name]) < QuotaRefresh {
			continue
		}
		c.reading[a.Name] = true
		go func() {
			q, err := read(a)
			c.mu.Lock()
			c.reading[a.Name] = false
			c.read[a.Name] = time.Now()
			old, had := c.known[a.Name]
			news := false
			switch {
			case err != nil: // unreachable now: keep what was known
			case q != nil:
				now := ui.Quota{Account: a.Name, UsedBytes: q.UsedBytes, LimitBytes: q.LimitBytes, Percent: q.Percent}
				c.known[a.Name] = now
				news = !had || now != old
			default:
				delete(c.known, a.Name)
				news = had
			}
			c.mu.Unlock()
			if news {
				changed()
			}
		}()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}
