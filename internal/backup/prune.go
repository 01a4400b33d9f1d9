package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Pruned counts what a prune did in one folder.
type Pruned struct {
	Folder string `json:"folder"`
	// Deleted: older than the cut-off, held by the backup, and the
	// server's bytes hash to the backup's SHA-256.
	Deleted int `json:"deleted"`
	// Kept: older than the cut-off but not deleted (changed on the server,
	// or the folder's UIDVALIDITY changed since the backup).
	Kept int `json:"kept"`
}

// Prune deletes from the server the mail of the backup in dir received
// before cutoff, after verifying the backup on disk again: only messages
// the backup holds, whose bytes on the server hash to the backup's
// SHA-256, removed by UID EXPUNGE of exactly their UIDs (UIDPLUS). It
// never deletes anything else; a damaged backup or a server without
// UIDPLUS deletes nothing (LĐ 12.3).
func Prune(ctx context.Context, dir string, cutoff time.Time, connect func(context.Context) (*imapclient.Client, error)) ([]Pruned, error) {
	m, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	c, release, err := session(ctx, connect)
	if err != nil {
		return nil, err
	}
	defer release()
	caps, err := c.Capability().Wait()
	if err != nil {
		return nil, err
	}
	if !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2) {
		return nil, errNoUIDPlus
	}
	out := []Pruned{}
	for _, f := range m.Folders {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		p, err := pruneFolder(c, f, cutoff)
		if err != nil {
			return out, fmt.Errorf("folder %s: %w", f.Name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func pruneFolder(c *imapclient.Client, f Folder, cutoff time.Time) (Pruned, error) {
	p := Pruned{Folder: f.Name}
	want := map[imap.UID]string{}
	var uids []imap.UID
	for _, it := range f.Items {
		if it.InternalDate.Before(cutoff) {
			want[imap.UID(it.UID)] = it.SHA256
			uids = append(uids, imap.UID(it.UID))
		}
	}
	if len(uids) == 0 {
		return p, nil
	}
	sel, err := c.Select(f.Name, nil).Wait()
	if err != nil {
		return p, err
	}
	if sel.UIDValidity != f.UIDValidity {
		p.Kept = len(uids)
		return p, nil // the UIDs of the backup name other messages now
	}
	sums, err := hashMessages(c, uids)
	if err != nil {
		return p, err
	}
	var del imap.UIDSet
	for _, uid := range uids {
		if sum, ok := sums[uid]; ok && sum == want[uid] {
			del.AddNum(uid)
			p.Deleted++
		} else if ok {
			p.Kept++
		}
	}
	if p.Deleted == 0 {
		return p, nil
	}
	if err := c.Store(del, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return p, fmt.Errorf("mark deleted: %w", err)
	}
	if err := c.UIDExpunge(del).Close(); err != nil {
		return p, fmt.Errorf("UID EXPUNGE: %w", err)
	}
	return p, nil
}
