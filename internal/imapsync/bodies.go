package imapsync

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/store"
)

// bodyBatch is how many bodies one FETCH asks for; batches are also capped
// by size so a run of large mails does not sit in memory at once.
const (
	bodyBatch      = 100
	bodyBatchBytes = 32 << 20
)

// SyncBodies downloads every body not yet stored (INBOX first, newest
// first) and indexes its text. It returns how many bodies it stored.
func (s *Syncer) SyncBodies(ctx context.Context, c *Conn) (int, error) {
	stored := 0
	for {
		refs, err := s.Store.MissingBodies(ctx, s.Account.Name, 2000)
		if err != nil {
			return stored, err
		}
		if len(refs) == 0 {
			return stored, nil
		}
		progressed := false
		for len(refs) > 0 {
			folder := refs[0].Folder
			var group []store.BodyRef
			var size int64
			for len(refs) > 0 && refs[0].Folder == folder && len(group) < bodyBatch && (size < bodyBatchBytes || len(group) == 0) {
				group = append(group, refs[0])
				size += refs[0].Size
				refs = refs[1:]
			}
			n, err := s.fetchBodies(ctx, c, folder, group)
			stored += n
			if err != nil {
				return stored, err
			}
			if n > 0 {
				progressed = true
			}
			s.progress(Progress{Folder: folder, Stage: "bodies", Done: stored})
		}
		if !progressed {
			return stored, nil // what is left is gone from the server; the next envelope pass removes it
		}
	}
}

func (s *Syncer) fetchBodies(ctx context.Context, c *Conn, folder string, refs []store.BodyRef) (int, error) {
	if mbox := c.Mailbox(); mbox == nil || mbox.Name != folder {
		if err := c.guard(ctx, func() error {
			_, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
			return err
		}); err != nil {
			return 0, fmt.Errorf("select %s: %w", folder, err)
		}
	}
	ids := map[uint32]int64{}
	var set imap.UIDSet
	for _, r := range refs {
		ids[r.UID] = r.ID
		set.AddNum(imap.UID(r.UID))
	}
	section := &imap.FetchItemBodySection{Peek: true}
	stored := 0
	var pending []store.Body
	var pendingBytes int
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := s.Store.PutBodies(ctx, pending); err != nil {
			return err
		}
		stored += len(pending)
		pending, pendingBytes = nil, 0
		return nil
	}
	err := c.guard(ctx, func() error {
		cmd := c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			buf, err := msg.Collect()
			if err != nil {
				return err
			}
			id, ok := ids[uint32(buf.UID)]
			raw := buf.FindBodySection(section)
			if !ok || raw == nil {
				continue
			}
			text := ""
			if s.Opts != nil && s.Opts.BodyText != nil {
				text = s.Opts.BodyText(raw)
			}
			pending = append(pending, store.Body{ID: id, Raw: raw, Text: text})
			if pendingBytes += len(raw); pendingBytes > bodyBatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		return flush()
	})
	if err != nil {
		return stored, fmt.Errorf("fetch bodies in %s: %w", folder, err)
	}
	return stored, nil
}
