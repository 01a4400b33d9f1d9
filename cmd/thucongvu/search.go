package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// searchHit is one row of the contract's `search --json`.
type searchHit struct {
	Account string `json:"account"`
	Folder  string `json:"folder"`
	UID     uint32 `json:"uid"`
	Subject string `json:"subject"`
	From    string `json:"from"`
	Date    string `json:"date"`
}

func cmdSearch(c *cli, args []string) error {
	fs := newFlags("search")
	account := fs.String("account", "", "only this account")
	limit := fs.Int("limit", 50, "at most this many results")
	asJSON := fs.Bool("json", false, "JSON output")
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return usageErr("search QUERY [--account NAME] [--limit N] [--json]")
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	if err := indexBeforeSearch(context.Background(), c, e); err != nil {
		return err
	}
	found, err := e.Store.Search(context.Background(), strings.Join(words, " "), *account, *limit)
	if err != nil {
		return err
	}
	hits := make([]searchHit, 0, len(found))
	for _, m := range found {
		from := m.From.Address
		if m.From.Name != "" {
			from = m.From.Name + " <" + m.From.Address + ">"
		}
		hits = append(hits, searchHit{Account: m.Account, Folder: m.Folder, UID: m.UID, Subject: m.Subject,
			From: from, Date: m.Date.Format(time.RFC3339)})
	}
	if *asJSON {
		return writeJSON(c, hits)
	}
	for _, h := range hits {
		fmt.Fprintf(c.stdout, "%s  %-30.30s  %s  [%s/%s #%d]\n", h.Date[:10], h.From, h.Subject, h.Account, h.Folder, h.UID)
	}
	return nil
}
