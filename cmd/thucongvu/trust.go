package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign"
	"thucongvu/internal/failure"
)

// trustedRoot is one root of `thucongvu trust list --json`.
type trustedRoot struct {
	Subject string    `json:"subject"`
	SHA256  string    `json:"sha256"`
	Expires time.Time `json:"expires"`
	Source  string    `json:"source"` // "policy" or "user"
	File    string    `json:"file"`
}

// cmdTrust is `thucongvu trust add FILE…|list [--json]|remove SHA256…`:
// the per-user folder of roots that PDF signatures must chain to, for PCs
// that machine policy (SignatureRootsDir) does not set up (R4).
func cmdTrust(c *cli, args []string) error {
	if len(args) == 0 {
		return usageErr("trust add FILE...|list [--json]|remove SHA256...")
	}
	dir := docsign.UserRootsDir(c.home)
	switch args[0] {
	case "add":
		if len(args) < 2 {
			return usageErr("trust add FILE...")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		for _, name := range args[1:] {
			certs, err := docsign.ReadCertificates(name)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", failure.ErrUnreadable, name, err)
			}
			for _, cert := range certs {
				if !cert.IsCA || cert.CheckSignatureFrom(cert) != nil {
					return fmt.Errorf("%w: %s", failure.ErrBlocked, c.msg.T("trust.not_root", cert.Subject.String()))
				}
				sum := sha256.Sum256(cert.Raw)
				path := filepath.Join(dir, hex.EncodeToString(sum[:])+".pem")
				if err := config.WriteFileAtomic(path, docsign.EncodePEM(cert.Raw), 0o600); err != nil {
					return err
				}
				fmt.Fprintln(c.stdout, c.msg.T("trust.added", cert.Subject.String(), docsign.Fingerprint(cert), cert.NotAfter.Format("2006-01-02")))
			}
		}
		return nil
	case "list":
		fs := newFlags("trust list")
		asJSON := fs.Bool("json", false, "JSON output")
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		roots, err := c.trustedRoots()
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(c, roots)
		}
		if len(roots) == 0 {
			fmt.Fprintln(c.stdout, c.msg.T("trust.none"))
		}
		for _, r := range roots {
			fmt.Fprintf(c.stdout, "%s\n  SHA-256 %s · %s %s · %s\n", r.Subject, r.SHA256, c.msg.T("trust.expires"), r.Expires.Format("2006-01-02"), r.Source)
		}
		return nil
	case "remove":
		if len(args) < 2 {
			return usageErr("trust remove SHA256...")
		}
		user, _ := docsign.LoadTrustStore(dir)
		for _, want := range args[1:] {
			norm := strings.ToUpper(strings.ReplaceAll(want, ":", ""))
			found := false
			for _, r := range user.Roots() {
				if strings.ReplaceAll(r.Fingerprint(), ":", "") == norm {
					if err := os.Remove(r.File); err != nil {
						return err
					}
					found = true
					fmt.Fprintln(c.stdout, c.msg.T("trust.removed", r.Subject()))
				}
			}
			if !found {
				return fmt.Errorf("%w: %s", failure.ErrNotFound, c.msg.T("trust.not_in_user", want))
			}
		}
		return nil
	}
	return usageErr("trust add FILE...|list [--json]|remove SHA256...")
}

// trustedRoots lists the roots of machine policy and of the user's folder.
func (c *cli) trustedRoots() ([]trustedRoot, error) {
	pol, err := config.LoadPolicy()
	if err != nil {
		return nil, err
	}
	var out []trustedRoot
	add := func(dir, source string) {
		if dir == "" {
			return
		}
		t, _ := docsign.LoadTrustStore(dir)
		for _, r := range t.Roots() {
			out = append(out, trustedRoot{Subject: r.Subject(), SHA256: r.Fingerprint(), Expires: r.Cert.NotAfter, Source: source, File: r.File})
		}
	}
	if pol != nil {
		add(pol.SignatureRootsDir, "policy")
	}
	add(docsign.UserRootsDir(c.home), "user")
	if out == nil {
		out = []trustedRoot{}
	}
	return out, nil
}

// signatureRootChecks are doctor's lines on the roots of PDF signatures:
// one per root (subject, SHA-256, expiry), or a warning when none is set.
func (c *cli) signatureRootChecks() []doctorCheck {
	roots, err := c.trustedRoots()
	if err != nil {
		return []doctorCheck{{Name: "signature roots", Detail: err.Error()}}
	}
	if len(roots) == 0 {
		return []doctorCheck{{Name: "signature roots", OK: true, Warn: true, Detail: c.msg.T("trust.none")}}
	}
	var out []doctorCheck
	now := time.Now()
	for _, r := range roots {
		ch := doctorCheck{Name: "signature root", OK: now.Before(r.Expires),
			Detail: fmt.Sprintf("%s · SHA-256 %s · %s %s (%s)", r.Subject, r.SHA256, c.msg.T("trust.expires"), r.Expires.Format("2006-01-02"), r.Source)}
		out = append(out, ch)
	}
	return out
}
