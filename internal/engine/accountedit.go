package engine

import (
	"context"
	"fmt"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/model"
)

// UpdateAccount changes an existing account's servers, user name and rule
// profile, and its password when password is not empty. The login is
// checked first; nothing changes when it fails. The password moves in the
// keychain when the user name or the IMAP host changed (R6).
func (e *Engine) UpdateAccount(ctx context.Context, a model.Account, password string) error {
	cur, err := e.Config.Account(a.Name)
	if err != nil {
		return err
	}
	next := *cur
	next.IMAP, next.SMTP, next.Username, next.Profile = a.IMAP, a.SMTP, a.Username, a.Profile
	if err := e.CheckUnlocked(e.Policy.Effective(*cur), next); err != nil {
		return err
	}
	if err := config.Validate(e.Policy.Effective(next)); err != nil {
		return err
	}
	oldKey, newKey := e.secretKey(*cur), e.secretKey(next)
	if password == "" {
		if oldKey == newKey {
			*cur = next
			return e.Config.Save()
		}
		if password, err = e.Secrets.Get(oldKey); err != nil {
			return fmt.Errorf("%w: the password of %s is needed again: %v", failure.ErrAuth, a.Email, err)
		}
	}
	c, err := imapsync.Dial(ctx, e.Policy.Effective(next), password, &e.Sync, nil)
	if err != nil {
		return err
	}
	c.Logout().Wait()
	c.Close()
	if err := e.Secrets.Set(newKey, password); err != nil {
		return err
	}
	if oldKey != newKey {
		e.Secrets.Delete(oldKey)
	}
	next.PasswordSet = time.Now().UTC()
	*cur = next
	return e.Config.Save()
}
