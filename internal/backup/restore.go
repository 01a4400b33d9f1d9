package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Restored counts what a restore did in one folder.
type Restored struct {
	Folder   string `json:"folder"`
	Created  bool   `json:"created"`
	Appended int    `json:"appended"`
	Skipped  int    `json:"skipped"`
}

// Restore verifies the backup in dir (see Find) against its manifest, then appends
// its messages to the account's folders (created when missing), with
// their flags and dates. A message the folder holds already (same
// Message-ID and size; without Message-ID, same size and SHA-256) is
// skipped, so a second restore adds nothing. A damaged backup restores
// nothing.
func Restore(ctx context.Context, dir string, connect func(context.Context) (*imapclient.Client, error)) ([]Restored, error) {
	dir, err := Find(dir)
	if err != nil {
		return nil, err
	}
	m, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	c, release, err := session(ctx, connect)
	if err != nil {
		return nil, err
	}
	defer release()
	existing, delim, err := listFolders(c)
	if err != nil {
		return nil, err
	}
	out := []Restored{}
	for _, f := range m.Folders {
		name := f.Name
		if f.Delimiter != "" && delim != 0 && f.Delimiter != string(delim) {
			name = strings.ReplaceAll(name, f.Delimiter, string(delim))
		}
		r := Restored{Folder: name}
		if !existing[strings.ToLower(name)] && !strings.EqualFold(name, "INBOX") {
			if err := c.Create(name, nil).Wait(); err != nil {
				return out, fmt.Errorf("create folder %s: %w", name, err)
			}
			existing[strings.ToLower(name)] = true
			r.Created = true
		}
		if err := restoreFolder(ctx, c, dir, name, f, &r); err != nil {
			return out, fmt.Errorf("folder %s: %w", name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func listFolders(c *imapclient.Client) (map[string]bool, rune, error) {
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, 0, fmt.Errorf("list folders: %w", err)
	}
	out := map[string]bool{}
	var delim rune
	for _, l := range list {
		out[strings.ToLower(l.Mailbox)] = true
		if l.Delim != 0 {
			delim = l.Delim
		}
	}
	return out, delim, nil
}

// onServer is what a folder already holds, to skip what it has.
type onServer struct {
	c      *imapclient.Client
	byID   map[string]bool      // Message-ID + size
	noID   map[int64][]imap.UID // by size, messages without Message-ID
	hashed map[int64]map[string]bool
}

func (s *onServer) has(it Message) (bool, error) {
	if it.MessageID != "" {
		return s.byID[idKey(it.MessageID, it.Size)], nil
	}
	uids := s.noID[it.Size]
	if len(uids) == 0 {
		return false, nil
	}
	if s.hashed[it.Size] == nil {
		sums, err := hashMessages(s.c, uids)
		if err != nil {
			return false, err
		}
		s.hashed[it.Size] = map[string]bool{}
		for _, sum := range sums {
			s.hashed[it.Size][sum] = true
		}
	}
	return s.hashed[it.Size][it.SHA256], nil
}

func idKey(id string, size int64) string { return fmt.Sprintf("%s\x00%d", id, size) }

func restoreFolder(ctx context.Context, c *imapclient.Client, dir, name string, f Folder, r *Restored) error {
	sel, err := c.Select(name, nil).Wait()
	if err != nil {
		return err
	}
	s := &onServer{c: c, byID: map[string]bool{}, noID: map[int64][]imap.UID{}, hashed: map[int64]map[string]bool{}}
	if sel.NumMessages > 0 {
		all := imap.SeqSet{}
		all.AddRange(1, 0)
		head := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
		msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{head}}).Collect()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			id := messageID(m.FindBodySection(head)) // read as the backup read it
			if id != "" {
				s.byID[idKey(id, m.RFC822Size)] = true
			} else {
				s.noID[m.RFC822Size] = append(s.noID[m.RFC822Size], m.UID)
			}
		}
	}
	for _, it := range f.Items {
		if err := ctx.Err(); err != nil {
			return err
		}
		has, err := s.has(it)
		if err != nil {
			return err
		}
		if has {
			r.Skipped++
			continue
		}
		if err := appendMessage(c, dir, name, it); err != nil {
			return err
		}
		if it.MessageID != "" {
			s.byID[idKey(it.MessageID, it.Size)] = true
		}
		r.Appended++
	}
	return nil
}

func appendMessage(c *imapclient.Client, dir, folder string, it Message) error {
	file, err := os.Open(filepath.Join(dir, filepath.FromSlash(it.File)))
	if err != nil {
		return err
	}
	defer file.Close()
	var flags []imap.Flag
	for _, fl := range it.Flags {
		if validFlag(fl) {
			flags = append(flags, imap.Flag(fl))
		}
	}
	cmd := c.Append(folder, it.Size, &imap.AppendOptions{Flags: flags, Time: it.InternalDate})
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(cmd, h), io.LimitReader(file, it.Size)); err != nil {
		cmd.Close()
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != it.SHA256 {
		cmd.Close()
		return fmt.Errorf("%w: %s changed while restoring", ErrCorrupt, it.File)
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("append %s: %w", it.File, err)
	}
	return nil
}

// validFlag accepts a system flag or an IMAP atom keyword, never \Recent.
func validFlag(f string) bool {
	if f == "" || len(f) > 100 || strings.EqualFold(f, `\Recent`) {
		return false
	}
	for i, r := range f {
		if r == '\\' && i == 0 {
			continue
		}
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`(){%*"\]`, r) {
			return false
		}
	}
	return true
}

// hashMessages returns the SHA-256 of each message uids names.
func hashMessages(c *imapclient.Client, uids []imap.UID) (map[imap.UID]string, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	defer cmd.Close()
	out := map[imap.UID]string{}
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		var uid imap.UID
		var sum string
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			switch item := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = item.UID
			case imapclient.FetchItemDataBodySection:
				h := sha256.New()
				if _, err := io.Copy(h, item.Literal); err != nil {
					return nil, err
				}
				sum = hex.EncodeToString(h.Sum(nil))
			}
		}
		if uid != 0 && sum != "" {
			out[uid] = sum
		}
	}
	return out, cmd.Close()
}
