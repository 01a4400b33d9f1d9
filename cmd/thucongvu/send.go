package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"thucongvu/internal/compose"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/send"
)

func cmdSignature(c *cli, args []string) error {
	fs := newFlags("signature")
	var sets multiFlag
	fs.Var(&sets, "set", "FIELD=VALUE")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("signature NAME [--set FIELD=VALUE]... [--json]")
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	a, err := e.Config.Account(pos[0])
	if err != nil {
		return err
	}
	want := *a
	for _, s := range sets {
		field, value, ok := strings.Cut(s, "=")
		if !ok {
			return usageErr("--set takes FIELD=VALUE, not %q", s)
		}
		if err := compose.SetField(&want.Signature, field, value); err != nil {
			return usageErr("%v", err)
		}
		// R3: the agency's fields machine policy sets are not the user's to change.
		if e.Locked(a.Name, "signature."+field) && compose.Field(want.Signature, field) != compose.Field(a.Signature, field) {
			return fmt.Errorf("%w: signature.%s is set by agency IT (machine policy)", failure.ErrBlocked, field)
		}
	}
	if len(sets) > 0 {
		a.Signature = want.Signature
		if err := e.Config.Save(); err != nil {
			return err
		}
	}
	problems := compose.CheckSignature(a.Signature, engine.Profile(*a))
	out := map[string]any{}
	missing := []string{}
	invalid := []string{}
	for _, f := range compose.SignatureFields {
		out[f] = compose.Field(a.Signature, f)
	}
	for _, p := range problems {
		if p.Problem == "missing" {
			missing = append(missing, p.Field)
		} else {
			invalid = append(invalid, p.Field)
		}
	}
	out["complete"] = len(missing) == 0
	out["missing"] = missing
	out["invalid"] = invalid
	if *asJSON {
		return writeJSON(c, out)
	}
	fmt.Fprintln(c.stdout, compose.SignatureText(a.Signature))
	if len(missing) > 0 {
		fmt.Fprintf(c.stderr, "thiếu / missing: %s\n", strings.Join(missing, ", "))
	}
	if len(invalid) > 0 {
		fmt.Fprintf(c.stderr, "sai định dạng / invalid: %s\n", strings.Join(invalid, ", "))
	}
	return nil
}

func cmdCheck(c *cli, args []string) error {
	fs := newFlags("check")
	account := fs.String("account", "", "account whose profile and signature apply")
	profileID := fs.String("profile", "", "rule profile")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("check FILE.eml [--account NAME | --profile ID] [--json]")
	}
	raw, err := readMailFile(pos[0])
	if err != nil {
		return err
	}
	in := compose.Input{Raw: raw, Lang: c.msg.Lang, SignatureAdded: true}
	switch {
	case *account != "":
		e, err := c.openEngine()
		if err != nil {
			return err
		}
		defer e.Close()
		a, err := e.Config.Account(*account)
		if err != nil {
			return err
		}
		in.Profile, in.Signature = engine.Profile(*a), a.Signature
	case *profileID != "":
		p, ok := profile.ByID(*profileID)
		if !ok {
			return usageErr("no profile %q (see: thucongvu profiles)", *profileID)
		}
		in.Profile = p
		in.SignatureAdded = false
	default:
		in.Profile = profile.ForAddress(fromAddress(raw))
	}
	report, err := compose.Check(in)
	if err != nil {
		return err
	}
	if in.SignatureAdded == false && *account == "" {
		report = dropSignatureFindings(report)
	}
	if *asJSON {
		if err := writeJSON(c, report); err != nil {
			return err
		}
	} else {
		printReport(c, report)
	}
	if report.Blocked {
		return fmt.Errorf("%w: %s", failure.ErrBlocked, firstBlock(report))
	}
	return nil
}

