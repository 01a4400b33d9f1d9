package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"syscall"
	"thucongvu/internal/register"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"thucongvu/internal/backup"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// backupRegister is the document register a backup carries as register.xlsx.
var backupRegister = func(e *engine.Engine) backup.Register { return register.New(e) }

// backupSummary is `backup --json` (the README's backup contract).
type backupSummary struct {
	Path     string          `json:"path"`
	Account  string          `json:"account"`
	Folders  int             `json:"folders"`
	Messages int             `json:"messages"`
	Bytes    int64           `json:"bytes"`
	Register bool            `json:"register"`
	Pruned   []backup.Pruned `json:"pruned,omitempty"`
	Deleted  int             `json:"deleted"`
}

// cmdBackup writes a verified backup of one account (LĐ 12.3, LĐ 10.1d,
// BD 10) and, with --prune-server-older-than, then deletes from the server
// the old mail it holds and verified.
func cmdBackup(c *cli, args []string) error {
	fs := newFlags("backup")
	to := fs.String("to", "", "folder that receives the backup")
	days := fs.Int("prune-server-older-than", 0, "after the backup, delete from the server the mail older than DAYS that it holds")
	asJSON := fs.Bool("json", false, "JSON summary")
	names, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(names) != 1 || *to == "" || *days < 0 {
		return usageErr("backup NAME --to DIR [--prune-server-older-than DAYS] [--json]")
	}
	e, accounts, err := c.engineAccounts(names)
	if err != nil {
		return err
	}
	defer e.Close()
	a := accounts[0]
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	last := time.Time{}
	res, err := backup.Create(ctx, *to, backup.Options{Account: a.Name, Email: a.Email, Connect: imapConnect(e, a),
		Register: backupRegister(e),
		Progress: func(folder string, done, total int) {
			if time.Since(last) < 200*time.Millisecond && done != total {
				return
			}
			last = time.Now()
			fmt.Fprintln(c.stderr, c.msg.T("backup.progress", a.Name, folder, done, total))
		}})
	if err != nil {
		return err
	}
	m := res.Manifest
	sum := backupSummary{Path: res.Path, Account: a.Name, Folders: len(m.Folders), Messages: m.Messages, Bytes: m.Bytes, Register: m.Register != nil}
	var pruneErr error
	if *days > 0 {
		sum.Pruned, pruneErr = backup.Prune(ctx, res.Path, time.Now().AddDate(0, 0, -*days), imapConnect(e, a))
		for _, p := range sum.Pruned {
			sum.Deleted += p.Deleted
		}
	}
	if *asJSON {
		if err := writeJSON(c, sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(c.stdout, c.msg.T("backup.done", sum.Messages, sum.Folders, sum.Path))
		if *days > 0 {
			fmt.Fprintln(c.stdout, c.msg.T("backup.pruned", sum.Deleted, *days))
		}
	}
	return pruneErr
}

// cmdRestore appends a backup's mail to an account's folders, skipping
// what they hold already.
func cmdRestore(c *cli, args []string) error {
	fs := newFlags("restore")
	account := fs.String("account", "", "account that receives the mail")
	asJSON := fs.Bool("json", false, "JSON summary")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 || *account == "" {
		return usageErr("restore DIR --account NAME [--json]")
	}
	e, accounts, err := c.engineAccounts([]string{*account})
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := backup.Restore(ctx, dirs[0], imapConnect(e, accounts[0]))
	if errors.Is(err, backup.ErrCorrupt) {
		return fmt.Errorf("%w: %w", failure.ErrUsage, err) // unreadable input: exit 2
	}
	if res == nil {
		res = []backup.Restored{}
	}
	if *asJSON {
		if jerr := writeJSON(c, res); jerr != nil {
			return jerr
		}
	} else {
		appended, skipped := 0, 0
		for _, r := range res {
			appended += r.Appended
			skipped += r.Skipped
		}
		fmt.Fprintln(c.stdout, c.msg.T("restore.done", appended, skipped, len(res)))
	}
	return err
}

// imapConnect logs in to the account's server as sync does (TLS, pinned
// certificates, the keychain's password).
func imapConnect(e *engine.Engine, a model.Account) func(context.Context) (*imapclient.Client, error) {
	return func(ctx context.Context) (*imapclient.Client, error) {
		conn, err := e.Syncer(a).Connect(ctx, nil)
		if err != nil {
			return nil, err
		}
		return conn.Client, nil
	}
}
