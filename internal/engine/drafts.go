package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
)

// draftsFolder is the account's \Drafts folder as the last sync saw it,
// else "Drafts".
func (e *Engine) draftsFolder(ctx context.Context, a model.Account) (string, bool) {
	if folders, err := e.Store.Folders(ctx, a.Name); err == nil {
		for _, f := range folders {
			if f.Role == model.RoleDrafts {
				return f.Name, true
			}
		}
	}
	return "Drafts", false
}

// PutDraft files raw in the server's Drafts folder, flagged \Draft, then
// removes the copy it replaces (Message-ID replaces, when not empty): the
// new copy is there before the old one goes, so a dropped connection never
// leaves the server without the draft.
func (e *Engine) PutDraft(ctx context.Context, a model.Account, raw []byte, replaces string) error {
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		return err
	}
	defer logout(c)
	folder, known := e.draftsFolder(ctx, a)
	if !known {
		if err := c.EnsureFolder(ctx, folder, model.RoleDrafts); err != nil {
			return err
		}
	}
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDraft, imap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return fmt.Errorf("save draft in %s: %w", folder, err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("save draft in %s: %w", folder, err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("save draft in %s: %w", folder, err)
	}
	if replaces == "" {
		return nil
	}
	return removeByMessageID(c, folder, replaces)
}

// DeleteDraft removes the copy of a draft (by Message-ID) from the
// server's Drafts folder: it was sent or thrown away.
func (e *Engine) DeleteDraft(ctx context.Context, a model.Account, messageID string) error {
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		return err
	}
	defer logout(c)
	folder, _ := e.draftsFolder(ctx, a)
	return removeByMessageID(c, folder, messageID)
}

// removeByMessageID deletes and expunges the messages of folder with that
// Message-ID (only those, with UIDPLUS).
func removeByMessageID(c *imapsync.Conn, folder, messageID string) error {
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		return fmt.Errorf("open %s: %w", folder, err)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("find the old draft in %s: %w", folder, err)
	}
	uids := res.AllUIDs()
	if len(uids) == 0 {
		return nil
	}
	set := imap.UIDSetNum(uids...)
	if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return fmt.Errorf("remove the old draft from %s: %w", folder, err)
	}
	if c.Has(imap.CapUIDPlus) {
		err = c.UIDExpunge(set).Close()
	} else {
		err = c.Expunge().Close()
	}
	if err != nil {
		return fmt.Errorf("remove the old draft from %s: %w", folder, err)
	}
	return nil
}

// MoveToTrash moves a stored message to its account's Trash folder on the
// server (IMAP MOVE, or COPY and expunge where MOVE is missing), then
// syncs the account so the store follows. A message already in Trash
// stays (R10: deleting for good is the user's own decision on the server).
func (e *Engine) MoveToTrash(ctx context.Context, id int64) error {
	sum, err := e.Store.Message(ctx, id)
	if err != nil {
		return err
	}
	accounts, err := e.Accounts(sum.Account)
	if err != nil {
		return err
	}
	if len(accounts) != 1 {
		return fmt.Errorf("%w: account %s", failure.ErrNotFound, sum.Account)
	}
	a := accounts[0]
	trash := ""
	if folders, err := e.Store.Folders(ctx, a.Name); err == nil {
		for _, f := range folders {
			if f.Role == model.RoleTrash {
				trash = f.Name
			}
		}
	}
	if trash == "" {
		return fmt.Errorf("%w: account %s has no Trash folder", failure.ErrNotFound, a.Name)
	}
	if trash == sum.Folder {
		return nil
	}
	c, err := e.Syncer(a).Connect(ctx, nil)
	if err != nil {
		return err
	}
	defer logout(c)
	if _, err := c.Select(sum.Folder, nil).Wait(); err != nil {
		return fmt.Errorf("open %s: %w", sum.Folder, err)
	}
	if _, err := c.Move(imap.UIDSetNum(imap.UID(sum.UID)), trash).Wait(); err != nil {
		return fmt.Errorf("move to %s: %w", trash, err)
	}
	_, err = e.SyncOnce(ctx, []model.Account{a}, false)
	return err
}
