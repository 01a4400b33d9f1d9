package main

import (
	"context"
	"fmt"
	"time"

	"thucongvu/internal/engine"
)

// indexSummary is `sync --once --bodies --json`'s "index": the text of the
// downloaded bodies put into the search index after the sync, and how long
// that took (the sync's own seconds do not include it).
type indexSummary struct {
	Messages int     `json:"messages"`
	Seconds  float64 `json:"seconds"`
}

// indexAfterSync finishes the search indexing of downloaded bodies after
// `sync --once --bodies`; nil without --bodies.
func indexAfterSync(ctx context.Context, e *engine.Engine, bodies bool) (*indexSummary, error) {
	if !bodies {
		return nil, nil
	}
	start := time.Now()
	n, err := e.Indexer.Drain(ctx)
	return &indexSummary{Messages: n, Seconds: time.Since(start).Seconds()}, err
}

// indexBeforeSearch finishes the indexing a sync left, so `search` finds
// words of every downloaded body; it says so on stderr when there is some.
func indexBeforeSearch(ctx context.Context, c *cli, e *engine.Engine) error {
	pending, err := e.Store.IndexPending(ctx)
	if err != nil || pending == 0 {
		return err
	}
	fmt.Fprintln(c.stderr, c.msg.T("search.indexing", pending))
	_, err = e.Indexer.Drain(ctx)
	return err
}
