package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"thucongvu/internal/discover"
)

// cmdDiscover: thucongvu discover EMAIL [--json] [--isp-dir DIR]...
// It prints the server settings found for EMAIL: one JSON document, or one
// line for the source and one per server. JSON marks each result with its
// source and confirm_needed (hosts outside the address's domain from DNS). --isp-dir replaces the default
// folders of IT-shipped DOMAIN.xml files (beside the executable, /etc/thucongvu/isp).
func cmdDiscover(c *cli, args []string) error {
	var email string
	var asJSON bool
	var ispDirs []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--json":
			asJSON = true
		case a == "--isp-dir" && i+1 < len(args):
			ispDirs = append(ispDirs, args[i+1])
			i++
		case strings.HasPrefix(a, "--isp-dir="):
			ispDirs = append(ispDirs, strings.TrimPrefix(a, "--isp-dir="))
		case strings.HasPrefix(a, "-"):
			return usageErr("discover: unknown option %s", a)
		case email == "":
			email = a
		default:
			return usageErr("discover: one address only")
		}
	}
	if email == "" {
		return usageErr("discover EMAIL [--json] [--isp-dir DIR]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := discoverOptions()
	if opts == nil {
		opts = &discover.Options{}
	}
	if ispDirs != nil {
		opts.ISPDirs = ispDirs
	}
	r, err := discover.Discover(ctx, email, opts)
	if err != nil {
		return err
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(c.stderr, "thucongvu: "+w)
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(c.stdout, "source %s (%s)\n", r.Source, r.Domain)
	if r.Via != "" {
		fmt.Fprintf(c.stdout, "via      %s\n", r.Via)
	}
	if r.ConfirmNeeded {
		fmt.Fprintf(c.stdout, "confirm  %s: outside %s, from unauthenticated DNS; check with agency IT (account add --accept-server HOST)\n",
			strings.Join(r.ConfirmHosts, ", "), r.Domain)
	}
	line := func(label string, s discover.Server) {
		fmt.Fprintf(c.stdout, "%-8s %s %s user=%s\n", label,
			net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), s.Security, s.Username)
	}
	line("imap", r.IMAP)
	line("smtp", r.SMTP)
	for _, s := range r.IMAPAlternatives {
		line("imap alt", s)
	}
	for _, s := range r.SMTPAlternatives {
		line("smtp alt", s)
	}
	return nil
}
