package engine

import (
	"context"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
)

// QuotaWarnPercent is the use of the server's quota from which the client
// warns: near the limit, the server refuses incoming documents.
const QuotaWarnPercent = 90

// Quota is an account's storage on the server (IMAP QUOTA, RFC 9208; the
// README's quota fields). A zero limit means none.
type Quota struct {
	Root          string  `json:"root"`
	UsedBytes     int64   `json:"used_bytes"`
	LimitBytes    int64   `json:"limit_bytes"`
	Messages      int64   `json:"messages,omitempty"`
	MessagesLimit int64   `json:"messages_limit,omitempty"`
	Percent       float64 `json:"percent"`
	Warning       bool    `json:"warning"`
}

// ReadQuota asks the server for INBOX's quota root. It returns nil when the
// server offers no QUOTA or sets no limit.
func ReadQuota(c *imapsync.Conn) (*Quota, error) {
	if !c.Has(imap.CapQuota) {
		return nil, nil
	}
	roots, err := c.GetQuotaRoot("INBOX").Wait()
	if err != nil {
		return nil, err
	}
	var best *Quota
	for _, r := range roots {
		q := &Quota{Root: r.Root}
		if s, ok := r.Resources[imap.QuotaResourceStorage]; ok && s.Limit > 0 {
			q.UsedBytes, q.LimitBytes = s.Usage*1024, s.Limit*1024 // RFC 9208: units of 1024 octets
			q.Percent = percent(s.Usage, s.Limit)
		}
		if m, ok := r.Resources[imap.QuotaResourceMessage]; ok && m.Limit > 0 {
			q.Messages, q.MessagesLimit = m.Usage, m.Limit
			q.Percent = max(q.Percent, percent(m.Usage, m.Limit))
		}
		if q.LimitBytes == 0 && q.MessagesLimit == 0 {
			continue
		}
		if best == nil || q.Percent > best.Percent {
			best = q
		}
	}
	if best != nil {
		best.Warning = best.Percent >= QuotaWarnPercent
	}
	return best, nil
}

func percent(used, limit int64) float64 {
	p := float64(used) * 100 / float64(limit)
	return float64(int64(p*10+0.5)) / 10 // one decimal
}

// Quota logs in to the account and reads its quota (nil: none).
func (e *Engine) Quota(ctx context.Context, a model.Account) (*Quota, error) {
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer logout(c)
	return ReadQuota(c)
}
