package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-maildir"
)

// Register exports the document register as XLSX (the paper register's
// layout). The backup carries it when the caller gives one.
type Register interface {
	ExportXLSX(ctx context.Context, account string, w io.Writer) error
}

// Options say what to back up and how to reach it.
type Options struct {
	Account, Email string
	// Connect opens a logged-in connection to the account's server.
	Connect func(ctx context.Context) (*imapclient.Client, error)
	// Register, if set, adds register.xlsx to the backup.
	Register Register
	// Progress, if set, hears each folder's messages as they are written.
	Progress func(folder string, done, total int)
	// Now stamps the backup (time.Now when nil).
	Now func() time.Time
}

// Result is a finished, verified backup.
type Result struct {
	Path     string    `json:"path"`
	Manifest *Manifest `json:"-"`
}

// Create writes a backup of the account into a new folder under to
// ("NAME-YYYYMMDD-HHMMSS"). It is written under ".partial-…", verified
// against its manifest, and only then renamed: on any failure (full disk,
// unwritable target, dropped connection) the partial folder is removed
// and nothing is left that looks complete.
func Create(ctx context.Context, to string, o Options) (res *Result, err error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	stamp := now().UTC()
	if err := os.MkdirAll(to, 0o700); err != nil {
		return nil, fmt.Errorf("backup target %s: %w", to, err)
	}
	name := fileSafe(o.Account) + "-" + stamp.Format("20060102-150405")
	final := filepath.Join(to, name)
	for n := 2; ; n++ { // two backups within a second
		if _, err := os.Lstat(final); err != nil {
			break
		}
		final = filepath.Join(to, fmt.Sprintf("%s-%d", name, n))
	}
	partial, err := os.MkdirTemp(to, ".partial-"+name+"-")
	if err != nil {
		return nil, fmt.Errorf("backup target %s: %w", to, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(partial)
		}
	}()
	c, release, err := session(ctx, o.Connect)
	if err != nil {
		return nil, err
	}
	defer release()
	m := &Manifest{Format: Format, Account: o.Account, Email: o.Email, CreatedAt: stamp, Folders: []Folder{}}
	folders, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	for i, l := range folders {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		f := Folder{Name: l.Mailbox, Dir: fmt.Sprintf("mail/%03d-%s", i+1, fileSafe(l.Mailbox)), Items: []Message{}}
		if l.Delim != 0 {
			f.Delimiter = string(l.Delim)
		}
		if err := backupFolder(ctx, c, partial, &f, o.Progress); err != nil {
			return nil, fmt.Errorf("folder %s: %w", l.Mailbox, err)
		}
		m.Folders = append(m.Folders, f)
		m.Messages += f.Messages
		m.Bytes += f.Bytes
	}
	if o.Register != nil {
		reg, err := writeFile(filepath.Join(partial, "register.xlsx"), func(w io.Writer) error {
			return o.Register.ExportXLSX(ctx, o.Account, w)
		})
		if err != nil {
			return nil, fmt.Errorf("register: %w", err)
		}
		reg.File = "register.xlsx"
		m.Register = reg
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if _, err := writeFile(filepath.Join(partial, ManifestName), func(w io.Writer) error {
		_, err := w.Write(raw)
		return err
	}); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	// The sums come from the bytes as they were written; here every file
	// and the manifest are read back for their sizes. Restore and prune
	// hash everything again before they act.
	if err := checkSizes(partial); err != nil {
		return nil, err
	}
	if err := os.Rename(partial, final); err != nil {
		return nil, fmt.Errorf("backup target %s: %w", to, err)
	}
	syncDir(to)
	return &Result{Path: final, Manifest: m}, nil
}

// inMemory is the largest message read whole before it is written: the
// writer then works while the next messages arrive. Larger ones are
// streamed straight to disk. At most queued of them wait.
const (
	inMemory = 1 << 20
	queued   = 64
)

// written is a message on its way to the manifest: either its bytes to
// write (data), or already written by the reader (item.File set).
type written struct {
	item Message
	data *[]byte // from buffers
}

// buffers recycles the memory of messages read whole.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// backupFolder streams every message of f on the server into its Maildir,
// hashing as it writes; one goroutine reads from the server while another
// writes the files.
func backupFolder(ctx context.Context, c *imapclient.Client, root string, f *Folder, progress func(string, int, int)) error {
	dir := maildir.Dir(filepath.Join(root, filepath.FromSlash(f.Dir)))
	if err := os.MkdirAll(filepath.Dir(string(dir)), 0o700); err != nil {
		return err
	}
	if err := dir.Init(); err != nil {
		return err
	}
	sel, err := c.Select(f.Name, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return err
	}
	f.UIDValidity = sel.UIDValidity
	if sel.NumMessages == 0 {
		return nil
	}
	jobs := make(chan written, queued)
	werr := make(chan error, 1)
	go func() {
		var err error
		for w := range jobs {
			if err != nil {
				continue // drain; the first error is reported
			}
			it := w.item
			if it.File == "" {
				it.File, it.Size, it.SHA256, err = writeBytes(dir, root, *w.data)
				buffers.Put(w.data)
				if err != nil {
					continue
				}
			}
			f.Items = append(f.Items, it)
			f.Messages++
			f.Bytes += it.Size
			if progress != nil {
				progress(f.Name, f.Messages, int(sel.NumMessages))
			}
		}
		werr <- err
	}()
	rerr := readFolder(c, dir, root, jobs)
	close(jobs)
	if err := <-werr; err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	return ctx.Err()
}

// readFolder fetches every message of the selected folder and hands each
// to the writer, in order.
func readFolder(c *imapclient.Client, dir maildir.Dir, root string, jobs chan<- written) error {
	section := &imap.FetchItemBodySection{Peek: true}
	all := imap.SeqSet{}
	all.AddRange(1, 0) // 1:*
	cmd := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{section}})
	defer cmd.Close()
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		var w written
		var got bool
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			switch item := item.(type) {
			case imapclient.FetchItemDataUID:
				w.item.UID = uint32(item.UID)
			case imapclient.FetchItemDataFlags:
				for _, fl := range item.Flags {
					if !strings.EqualFold(string(fl), `\Recent`) {
						w.item.Flags = append(w.item.Flags, string(fl))
					}
				}
			case imapclient.FetchItemDataInternalDate:
				w.item.InternalDate = item.Time.UTC()
			case imapclient.FetchItemDataBodySection:
				got = true
				if size := item.Literal.Size(); size <= inMemory {
					w.data = buffers.Get().(*[]byte)
					*w.data = slices.Grow((*w.data)[:0], int(size))[:size]
					if _, err := io.ReadFull(item.Literal, *w.data); err != nil {
						return err
					}
					w.item.MessageID = messageID(*w.data)
				} else {
					var err error
					head := &prefixWriter{}
					w.item.File, w.item.Size, w.item.SHA256, err = writeMessage(dir, root, io.TeeReader(item.Literal, head))
					if err != nil {
						return err
					}
					w.item.MessageID = messageID(head.buf)
				}
			}
		}
		if got { // else expunged meanwhile
			jobs <- w
		}
	}
	return cmd.Close()
}

