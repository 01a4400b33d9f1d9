package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign"
	"thucongvu/internal/failure"
)

// verifiedFile is one file of `thucongvu verify --json`.
type verifiedFile struct {
	File       string              `json:"file"`
	State      docsign.State       `json:"state"`
	SHA256     string              `json:"sha256,omitempty"`
	Signatures []docsign.Signature `json:"signatures"`
	Error      string              `json:"error,omitempty"`
	// SignedVersions are the files --extract wrote: for each signature
	// whose document changed after signing, the bytes it covers.
	SignedVersions []string `json:"signed_versions,omitempty"`
}

// cmdVerify is `thucongvu verify FILE.pdf… [--json]` (R4; Decree 30/2020
// art. 21.2: the clerk checks that a received document is authentic and
// intact). Exit 0 when every signature of every file is valid, 1 when any
// is not or a file is unsigned, 2 when a file cannot be read.
func cmdVerify(c *cli, args []string) error {
	fs := newFlags("verify")
	asJSON := fs.Bool("json", false, "JSON output")
	extract := fs.String("extract", "", "folder for the signed versions of changed files")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("verify FILE.pdf... [--extract DIR] [--json]")
	}
	trust, opts, err := c.signatureTrust()
	if err != nil {
		return err
	}
	var out []verifiedFile
	unreadable, notValid := 0, 0
	for _, name := range files {
		v := verifiedFile{File: name, Signatures: []docsign.Signature{}}
		b, err := readBounded(name, docsign.MaxPDFSize)
		if err == nil {
			rep := docsign.Verify(b, trust, opts)
			err = rep.Err
			v.State, v.SHA256 = rep.State, rep.SHA256
			if rep.Signatures != nil {
				v.Signatures = rep.Signatures
			}
			if *extract != "" && err == nil {
				if v.SignedVersions, err = extractSignedVersions(*extract, name, b, rep.Signatures); err != nil {
					return err
				}
			}
		}
		if err != nil {
			v.State, v.Error = "", err.Error()
			unreadable++
		} else if v.State != docsign.Valid {
			notValid++
		}
		out = append(out, v)
	}
	if *asJSON {
		if err := writeJSON(c, out); err != nil {
			return err
		}
	} else {
		for _, v := range out {
			if v.Error != "" {
				fmt.Fprintf(c.stdout, "%s: %s\n", v.File, c.msg.T("verify.unreadable", v.Error))
				continue
			}
			fmt.Fprintf(c.stdout, "%s: %s\n", v.File, c.stateText(v.State))
			for _, s := range v.Signatures {
				fmt.Fprintf(c.stdout, "  %s\n", c.describeSignature(s))
			}
			for _, p := range v.SignedVersions {
				fmt.Fprintf(c.stdout, "  %s: %s\n", c.msg.T("docsign.open_signed"), p)
			}
		}
	}
	switch {
	case unreadable > 0:
		return fmt.Errorf("%w: %s", failure.ErrUnreadable, c.msg.T("verify.unreadable_count", unreadable))
	case notValid > 0:
		return errors.New(c.msg.T("verify.not_valid", notValid))
	}
	return nil
}

// extractSignedVersions writes, for each signature whose document changed
// after signing, the bytes it covers ("Mở bản đã ký") as
// DIR/NAME.signed-N.pdf.
func extractSignedVersions(dir, name string, file []byte, sigs []docsign.Signature) ([]string, error) {
	var out []string
	for i, s := range sigs {
		if s.State != docsign.ModifiedAfterSigning {
			continue
		}
		signed := docsign.SignedVersion(file, s)
		if signed == nil {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		path := filepath.Join(dir, fmt.Sprintf("%s.signed-%d.pdf", base, i+1))
		if err := config.WriteFileAtomic(path, signed, 0o644); err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}

// stateText is the translated name of a signature state.
func (c *cli) stateText(s docsign.State) string { return c.msg.T("docsign.state." + string(s)) }

// describeSignature is the reader's line for one signature.
func (c *cli) describeSignature(s docsign.Signature) string {
	key := "docsign.signed_by"
	if s.Kind == "document_timestamp" {
		key = "docsign.stamped_by"
	}
	if s.Signer == "" { // not even the signer could be read
		return c.msg.T("docsign.unreadable_signature", c.stateText(s.State))
	}
	line := c.msg.T(key, docsign.Describe(s, c.stateText(s.State), c.msg.T("docsign.signer_clock")))
	if s.State == docsign.ModifiedAfterSigning {
		line += " — " + c.msg.T("docsign.open_signed")
	}
	return line
}

// signatureTrust is the trust store and options machine policy and the
// user's trust folder give.
func (c *cli) signatureTrust() (*docsign.TrustStore, docsign.Options, error) {
	pol, err := config.LoadPolicy()
	if err != nil {
		return nil, docsign.Options{}, err
	}
	if pol == nil {
		pol = &config.Policy{}
	}
	trust, _ := docsign.LocalTrust(c.home, pol.SignatureRootsDir)
	return trust, docsign.Options{Online: pol.SignatureOnlineRevocation}, nil
}

// readBounded reads a whole file of at most limit bytes.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MB", name, limit>>20)
	}
	return b, nil
}
