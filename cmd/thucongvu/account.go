package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"time"

	"thucongvu/internal/discover"
	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
)

func cmdAccount(c *cli, args []string) error {
	if len(args) == 0 {
		return usageErr("account add|list|remove")
	}
	switch args[0] {
	case "add":
		return accountAdd(c, args[1:])
	case "list":
		return accountList(c, args[1:])
	case "remove":
		return accountRemove(c, args[1:])
	}
	return usageErr("account add|list|remove, not %q", args[0])
}

func (c *cli) openEngine() (*engine.Engine, error) {
	return engine.Open(c.home, secret.NewKeyring())
}

// engineAccounts opens the engine and the named accounts (all when none).
func (c *cli) engineAccounts(names []string) (*engine.Engine, []model.Account, error) {
	e, err := c.openEngine()
	if err != nil {
		return nil, nil, err
	}
	accounts, err := e.Accounts(names...)
	if err != nil {
		e.Close()
		return nil, nil, err
	}
	return e, accounts, nil
}

func accountAdd(c *cli, args []string) error {
	fs := newFlags("account add")
	email := fs.String("email", "", "e-mail address")
	imapAddr := fs.String("imap", "", "IMAP HOST:PORT")
	smtpAddr := fs.String("smtp", "", "SMTP HOST:PORT")
	tlsMode := fs.String("tls", "implicit", "implicit|starttls|none")
	username := fs.String("username", "", "login name (default: the e-mail address)")
	profileID := fs.String("profile", "", "rule profile")
	shared := fs.Bool("shared", false, "the agency's shared mailbox")
	trust := fs.String("trust-cert", "", "SHA-256 of a server certificate to trust explicitly")
	var accept multiFlag
	fs.Var(&accept, "accept-server", "a discovered server outside the address's domain, confirmed (repeatable)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *email == "" {
		return usageErr("account add NAME --email E [--imap HOST:PORT --smtp HOST:PORT] [--tls implicit|starttls|none] [--accept-server HOST] --password-stdin")
	}
	if !*pwStdin {
		return usageErr("the password is read only from standard input (--password-stdin), never from the command line")
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	// What machine policy sets need not be typed; what is typed must agree
	// with what it locks.
	pol := e.Policy.Effective(model.Account{Email: strings.ToLower(*email)})
	if (*imapAddr == "" && pol.IMAP.Host == "") || (*smtpAddr == "" && pol.SMTP.Host == "") {
		if err := discoverServers(c, *email, *imapAddr == "", *smtpAddr == "", accept, &pol, username); err != nil {
			return err
		}
	}
	imapSrv, err := serverArg("imap", *imapAddr, *tlsMode, given["tls"], pol.IMAP)
	if err != nil {
		return err
	}
	smtpSrv, err := serverArg("smtp", *smtpAddr, *tlsMode, given["tls"], pol.SMTP)
	if err != nil {
		return err
	}
	if *profileID == "" {
		*profileID = pol.Profile
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usageErr("no password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	a := model.Account{
		Name: pos[0], Email: strings.ToLower(*email), Username: *username, IMAP: imapSrv, SMTP: smtpSrv,
		Profile: *profileID, Shared: *shared, TrustedCertSHA256: *trust,
	}
	if a.Username == "" {
		a.Username = a.Email
	}
	if err := e.CheckUnlocked(e.Policy.Effective(a), a); err != nil {
		return err
	}
	if err := e.AddAccount(context.Background(), a, password); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "account %s added (%s)\n", a.Name, a.Email)
	for _, advice := range engine.PasswordAdvice(a, password, time.Now()) {
		fmt.Fprintln(c.stderr, "  ! "+advice)
	}
	return nil
}

// discoverOptions is what account add discovers with; tests replace it.
var discoverOptions = func() *discover.Options { return nil }

// discoverServers fills the servers not given (nor set by policy) from
// discovery. A server that unauthenticated DNS names outside the address's
// domain is refused unless --accept-server names it: the password would go
// to whoever answers DNS (RFC 6186 §6).
func discoverServers(c *cli, email string, imap, smtp bool, accepted []string, pol *model.Account, username *string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	r, err := discover.Discover(ctx, email, discoverOptions())
	if err != nil {
		return err
	}
	var used []string
	if imap && pol.IMAP.Host == "" {
		pol.IMAP, used = r.IMAP.Server, append(used, r.IMAP.Host)
	}
	if smtp && pol.SMTP.Host == "" {
		pol.SMTP, used = r.SMTP.Server, append(used, r.SMTP.Host)
	}
	var refuse []string
	for _, h := range r.Unconfirmed(accepted) {
		if slices.Contains(used, h) && !slices.Contains(refuse, h) {
			refuse = append(refuse, h)
		}
	}
	if len(refuse) > 0 {
		return fmt.Errorf("%w: %s found through %s (%s) is outside %s's domain and DNS is not authenticated; "+
			"check it with agency IT, then add --accept-server %s", failure.ErrBlocked,
			strings.Join(refuse, ", "), r.Source, r.Via, email, strings.Join(refuse, " --accept-server "))
	}
	if *username == "" {
		*username = r.IMAP.Username
	}
	fmt.Fprintf(c.stderr, "imap %s:%d %s, smtp %s:%d %s (%s)\n", pol.IMAP.Host, pol.IMAP.Port, pol.IMAP.Security,
		pol.SMTP.Host, pol.SMTP.Port, pol.SMTP.Security, r.Source)
	return nil
}

// serverArg is the server of --imap or --smtp; machine policy's host, port
// and TLS fill what was not given.
func serverArg(name, addr, mode string, modeGiven bool, pol model.Server) (model.Server, error) {
	if addr == "" {
		if pol.Host == "" || pol.Port == 0 {
			return model.Server{}, usageErr("account add: --%s HOST:PORT is missing", name)
		}
		addr = net.JoinHostPort(pol.Host, strconv.Itoa(pol.Port))
	}
	if !modeGiven && pol.Security != "" {
		mode = string(pol.Security)
	}
	return parseServer(addr, mode)
}

func parseServer(addr, mode string) (model.Server, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return model.Server{}, usageErr("server %q is not HOST:PORT", addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return model.Server{}, usageErr("port %q is not a number", portText)
	}
	return model.Server{Host: host, Port: port, Security: model.Security(mode)}, nil
}

func accountList(c *cli, args []string) error {
	fs := newFlags("account list")
	asJSON := fs.Bool("json", false, "JSON output")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	accounts := e.Config.Accounts
	if *asJSON {
		if accounts == nil {
			accounts = []model.Account{}
		}
		return writeJSON(c, accounts)
	}
	for _, a := range accounts {
		kind := "cá nhân"
		if a.Shared {
			kind = "cơ quan"
		}
		fmt.Fprintf(c.stdout, "%s\t%s\t%s:%d\t%s:%d\t%s\n", a.Name, a.Email, a.IMAP.Host, a.IMAP.Port, a.SMTP.Host, a.SMTP.Port, kind)
	}
	return nil
}

func accountRemove(c *cli, args []string) error {
	pos, err := parseFlags(newFlags("account remove"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("account remove NAME")
	}
	e, err := c.openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	return e.RemoveAccount(context.Background(), pos[0])
}

func writeJSON(c *cli, v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