// writeMessage stores one message in dir's cur, byte for byte, and
// returns its path relative to root, its size and SHA-256.
func writeMessage(dir maildir.Dir, root string, r io.Reader) (file string, size int64, sum string, err error) {
	msg, w, err := dir.Create(nil)
	if err != nil {
		return "", 0, "", err
	}
	h := sha256.New()
	size, err = io.Copy(w, io.TeeReader(r, h))
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, "", err
	}
	rel, err := filepath.Rel(root, msg.Filename())
	if err != nil {
		return "", 0, "", err
	}
	return filepath.ToSlash(rel), size, hex.EncodeToString(h.Sum(nil)), nil
}

// writeBytes stores one message read whole, in a single write.
func writeBytes(dir maildir.Dir, root string, data []byte) (file string, size int64, sum string, err error) {
	msg, w, err := dir.Create(nil)
	if err != nil {
		return "", 0, "", err
	}
	_, err = w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, "", err
	}
	rel, err := filepath.Rel(root, msg.Filename())
	if err != nil {
		return "", 0, "", err
	}
	h := sha256.Sum256(data)
	return filepath.ToSlash(rel), int64(len(data)), hex.EncodeToString(h[:]), nil
}

// writeFile writes path through fill, flushed to disk, and describes it.
func writeFile(path string, fill func(io.Writer) error) (*File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	err = fill(cw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return &File{Bytes: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Verify reads dir's manifest and checks every file against it: the
// register and each message, byte count and SHA-256.
func Verify(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Folders {
		for _, it := range f.Items {
			if err := verifyFile(dir, it.File, it.Size, it.SHA256); err != nil {
				return nil, err
			}
		}
	}
	if m.Register != nil {
		if err := verifyFile(dir, m.Register.File, m.Register.Bytes, m.Register.SHA256); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// checkSizes reads dir's manifest back and checks that every file it
// names has its size.
func checkSizes(dir string) error {
	m, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	for _, f := range m.Folders {
		for _, it := range f.Items {
			fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(it.File)))
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrCorrupt, it.File, err)
			}
			if fi.Size() != it.Size {
				return fmt.Errorf("%w: %s holds %d bytes, want %d", ErrCorrupt, it.File, fi.Size(), it.Size)
			}
		}
	}
	return nil
}

func verifyFile(dir, rel string, size int64, sum string) error {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, rel, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, rel, err)
	}
	if n != size || hex.EncodeToString(h.Sum(nil)) != sum {
		return fmt.Errorf("%w: %s does not match its SHA-256 in the manifest", ErrCorrupt, rel)
	}
	return nil
}

// Find returns the backup in dir: dir itself when it holds a manifest,
// else its newest complete backup folder.
func Find(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	newest := ""
	var newestAt time.Time
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		m, err := ReadManifest(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if newest == "" || m.CreatedAt.After(newestAt) {
			newest, newestAt = filepath.Join(dir, e.Name()), m.CreatedAt
		}
	}
	if newest == "" {
		return "", fmt.Errorf("%w: no complete backup in %s", ErrCorrupt, dir)
	}
	return newest, nil
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

// fileSafe keeps letters and digits of s (Vietnamese included) and turns
// the rest into '_', so a folder name never becomes a path.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 60 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// syncDir flushes a folder's entries (a rename) to disk where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// errNoUIDPlus: pruning needs UID EXPUNGE, or it could remove other mail.
var errNoUIDPlus = errors.New("the server lacks UIDPLUS (UID EXPUNGE): nothing deleted, as a plain EXPUNGE could remove other mail")

// session opens a connection that ctx's end closes; release logs out.
func session(ctx context.Context, connect func(context.Context) (*imapclient.Client, error)) (*imapclient.Client, func(), error) {
	c, err := connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return c, func() {
		stop()
		c.Logout().Wait()
		c.Close()
	}, nil
}
