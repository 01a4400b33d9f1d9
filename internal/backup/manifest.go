// Package backup keeps an account's mail on local disk and brings it back
// (LĐ 12.3: back up locally, then clear old mail from the server; LĐ 10.1d,
// BD 10: the package handed to a new head of agency; R8, R10).
//
// A backup is a folder holding every IMAP folder of the account as a
// Maildir (byte for byte as the server keeps each message), the register
// as XLSX when the register is available, and manifest.json: counts and
// SHA-256 sums per file and per message. It is written under a hidden
// ".partial-…" name and renamed only once complete and verified, so a
// folder without that prefix is always a whole backup.
package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"
)

// Format names this layout in every manifest.
const Format = "thucongvu-backup/1"

// ManifestName is the manifest's file name inside a backup.
const ManifestName = "manifest.json"

// Bounds on what a manifest may hold: a backup is hostile input once it
// has been on a USB stick.
const (
	MaxManifestBytes = 512 << 20
	maxFolders       = 10_000
	maxNameBytes     = 1_000
	maxFlags         = 100
)

// Manifest describes a backup (the README's backup contract).
type Manifest struct {
	Format    string    `json:"format"`
	Account   string    `json:"account"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
	Folders   []Folder  `json:"folders"`
	Register  *File     `json:"register,omitempty"`
	Messages  int       `json:"messages"`
	Bytes     int64     `json:"bytes"`
}

// Folder is one IMAP folder as a Maildir under Dir.
type Folder struct {
	Name        string    `json:"name"`
	Delimiter   string    `json:"delimiter,omitempty"`
	Dir         string    `json:"dir"`
	UIDValidity uint32    `json:"uidvalidity"`
	Messages    int       `json:"messages"`
	Bytes       int64     `json:"bytes"`
	Items       []Message `json:"items"`
}

// Message is one message of a folder: its file and what the server said of it.
type Message struct {
	UID          uint32    `json:"uid"`
	File         string    `json:"file"`
	MessageID    string    `json:"message_id,omitempty"`
	InternalDate time.Time `json:"internal_date"`
	Flags        []string  `json:"flags,omitempty"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
}

// File is a file of the backup other than mail.
type File struct {
	File   string `json:"file"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ErrCorrupt: the backup does not match its manifest (a file missing,
// changed or outside the backup); nothing is restored from it.
var ErrCorrupt = errors.New("backup damaged")

// ParseManifest reads a manifest and checks that it is well formed: the
// format known, every path relative and inside the backup, bounded sizes.
func ParseManifest(raw []byte) (*Manifest, error) {
	if len(raw) > MaxManifestBytes {
		return nil, fmt.Errorf("%w: manifest larger than %d bytes", ErrCorrupt, MaxManifestBytes)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%w: manifest format %q, want %q", ErrCorrupt, clip(m.Format), Format)
	}
	if len(m.Folders) > maxFolders {
		return nil, fmt.Errorf("%w: %d folders", ErrCorrupt, len(m.Folders))
	}
	seenFiles := map[string]bool{}
	var count int
	var total int64
	for i, f := range m.Folders {
		if f.Name == "" || len(f.Name) > maxNameBytes || len(f.Delimiter) > 1 {
			return nil, fmt.Errorf("%w: folder %d: bad name", ErrCorrupt, i)
		}
		if err := checkRel(f.Dir); err != nil {
			return nil, fmt.Errorf("%w: folder %q: %v", ErrCorrupt, clip(f.Name), err)
		}
		if f.Messages != len(f.Items) {
			return nil, fmt.Errorf("%w: folder %q counts %d messages but lists %d", ErrCorrupt, clip(f.Name), f.Messages, len(f.Items))
		}
		var bytes int64
		for _, it := range f.Items {
			if err := checkRel(it.File); err != nil || !strings.HasPrefix(it.File, f.Dir+"/") {
				return nil, fmt.Errorf("%w: folder %q: message file %q outside its folder", ErrCorrupt, clip(f.Name), clip(it.File))
			}
			if seenFiles[it.File] {
				return nil, fmt.Errorf("%w: message file %q listed twice", ErrCorrupt, clip(it.File))
			}
			seenFiles[it.File] = true
			if it.Size < 0 || len(it.SHA256) != 64 || len(it.Flags) > maxFlags || len(it.MessageID) > maxNameBytes {
				return nil, fmt.Errorf("%w: message file %q: bad entry", ErrCorrupt, clip(it.File))
			}
			bytes += it.Size
		}
		if bytes != f.Bytes {
			return nil, fmt.Errorf("%w: folder %q counts %d bytes but its messages %d", ErrCorrupt, clip(f.Name), f.Bytes, bytes)
		}
		count += f.Messages
		total += f.Bytes
	}
	if count != m.Messages || total != m.Bytes {
		return nil, fmt.Errorf("%w: totals %d messages, %d bytes; folders hold %d, %d", ErrCorrupt, m.Messages, m.Bytes, count, total)
	}
	if m.Register != nil {
		if err := checkRel(m.Register.File); err != nil || len(m.Register.SHA256) != 64 {
			return nil, fmt.Errorf("%w: register file %q", ErrCorrupt, clip(m.Register.File))
		}
	}
	return &m, nil
}

// ReadManifest reads dir's manifest, bounded.
func ReadManifest(dir string) (*Manifest, error) {
	f, err := os.Open(dir + string(os.PathSeparator) + ManifestName)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s holds no %s: not a complete backup", ErrCorrupt, dir, ManifestName)
		}
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	return ParseManifest(raw)
}

// checkRel accepts a clean slash-separated relative path that stays inside
// the backup.
func checkRel(p string) error {
	if p == "" || len(p) > 4*maxNameBytes || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) ||
		path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, ":") && strings.Index(p, ":") == 1 {
		return fmt.Errorf("path %q not inside the backup", clip(p))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
