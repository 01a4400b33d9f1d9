package main

import (
	"bufio"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"thucongvu/internal/config"
	"thucongvu/internal/docsign"
	"thucongvu/internal/failure"
)

// signResult is `thucongvu sign --json`.
type signResult struct {
	Out        string              `json:"out"`
	State      docsign.State       `json:"state"`
	Signatures []docsign.Signature `json:"signatures"`
}

// cmdSign is `thucongvu sign IN.pdf --out OUT.pdf --as signer|organization
// [--image PNG] [--tsa URL] [--pin-stdin] [--token LABEL] [--key LABEL]
// [--json]` (R4, LA 8.3: documents leave signed). The key is on the PKCS#11
// token of machine policy PKCS11Module; the PIN is asked each time and
// never stored. A wrong PIN is exit 4; a locked token, an expired or an
// untrusted certificate exit 3. OUT is written only on success.
func cmdSign(c *cli, args []string) error {
	fs := newFlags("sign")
	out := fs.String("out", "", "signed PDF to write")
	as := fs.String("as", docsign.AsSigner, "signer, organization or copy")
	image := fs.String("image", "", "signature image or seal (PNG)")
	tsa := fs.String("tsa", "", "timestamp authority URL (PAdES B-T)")
	pinStdin := fs.Bool("pin-stdin", false, "read the PIN from standard input")
	tokenLabel := fs.String("token", "", "token label")
	keyLabel := fs.String("key", "", "key label")
	account := fs.String("account", "", "account whose signature image or seal applies")
	asJSON := fs.Bool("json", false, "JSON output")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	const usage = "sign IN.pdf --out OUT.pdf --as signer|organization|copy [--image PNG] [--tsa URL] [--pin-stdin] [--token LABEL] [--key LABEL] [--account NAME] [--json]"
	if len(files) != 1 || *out == "" {
		return usageErr(usage)
	}
	switch *as {
	case docsign.AsSigner, docsign.AsOrganization, docsign.AsCopy:
	default:
		return usageErr(usage)
	}
	in, err := readBounded(files[0], docsign.MaxPDFSize)
	if err != nil {
		return fmt.Errorf("%w: %v", failure.ErrUnreadable, err)
	}
	// R4: the account's picture (sign-images, or machine policy, which
	// no --image overrides).
	if *image == "" {
		a, ok, err := signingAccount(c, *account)
		if err != nil {
			return err
		}
		if ok {
			*image = config.SignImageFor(a, *as)
		}
	} else if pol, _ := config.LoadPolicy(); *as != docsign.AsCopy && pol.Locked(signImageSetting(*as)) {
		return fmt.Errorf("%w: %s is set by agency IT (machine policy)", failure.ErrBlocked, signImageSetting(*as))
	}
	var img []byte
	if *image != "" {
		if img, err = config.ReadSignImage(*image); err != nil {
			return fmt.Errorf("%w: %v", failure.ErrUnreadable, err)
		}
	}
	pol, err := config.LoadPolicy()
	if err != nil {
		return err
	}
	if pol == nil {
		pol = &config.Policy{}
	}
	if pol.SignatureTSA != "" {
		// R4: the agency's timestamp authority, fixed by machine policy.
		if *tsa != "" && *tsa != pol.SignatureTSA {
			return fmt.Errorf("%w: %s is set by agency IT (machine policy)", failure.ErrBlocked, config.SettingSignTSA)
		}
		*tsa = pol.SignatureTSA
	}
	module := pol.PKCS11Module
	if module == "" {
		module = os.Getenv(docsign.ModuleEnv)
	}
	trust, _, err := c.signatureTrust()
	if err != nil {
		return err
	}
	var (
		key   crypto.Signer
		cert  *x509.Certificate
		chain []*x509.Certificate
	)
	if module == "" {
		// Windows: the user's certificate store, where tokens appear
		// through their minidrivers (which ask the PIN themselves).
		k, crt, ch, release, err := docsign.StoreKey(*keyLabel)
		if errors.Is(err, docsign.ErrNoModule) {
			return fmt.Errorf("%w: %s", failure.ErrBlocked, c.msg.T("sign.no_module"))
		}
		if err != nil {
			return c.signError(err)
		}
		defer release()
		key, cert, chain = k, crt, ch
	} else {
		pin, err := c.readPIN(*pinStdin)
		if err != nil {
			return err
		}
		token, err := docsign.OpenToken(module, *tokenLabel, pin)
		pin = ""
		if err != nil {
			return c.signError(err)
		}
		defer token.Close()
		tk, err := token.Key(*keyLabel)
		if err != nil {
			return c.signError(err)
		}
		candidates, _ := token.Certificates()
		key, cert, chain = tk, tk.Cert, docsign.ChainFor(tk.Cert, candidates, trust)
	}
	signed, err := docsign.Sign(in, key, cert, docsign.SignOptions{
		As: *as, Image: img, TSAURL: *tsa, Trust: trust, Chain: chain,
	})
	if err != nil {
		return c.signError(err)
	}
	if err := config.WriteFileAtomic(*out, signed, 0o644); err != nil {
		return err
	}
	rep := docsign.Verify(signed, trust, docsign.Options{})
	if *asJSON {
		return writeJSON(c, signResult{Out: *out, State: rep.State, Signatures: rep.Signatures})
	}
	for _, s := range rep.Signatures {
		fmt.Fprintln(c.stdout, c.describeSignature(s))
	}
	fmt.Fprintln(c.stdout, c.msg.T("sign.written", *out))
	return nil
}

// readPIN reads the PIN from standard input (one line) or from the
// terminal without echo. It is never stored.
func (c *cli) readPIN(fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", usageErr("sign: no PIN on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usageErr("sign: no terminal to ask the PIN; use --pin-stdin")
	}
	fmt.Fprint(c.stderr, c.msg.T("sign.pin_prompt"))
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(c.stderr)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// signError gives each token and certificate problem its own message and
// exit code.
func (c *cli) signError(err error) error {
	for _, m := range []struct {
		err   error
		class error
		key   string
	}{
		{docsign.ErrWrongPIN, failure.ErrAuth, "sign.wrong_pin"},
		{docsign.ErrTokenLocked, failure.ErrBlocked, "sign.locked"},
		{docsign.ErrCertExpired, failure.ErrBlocked, "sign.expired"},
		{docsign.ErrCertUntrusted, failure.ErrBlocked, "sign.untrusted"},
		{docsign.ErrNoToken, failure.ErrNotFound, "sign.no_token"},
		{docsign.ErrNoKey, failure.ErrNotFound, "sign.no_key"},
	} {
		if errors.Is(err, m.err) {
			return fmt.Errorf("%w: %s", m.class, c.msg.T(m.key))
		}
	}
	return err
}

// signImageSetting is the setting of the picture a role shows.
func signImageSetting(as string) string {
	if as == docsign.AsOrganization {
		return config.SettingSignSeal
	}
	return config.SettingSignImage
}
