package discover

import (
	"strings"

	"thucongvu/internal/model"
)

// Preset is the built-in setting of one of the mail systems named in R11.
type Preset struct {
	// Domain matches addresses at the domain and at any of its sub-domains
	// (e.g. sotttt.longan.gov.vn).
	Domain string
	// Host serves IMAPS on 993 and submission on 465 (implicit TLS), with
	// 143 and 587 STARTTLS as alternatives.
	Host string
	// Rule traces the preset to the regulation that names the system.
	Rule string
}

// Presets returns the built-in presets, one per mail system of R11.
func Presets() []Preset {
	return []Preset{
		{Domain: "longan.gov.vn", Host: "mail.longan.gov.vn", Rule: "R11, LA"},
		{Domain: "hanam.gov.vn", Host: "mail.hanam.gov.vn", Rule: "R11, HN"},
		{Domain: "soctrang.gov.vn", Host: "mail.soctrang.gov.vn", Rule: "R11, ST"},
		// R11, LĐ 5 names the domain and the protocols (IMAP4/POP3, SMTP) but
		// no host; mail.molisa.gov.vn follows the other four systems. An IT
		// file (isp/molisa.gov.vn.xml) overrides it if it is wrong.
		{Domain: "molisa.gov.vn", Host: "mail.molisa.gov.vn", Rule: "R11, LĐ 5"},
		{Domain: "binhduong.gov.vn", Host: "mail.binhduong.gov.vn", Rule: "R11, BD"},
	}
}

// fromPreset answers for addresses of the R11 mail systems without network.
// The user name is the full address, as the regulations write accounts
// (LA: abc@longan.gov.vn, BD: tênsửdụng@binhduong.gov.vn).
func fromPreset(a address) (Result, bool) {
	for _, p := range Presets() {
		if a.domain != p.Domain && !strings.HasSuffix(a.domain, "."+p.Domain) {
			continue
		}
		return Result{
			Source:           SourcePreset,
			Domain:           a.domain,
			IMAP:             a.server(p.Host, 993, model.SecurityImplicit, ""),
			SMTP:             a.server(p.Host, 465, model.SecurityImplicit, ""),
			IMAPAlternatives: []Server{a.server(p.Host, 143, model.SecuritySTARTTLS, "")},
			SMTPAlternatives: []Server{a.server(p.Host, 587, model.SecuritySTARTTLS, "")},
		}, true
	}
	return Result{}, false
}
