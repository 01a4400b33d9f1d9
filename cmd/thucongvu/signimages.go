package main

import (
	"fmt"
	"strings"

	"thucongvu/internal/config"
	"thucongvu/internal/model"
)

const signImagesUsage = "sign-images NAME [--set image=PNG] [--set seal=PNG] [--json]"

// cmdSignImages is `thucongvu sign-images NAME [--set image=PNG] [--set
// seal=PNG] [--json]`: the pictures the account's digital signatures show
// (R4, Decree 30/2020 Appendix I), the signer's signature and the agency's
// seal. An empty PATH clears one; a field machine policy sets (SignatureImage,
// SignatureSeal) is refused with exit 3.
func cmdSignImages(c *cli, args []string) error {
	fs := newFlags("sign-images")
	var sets multiFlag
	fs.Var(&sets, "set", "image=PNG or seal=PNG")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(signImagesUsage)
	}
	cfg, err := loadConfigWithPolicy(c)
	if err != nil {
		return err
	}
	if _, err := cfg.Account(pos[0]); err != nil {
		return err
	}
	for _, s := range sets {
		field, path, ok := strings.Cut(s, "=")
		if !ok {
			return usageErr("--set takes image=PNG or seal=PNG, not %q", s)
		}
		if err := cfg.SetSignImage(pos[0], field, path); err != nil {
			return err
		}
	}
	a, _ := cfg.Account(pos[0])
	out := struct {
		model.SignImages
		Locked []string `json:"locked"`
	}{SignImages: a.SignImages, Locked: []string{}}
	for _, f := range []struct{ field, setting string }{
		{config.SignImageField, config.SettingSignImage}, {config.SignSealField, config.SettingSignSeal},
	} {
		if cfg.Locked(a.Name, f.setting) {
			out.Locked = append(out.Locked, f.field)
		}
	}
	if *asJSON {
		return writeJSON(c, out)
	}
	fmt.Fprintln(c.stdout, c.msg.T("sign_images.image", a.SignImages.Image))
	fmt.Fprintln(c.stdout, c.msg.T("sign_images.seal", a.SignImages.Seal))
	return nil
}

// loadConfigWithPolicy reads the accounts with machine policy over them.
func loadConfigWithPolicy(c *cli) (*config.Config, error) {
	cfg, err := config.Load(c.home)
	if err != nil {
		return nil, err
	}
	pol, err := config.LoadPolicy()
	if err != nil {
		return nil, err
	}
	cfg.SetPolicy(pol)
	return cfg, nil
}

// signingAccount is the account whose pictures `sign` uses: the named one,
// or the only one when none is named; ok is false when there is none.
func signingAccount(c *cli, name string) (a model.Account, ok bool, err error) {
	cfg, err := loadConfigWithPolicy(c)
	if err != nil {
		return a, false, err
	}
	if name != "" {
		acc, err := cfg.Account(name)
		if err != nil {
			return a, false, err
		}
		return *acc, true, nil
	}
	if len(cfg.Accounts) == 1 {
		return cfg.Accounts[0], true, nil
	}
	return a, false, nil
}
