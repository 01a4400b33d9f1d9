package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/imapsync"
	"thucongvu/internal/pdfconv"
	"thucongvu/internal/secret"
	"thucongvu/internal/send"
)

// doctorCheck is one line of `thucongvu doctor`.
type doctorCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Quota is the account's server quota, on its "NAME quota" check.
	Quota *engine.Quota `json:"quota,omitempty"`
	// Warn marks a check that passes but needs agency IT's attention.
	Warn bool `json:"warn,omitempty"`
}

// cmdDoctor checks what the client depends on: the keychain, the office
// converter, machine policy, and each account's IMAP and SMTP login.
func cmdDoctor(c *cli, args []string) error {
	fs := newFlags("doctor")
	asJSON := fs.Bool("json", false, "JSON output")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var checks []doctorCheck
	add := func(name string, err error, ok string) {
		d := doctorCheck{Name: name, OK: err == nil, Detail: ok}
		if err != nil {
			d.Detail = err.Error()
		}
		checks = append(checks, d)
	}
	k := &secret.Keyring{Timeout: 5 * time.Second}
	err := k.Set("thucongvu-doctor", "probe")
	if err == nil {
		k.Delete("thucongvu-doctor")
	}
	add("keychain", err, "the OS keychain stores and returns passwords")
	path, err := pdfconv.FindOffice()
	add("office converter", err, path)
	checks = append(checks, c.signatureRootChecks()...)

	e, err := c.openEngine()
	if err != nil {
		add("configuration", err, "")
	} else {
		defer e.Close()
		switch {
		case e.Policy != nil && len(e.Policy.Problems) > 0:
			src := e.Policy.Source
			if src == "" {
				src = "none set"
			}
			add("machine policy", fmt.Errorf("%s: %v", src, e.Policy.Problems), "")
		case e.Policy == nil || e.Policy.Source == "":
			add("machine policy", nil, "none set")
		default:
			add("machine policy", nil, e.Policy.Source+": "+strings.Join(e.Policy.Keys(), ", "))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, a := range e.Config.Accounts {
			pw, err := e.Syncer(a).Password()
			if err != nil {
				add(a.Name+" password", err, "")
				continue
			}
			ic, err := imapsync.Dial(ctx, a, pw, &e.Sync, nil)
			var quota *engine.Quota
			var quotaErr error
			if err == nil {
				quota, quotaErr = engine.ReadQuota(ic)
				ic.Logout().Wait()
				ic.Close()
			}
			add(a.Name+" IMAP", err, fmt.Sprintf("%s:%d", a.IMAP.Host, a.IMAP.Port))
			if quota != nil || quotaErr != nil {
				if quota != nil && quota.Warning {
					quotaErr = errors.New(c.msg.T("doctor.quota_warning", quota.Percent))
				}
				detail := ""
				if quota != nil {
					detail = c.msg.T("doctor.quota", quota.Percent)
				}
				add(a.Name+" quota", quotaErr, detail)
				checks[len(checks)-1].Quota = quota
			}
			sc, err := send.Connect(ctx, a, pw, &send.Options{RootCAs: e.Sync.RootCAs})
			if err == nil {
				sc.Close()
			}
			add(a.Name+" SMTP", err, fmt.Sprintf("%s:%d", a.SMTP.Host, a.SMTP.Port))
			var advice error
			if list := engine.PasswordAdvice(a, "", time.Now()); len(list) > 0 {
				advice = errors.New(strings.Join(list, " "))
			}
			add(a.Name+" password age", advice, "within the profile's rule (R6)")
		}
	}
	failed := 0
	for _, ch := range checks {
		if !ch.OK {
			failed++
		}
	}
	if *asJSON {
		if err := writeJSON(c, checks); err != nil {
			return err
		}
	} else {
		for _, ch := range checks {
			mark := "✓"
			if ch.Warn {
				mark = "!"
			}
			if !ch.OK {
				mark = "✗"
			}
			fmt.Fprintf(c.stdout, "%s %-24s %s\n", mark, ch.Name, ch.Detail)
		}
	}
	if failed > 0 {
		return errors.New(c.msg.T("doctor.failed", failed))
	}
	return nil
}
