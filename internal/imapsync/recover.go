package imapsync

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// StructureError: the server sent a FETCH answer (typically a BODYSTRUCTURE)
// that the IMAP parser rejects. go-imap then drops the connection; the
// message after After is fetched again without its structure.
type StructureError struct {
	Folder string
	After  uint32
	Err    error
}

func (e *StructureError) Error() string {
	return fmt.Sprintf("unreadable answer from the server in %s after UID %d: %v", e.Folder, e.After, e.Err)
}

func (e *StructureError) Unwrap() error { return e.Err }

// isParseError tells a rejected server answer from a network failure.
func isParseError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "expected") && !strings.Contains(s, "connection") && !strings.Contains(s, "EOF") &&
		!strings.Contains(s, "timeout") && !strings.Contains(s, "closed")
}

// maxRecoveries bounds how many unreadable messages one pass works around.
const maxRecoveries = 100

// SyncRecovering runs SyncOnce on c and, when a message's structure is
// unreadable, reconnects, stores that message from its envelope and header
// alone and carries on: one bad message never fails the whole batch. It
// returns the connection in use at the end (c may have been replaced).
func (s *Syncer) SyncRecovering(ctx context.Context, c *Conn, handler *imapclient.UnilateralDataHandler) (*Conn, Summary, error) {
	var total Summary
	for i := 0; ; i++ {
		sum, err := s.SyncOnce(ctx, c)
		total.New += sum.New
		total.Messages, total.Folders, total.Name, total.Seconds = sum.Messages, sum.Folders, sum.Name, total.Seconds+sum.Seconds
		var se *StructureError
		if !errors.As(err, &se) || i >= maxRecoveries {
			return c, total, err
		}
		c.Close()
		if c, err = s.Connect(ctx, handler); err != nil {
			return c, total, err
		}
		if err := s.storeWithoutStructure(ctx, c, se); err != nil {
			return c, total, err
		}
		total.New++
	}
}

// storeWithoutStructure stores the first message after se.After from its
// envelope, flags and header, deriving attachments from the header alone.
func (s *Syncer) storeWithoutStructure(ctx context.Context, c *Conn, se *StructureError) error {
	st, err := s.Store.EnsureFolder(ctx, s.Account.Name, se.Folder, "")
	if err != nil {
		return err
	}
	states, _ := s.Store.FolderStates(ctx, s.Account.Name)
	for _, f := range states {
		if f.ID == st.ID {
			st = f
		}
	}
	header := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	var buf *imapclient.FetchMessageBuffer
	err = c.guard(ctx, func() error {
		if _, err := c.Select(se.Folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return err
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(se.After + 1), Stop: 0}}}}, nil).Wait()
		if err != nil {
			return err
		}
		uids := data.AllUIDs()
		if len(uids) == 0 {
			return fmt.Errorf("no message after UID %d", se.After)
		}
		list, err := c.Fetch(imap.UIDSetNum(uids[0]), &imap.FetchOptions{UID: true, Flags: true, Envelope: true,
			RFC822Size: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{header}}).Collect()
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("message %d vanished", uids[0])
		}
		buf = list[0]
		return nil
	})
	if err != nil {
		return fmt.Errorf("fetch %s UID>%d without structure: %w", se.Folder, se.After, err)
	}
	r := recordOf(buf, s.Opts, nil)
	if ct := headerField(buf.FindBodySection(header), "Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil && (mt == "multipart/mixed" || !strings.HasPrefix(mt, "text/") && !strings.HasPrefix(mt, "multipart/")) {
			r.HasAttachments = true
		}
	}
	batch, err := s.Store.BeginBatch(ctx)
	if err != nil {
		return err
	}
	if err := batch.Put(st.ID, r); err != nil {
		batch.Rollback()
		return err
	}
	return batch.Commit()
}

func headerField(raw []byte, name string) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err != nil && h == nil {
		return ""
	}
	return h.Get(name)
}