// dropSignatureFindings: without an account there is no signature to judge.
func dropSignatureFindings(r compose.Report) compose.Report {
	kept := r.Findings[:0]
	r.Blocked = false
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Code, "signature.") {
			continue
		}
		kept = append(kept, f)
		if f.Severity == compose.SeverityBlock {
			r.Blocked = true
		}
	}
	r.Findings, r.OK = kept, !r.Blocked
	return r
}

func firstBlock(r compose.Report) string {
	for _, f := range r.Findings {
		if f.Severity == compose.SeverityBlock {
			return f.Rule + ": " + f.Message
		}
	}
	return ""
}

func printReport(c *cli, r compose.Report) {
	for _, f := range r.Findings {
		mark := "!"
		if f.Severity == compose.SeverityBlock {
			mark = "✗"
		}
		fmt.Fprintf(c.stdout, "%s %s %s\n", mark, f.Rule, f.Message)
	}
	if len(r.Findings) == 0 {
		fmt.Fprintln(c.stdout, "✓")
	}
}

func readMailFile(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", failure.ErrNotFound, path)
	}
	return raw, err
}

func fromAddress(raw []byte) string {
	d, err := compose.DraftFromEML(raw)
	if err != nil {
		return ""
	}
	return d.From.Address
}

func cmdSend(c *cli, args []string) error {
	fs := newFlags("send")
	account := fs.String("account", "", "sending account")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *account == "" {
		return usageErr("send FILE.eml --account NAME")
	}
	raw, err := readMailFile(pos[0])
	if err != nil {
		return err
	}
	d, err := compose.DraftFromEML(raw)
	if err != nil {
		return err
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	a, err := e.Config.Account(*account)
	if err != nil {
		return err
	}
	d.From = model.Address{Name: a.Signature.Name, Address: a.Email}
	ctx := context.Background()
	id, report, err := e.Queue(ctx, *a, d, c.msg.Lang)
	if err != nil {
		var blocked *engine.ErrBlockedReport
		if errors.As(err, &blocked) {
			if *asJSON {
				writeJSON(c, report)
			} else {
				printReport(c, report)
			}
		}
		return err
	}
	res, ferr := e.Flush(ctx, *a)
	ob, _ := e.Outbox()
	item, ierr := ob.Item(ctx, id)
	state := "sent"
	if ierr == nil {
		state = item.State
	}
	if *asJSON {
		writeJSON(c, map[string]any{"id": id, "state": state, "result": res, "findings": report.Findings})
	}
	switch {
	case ierr != nil: // left the outbox: accepted and filed in Sent
		fmt.Fprintln(c.stderr, c.msg.T("send.accepted"))
		return nil
	case item.State == send.StateAccepted:
		fmt.Fprintln(c.stderr, c.msg.T("send.accepted_no_copy", item.LastError))
		return nil
	case item.State == send.StateFailed:
		return fmt.Errorf("%w", ferr)
	default:
		fmt.Fprintln(c.stderr, c.msg.T("send.queued", item.NextAttempt.Format("15:04:05"), item.LastError))
		if errors.Is(ferr, failure.ErrAuth) || errors.Is(ferr, failure.ErrCertificate) {
			return ferr
		}
		return nil
	}
}

func cmdOutbox(c *cli, args []string) error {
	fs := newFlags("outbox")
	asJSON := fs.Bool("json", false, "JSON output")
	flush := fs.Bool("flush", false, "try to deliver every queued mail now")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	ob, err := e.Outbox()
	if err != nil {
		return err
	}
	var flushErr error
	if *flush {
		if err := ob.Retry(ctx); err != nil {
			return err
		}
		for _, a := range e.Config.Accounts {
			if _, err := e.Flush(ctx, a); err != nil && flushErr == nil {
				flushErr = err
			}
		}
	}
	items, err := ob.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(c, items); err != nil {
			return err
		}
	} else {
		for _, it := range items {
			fmt.Fprintf(c.stdout, "%d\t%s\t%s\t%s\t%d\t%s\n", it.ID, it.Account, it.State, it.Subject, it.Attempts, it.LastError)
		}
	}
	return flushErr
}
