package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/failure"
	"thucongvu/internal/store"
)

// Body returns a message's raw bytes, downloading and storing them when
// the store has only the envelope.
func (e *Engine) Body(ctx context.Context, id int64) ([]byte, error) {
	raw, err := e.Store.Body(ctx, id)
	if err == nil || !errors.Is(err, failure.ErrNotFound) {
		return raw, err
	}
	m, err := e.Store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := e.Config.Account(m.Account)
	if err != nil {
		return nil, err
	}
	s := e.Syncer(*a)
	c, err := s.Connect(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Select(m.Folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, fmt.Errorf("open %s: %w", m.Folder, err)
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(m.UID)), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("download message: %w", err)
	}
	if len(msgs) == 0 || msgs[0].FindBodySection(section) == nil {
		return nil, fmt.Errorf("%w: the message is no longer on the server", failure.ErrNotFound)
	}
	raw = msgs[0].FindBodySection(section)
	text, perr := bodyText(raw)
	b := store.Body{ID: id, Raw: raw, Text: text}
	if perr != nil {
		b.ParseError = perr.Error()
	}
	if err := e.Store.PutBodies(ctx, []store.Body{b}); err != nil {
		return nil, err
	}
	return raw, nil
}

// AddFlags sets flags on a message, on the server and in the store.
func (e *Engine) AddFlags(ctx context.Context, id int64, flags ...string) error {
	m, err := e.Store.Message(ctx, id)
	if err != nil {
		return err
	}
	a, err := e.Config.Account(m.Account)
	if err != nil {
		return err
	}
	c, err := e.Syncer(*a).Connect(ctx, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Select(m.Folder, nil).Wait(); err != nil {
		return fmt.Errorf("open %s: %w", m.Folder, err)
	}
	imapFlags := make([]imap.Flag, len(flags))
	for i, f := range flags {
		imapFlags[i] = imap.Flag(f)
	}
	if err := c.Store(imap.UIDSetNum(imap.UID(m.UID)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: imapFlags}, nil).Close(); err != nil {
		return fmt.Errorf("set flags: %w", err)
	}
	return e.addLocalFlags(ctx, id, m.Account, m.Folder, m.UID, flags)
}

func (e *Engine) addLocalFlags(ctx context.Context, id int64, account, folder string, uid uint32, flags []string) error {
	have, err := e.Store.MessageFlags(ctx, id)
	if err != nil {
		return err
	}
	for _, f := range flags {
		found := false
		for _, h := range have {
			if h == f {
				found = true
			}
		}
		if !found {
			have = append(have, f)
		}
	}
	fid, err := e.Store.FolderID(ctx, account, folder)
	if err != nil {
		return err
	}
	b, err := e.Store.BeginBatch(ctx)
	if err != nil {
		return err
	}
	if err := b.SetFlags(fid, uid, have, 0); err != nil {
		b.Rollback()
		return err
	}
	return b.Commit()
}
