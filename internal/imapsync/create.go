package imapsync

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"thucongvu/internal/model"
)

// HasCode reports whether err is the server's NO or BAD with this response
// code (RFC 5530: ALREADYEXISTS, NONEXISTENT; RFC 3501: TRYCREATE).
func HasCode(err error, code imap.ResponseCode) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == code
}

var roleAttrs = map[string]imap.MailboxAttr{
	model.RoleSent: imap.MailboxAttrSent, model.RoleDrafts: imap.MailboxAttrDrafts,
	model.RoleTrash: imap.MailboxAttrTrash, model.RoleJunk: imap.MailboxAttrJunk,
	model.RoleArchive: imap.MailboxAttrArchive,
}

// EnsureFolder creates folder name, marked with role's SPECIAL-USE
// attribute when the server offers CREATE-SPECIAL-USE. A folder that
// exists already counts as success: another client, or the server itself
// (Dovecot creates its "auto" folders on first use), may have made it
// between our look and our CREATE.
func (c *Conn) EnsureFolder(ctx context.Context, name, role string) error {
	var opts *imap.CreateOptions
	if attr, ok := roleAttrs[role]; ok && c.Has(imap.CapCreateSpecialUse) {
		opts = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{attr}}
	}
	err := c.guard(ctx, func() error { return c.Create(name, opts).Wait() })
	if err == nil || HasCode(err, imap.ResponseCodeAlreadyExists) {
		return nil
	}
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Code == "" {
		// A server without RFC 5530 codes: the folder may still be there.
		var list []*imap.ListData
		if c.guard(ctx, func() error {
			var lerr error
			list, lerr = c.List("", name, nil).Collect()
			return lerr
		}) == nil && len(list) > 0 {
			return nil
		}
	}
	return fmt.Errorf("create folder %s: %w", name, err)
}

// SelectFolder selects name under the watchdog. A NO [ALREADYEXISTS] is
// retried: Dovecot answers it when it creates INBOX or an "auto" folder on
// first use while a delivery does the same (a new account's first sync),
// and the folder exists then.
func (c *Conn) SelectFolder(ctx context.Context, name string, opts *imap.SelectOptions) (*imap.SelectData, error) {
	var sel *imap.SelectData
	var err error
	for try := 0; try < 3; try++ {
		err = c.guard(ctx, func() error {
			var serr error
			sel, serr = c.Select(name, opts).Wait()
			return serr
		})
		if !HasCode(err, imap.ResponseCodeAlreadyExists) {
			break
		}
	}
	return sel, err
}
