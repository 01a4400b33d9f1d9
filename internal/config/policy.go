package config

// Machine policy: the settings agency IT sets for every user of a computer,
// through Group Policy (Windows registry, HKLM\SOFTWARE\Policies\ThuCongVu,
// from the ADMX templates or the MSI's silent preset) or a JSON file
// (/etc/thucongvu/policy.json elsewhere). Policy wins over the user's
// settings, and the UI shows the fields it sets as locked.
//
// PolicyKeys is the one table of keys: the ADMX and ADML templates and the
// MSI's public properties (packaging/windows) are kept in step with it by
// packaging/packaging_test.go.

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// PolicyEnv overrides where LoadPolicy reads the JSON policy file (Linux and
// other non-Windows systems); the tests use it.
const PolicyEnv = "THUCONGVU_POLICY"

// PolicyRegistryKey is the policy key under HKEY_LOCAL_MACHINE on Windows.
const PolicyRegistryKey = `SOFTWARE\Policies\ThuCongVu`

// PolicyKind is how a policy value is written and checked.
type PolicyKind int

const (
	PolicyString    PolicyKind = iota // one line of text (REG_SZ)
	PolicyText                        // several lines (REG_MULTI_SZ or REG_SZ)
	PolicyPort                        // 1–65535 (REG_DWORD or digits)
	PolicyBool                        // 0 or 1 (REG_DWORD or "0"/"1"/"true"/"false")
	PolicySecurity                    // implicit or starttls
	PolicyTimes                       // "HH:MM,HH:MM,…"
	PolicyChoice                      // one of PolicyKey.Choices
	PolicyPEM                         // PEM text, or the path of a PEM file
	PolicyCount                       // 1–100000 (REG_DWORD or digits)
	PolicyAddresses                   // "Name <addr>" entries: lines (REG_MULTI_SZ) or ';'-separated
)

// PolicyKey is one machine-policy value and the setting it locks.
type PolicyKey struct {
	// Name is the registry value name and the JSON key. The MSI public
	// property is MSIProperty() (the name in capitals).
	Name string
	// Settings are the settings this key sets and locks (account fields
	// such as "imap.host", or client-wide ones such as "ack.template").
	Settings []string
	Kind     PolicyKind
	// Choices are the accepted values of a PolicyChoice key.
	Choices []string
	field   func(*Policy) any
}

// MSIProperty is the MSI public property that presets the key at a silent
// install (msiexec /i thucongvu.msi IMAPHOST=…).
func (k PolicyKey) MSIProperty() string { return strings.ToUpper(k.Name) }

// Settings names used in PolicyKey.Settings and (*Policy).Locked.
const (
	SettingDomain            = "domain"
	SettingIMAPHost          = "imap.host"
	SettingIMAPPort          = "imap.port"
	SettingIMAPSecurity      = "imap.security"
	SettingSMTPHost          = "smtp.host"
	SettingSMTPPort          = "smtp.port"
	SettingSMTPSecurity      = "smtp.security"
	SettingProfile           = "profile"
	SettingCheckTimes        = "check_times"
	SettingAckTemplate       = "ack.template"
	SettingAckTemplateLocked = "ack.template_locked"
	SettingAutoAck           = "ack.auto"
	SettingAckMaxPerHour     = "ack.max_per_hour"
	SettingConverter         = "converter"
	SettingTrustedCA         = "trusted_ca"
	SettingSigAgency         = "signature.agency"
	SettingSigAddress        = "signature.address"
	SettingSigPhone          = "signature.phone"
	SettingSigFax            = "signature.fax"
	SettingSigWebsite        = "signature.website"
	SettingSignatureRoots    = "docsign.roots_dir"
	SettingPKCS11Module      = "docsign.pkcs11_module"
	SettingSignatureOnline   = "docsign.online_revocation"
	SettingDepartments       = "departments"
	SettingSignImage         = "docsign.image"
	SettingSignSeal          = "docsign.seal"
	SettingSignTSA           = "docsign.tsa"
)

// PolicyKeys is the one table of machine-policy keys.
var PolicyKeys = []PolicyKey{
	{Name: "Domain", Settings: []string{SettingDomain}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Domain }},
	{Name: "IMAPHost", Settings: []string{SettingIMAPHost}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.IMAP.Host }},
	{Name: "IMAPPort", Settings: []string{SettingIMAPPort}, Kind: PolicyPort,
		field: func(p *Policy) any { return &p.IMAP.Port }},
	{Name: "SMTPHost", Settings: []string{SettingSMTPHost}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.SMTP.Host }},
	{Name: "SMTPPort", Settings: []string{SettingSMTPPort}, Kind: PolicyPort,
		field: func(p *Policy) any { return &p.SMTP.Port }},
	// TLS sets both servers; IMAPTLS and SMTPTLS override it for one
	// (the usual pair is IMAPS 993 with submission 587 STARTTLS).
	{Name: "TLS", Settings: []string{SettingIMAPSecurity, SettingSMTPSecurity}, Kind: PolicySecurity,
		field: func(p *Policy) any { return &p.TLS }},
	{Name: "IMAPTLS", Settings: []string{SettingIMAPSecurity}, Kind: PolicySecurity,
		field: func(p *Policy) any { return &p.IMAP.Security }},
	{Name: "SMTPTLS", Settings: []string{SettingSMTPSecurity}, Kind: PolicySecurity,
		field: func(p *Policy) any { return &p.SMTP.Security }},
	{Name: "Profile", Settings: []string{SettingProfile}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Profile }},
	// R1: the agency's own check times, e.g. "07:30,13:30".
	{Name: "CheckTimes", Settings: []string{SettingCheckTimes}, Kind: PolicyTimes,
		field: func(p *Policy) any { return &p.CheckTimes }},
	// R2, LA 6.2: the acknowledgement text, and whether users may change it.
	{Name: "AckTemplate", Settings: []string{SettingAckTemplate}, Kind: PolicyText,
		field: func(p *Policy) any { return &p.AckTemplate }},
	{Name: "AckTemplateLocked", Settings: []string{SettingAckTemplateLocked}, Kind: PolicyBool,
		field: func(p *Policy) any { return &p.AckTemplateLocked }},
	{Name: "AutoAckDisabled", Settings: []string{SettingAutoAck}, Kind: PolicyBool,
		field: func(p *Policy) any { return &p.AutoAckDisabled }},
	// R2: the most acknowledgements an account sends in an hour.
	{Name: "AckMaxPerHour", Settings: []string{SettingAckMaxPerHour}, Kind: PolicyCount,
		field: func(p *Policy) any { return &p.AckMaxPerHour }},
	// R4, LA 8.3: which office converter makes the PDFs ("" = automatic).
	{Name: "Converter", Settings: []string{SettingConverter}, Kind: PolicyChoice,
		Choices: []string{"auto", "libreoffice", "msoffice"},
		field:   func(p *Policy) any { return &p.Converter }},
	{Name: "TrustedCACert", Settings: []string{SettingTrustedCA}, Kind: PolicyPEM,
		field: func(p *Policy) any { return &p.TrustedCACert }},
	// R3, LA 14.7 / LA 8.4: the agency's part of the mandatory signature.
	{Name: "AgencyName", Settings: []string{SettingSigAgency}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Signature.Agency }},
	{Name: "AgencyAddress", Settings: []string{SettingSigAddress}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Signature.Address }},
	{Name: "AgencyPhone", Settings: []string{SettingSigPhone}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Signature.Phone }},
	{Name: "AgencyFax", Settings: []string{SettingSigFax}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Signature.Fax }},
	{Name: "AgencyWebsite", Settings: []string{SettingSigWebsite}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.Signature.Website }},
	// R4, Decree 30/2020 art. 21.2: the folder of root certificates that
	// signatures on received PDFs must chain to (PEM or DER files).
	{Name: "SignatureRootsDir", Settings: []string{SettingSignatureRoots}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.SignatureRootsDir }},
	// R4: the PKCS#11 module of the signing tokens (a .so or .dll path).
	{Name: "PKCS11Module", Settings: []string{SettingPKCS11Module}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.PKCS11Module }},
	// R4: ask OCSP responders online when a PDF embeds no revocation data.
	{Name: "SignatureOnlineRevocation", Settings: []string{SettingSignatureOnline}, Kind: PolicyBool,
		field: func(p *Policy) any { return &p.SignatureOnlineRevocation }},
	// R8, LA 15.2: the departments a document is forwarded to for processing.
	{Name: "Departments", Settings: []string{SettingDepartments}, Kind: PolicyAddresses,
		field: func(p *Policy) any { return &p.Departments }},
	// R4, Decree 30/2020 Appendix I: the pictures on signed PDFs (PNG
	// paths), set and locked for every account of the computer.
	{Name: "SignatureImage", Settings: []string{SettingSignImage}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.SignImages.Image }},
	{Name: "SignatureSeal", Settings: []string{SettingSignSeal}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.SignImages.Seal }},
	// R4: the timestamp authority that makes signatures PAdES B-T.
	{Name: "SignatureTSA", Settings: []string{SettingSignTSA}, Kind: PolicyString,
		field: func(p *Policy) any { return &p.SignatureTSA }},
}

// Policy is the machine policy in force. The zero value (no policy) locks
// nothing.
type Policy struct {
	// Source says where the policy was read ("" when there is none).
	Source string
	// Domain is the agency's mail domain: server settings apply only to
	// accounts at this domain (all accounts when empty), and the setup
	// wizard proposes it.
	Domain string
	// IMAP and SMTP hold the preset servers; zero fields are not set.
	IMAP, SMTP model.Server
	// TLS is the security of both servers unless IMAP/SMTP.Security is set.
	TLS               model.Security
	Profile           string
	CheckTimes        []string // "HH:MM", ascending
	AckTemplate       string
	AckTemplateLocked bool
	AutoAckDisabled   bool
	AckMaxPerHour     int    // 0: the default (ack.DefaultMaxPerHour)
	Converter         string // "auto", "libreoffice", "msoffice"
	// TrustedCACert is PEM text; a path given in the policy is read at load.
	TrustedCACert string
	// Signature holds the agency fields: Agency, Address, Phone, Fax, Website.
	Signature model.Signature
	// SignatureRootsDir is the folder of trusted roots for PDF signatures.
	SignatureRootsDir string
	// PKCS11Module is the path of the signing tokens' PKCS#11 module.
	PKCS11Module string
	// SignatureOnlineRevocation allows online OCSP checks of signatures.
	SignatureOnlineRevocation bool
	// Departments are the agency's departments that "Chuyển xử lý" and
	// `process --to` offer by name (R8).
	Departments []model.Address
	// SignImages are the signature image and seal of every account.
	SignImages model.SignImages
	// SignatureTSA is the URL of the timestamp authority for signing.
	SignatureTSA string
	// Problems lists values that were present but invalid, and unknown
	// keys; such values are ignored (for `doctor` and the log).
	Problems []string

	set map[string]bool // key names present and valid
}

// Keys lists the keys the policy sets, in PolicyKeys order.
func (p *Policy) Keys() []string {
	var out []string
	for _, k := range PolicyKeys {
		if p.Has(k.Name) {
			out = append(out, k.Name)
		}
	}
	return out
}

// Has reports whether the policy sets the key named name.
func (p *Policy) Has(name string) bool { return p != nil && p.set[name] }

// Locked reports whether the policy sets (and so locks) setting.
// The acknowledgement template is locked only with AckTemplateLocked.
func (p *Policy) Locked(setting string) bool {
	if p == nil {
		return false
	}
	if setting == SettingAckTemplate {
		return p.Has("AckTemplate") && p.AckTemplateLocked
	}
	for _, k := range PolicyKeys {
		if !p.set[k.Name] {
			continue
		}
		for _, s := range k.Settings {
			if s == setting {
				return true
			}
		}
	}
	return false
}

// accountField is one account field machine policy can set: apply writes
// the policy's value when it has one, copy takes the field from another
// account (to put the user's own value back before a save).
type accountField struct {
	setting string
	server  bool // applies only to accounts at the policy's Domain
	apply   func(p *Policy, a *model.Account) bool
	copy    func(dst, src *model.Account)
}

func setString(dst *string, v string) bool {
	if v == "" {
		return false
	}
	*dst = v
	return true
}

func setPort(dst *int, v int) bool {
	if v == 0 {
		return false
	}
	*dst = v
	return true
}

func setSecurity(dst *model.Security, v ...model.Security) bool {
	s := firstSecurity(v...)
	if s == "" {
		return false
	}
	*dst = s
	return true
}

// accountFields are the account fields machine policy sets and locks.
var accountFields = []accountField{
	{SettingIMAPHost, true, func(p *Policy, a *model.Account) bool { return setString(&a.IMAP.Host, p.IMAP.Host) },
		func(d, s *model.Account) { d.IMAP.Host = s.IMAP.Host }},
	{SettingIMAPPort, true, func(p *Policy, a *model.Account) bool { return setPort(&a.IMAP.Port, p.IMAP.Port) },
		func(d, s *model.Account) { d.IMAP.Port = s.IMAP.Port }},
	{SettingIMAPSecurity, true, func(p *Policy, a *model.Account) bool { return setSecurity(&a.IMAP.Security, p.IMAP.Security, p.TLS) },
		func(d, s *model.Account) { d.IMAP.Security = s.IMAP.Security }},
	{SettingSMTPHost, true, func(p *Policy, a *model.Account) bool { return setString(&a.SMTP.Host, p.SMTP.Host) },
		func(d, s *model.Account) { d.SMTP.Host = s.SMTP.Host }},
	{SettingSMTPPort, true, func(p *Policy, a *model.Account) bool { return setPort(&a.SMTP.Port, p.SMTP.Port) },
		func(d, s *model.Account) { d.SMTP.Port = s.SMTP.Port }},
	{SettingSMTPSecurity, true, func(p *Policy, a *model.Account) bool { return setSecurity(&a.SMTP.Security, p.SMTP.Security, p.TLS) },
		func(d, s *model.Account) { d.SMTP.Security = s.SMTP.Security }},
	{SettingProfile, true, func(p *Policy, a *model.Account) bool { return setString(&a.Profile, p.Profile) },
		func(d, s *model.Account) { d.Profile = s.Profile }},
	{SettingSigAgency, false, func(p *Policy, a *model.Account) bool { return setString(&a.Signature.Agency, p.Signature.Agency) },
		func(d, s *model.Account) { d.Signature.Agency = s.Signature.Agency }},
	{SettingSigAddress, false, func(p *Policy, a *model.Account) bool { return setString(&a.Signature.Address, p.Signature.Address) },
		func(d, s *model.Account) { d.Signature.Address = s.Signature.Address }},
	{SettingSigPhone, false, func(p *Policy, a *model.Account) bool { return setString(&a.Signature.Phone, p.Signature.Phone) },
		func(d, s *model.Account) { d.Signature.Phone = s.Signature.Phone }},
	{SettingSigFax, false, func(p *Policy, a *model.Account) bool { return setString(&a.Signature.Fax, p.Signature.Fax) },
		func(d, s *model.Account) { d.Signature.Fax = s.Signature.Fax }},
	{SettingSigWebsite, false, func(p *Policy, a *model.Account) bool { return setString(&a.Signature.Website, p.Signature.Website) },
		func(d, s *model.Account) { d.Signature.Website = s.Signature.Website }},
	{SettingSignImage, false, func(p *Policy, a *model.Account) bool { return setString(&a.SignImages.Image, p.SignImages.Image) },
		func(d, s *model.Account) { d.SignImages.Image = s.SignImages.Image }},
	{SettingSignSeal, false, func(p *Policy, a *model.Account) bool { return setString(&a.SignImages.Seal, p.SignImages.Seal) },
		func(d, s *model.Account) { d.SignImages.Seal = s.SignImages.Seal }},
}

// Apply writes the policy's server, profile and signature values into a and
// returns the settings it locked there, sorted. Server values apply only when
// a's address is at the policy's Domain (or no Domain is set), so a second,
// private account is left alone; the signature fields always apply.
// Apply is for an effective view: the user's files keep their own values
// (Config.SetPolicy, Config.Save).
func (p *Policy) Apply(a *model.Account) []string {
	if p == nil || a == nil {
		return nil
	}
	var locked []string
	domain := p.AppliesTo(a.Email)
	for _, f := range accountFields {
		if (!f.server || domain) && f.apply(p, a) {
			locked = append(locked, f.setting)
		}
	}
	sort.Strings(locked)
	return locked
}

// Effective returns a copy of the user's account a with the policy over it.
func (p *Policy) Effective(a model.Account) model.Account {
	a.AckTemplates = maps.Clone(a.AckTemplates)
	p.Apply(&a)
	return a
}

// Refused lists the settings that the policy locks in eff (an account in
// effect) and that want sets to another value: a user cannot set them. An
// empty field of want sets nothing. For a new account, eff is Effective(want).
func (p *Policy) Refused(eff, want model.Account) []string {
	var out []string
	locked := p.Apply(&model.Account{Email: eff.Email})
	for _, f := range accountFields {
		u, zero := eff, model.Account{}
		f.copy(&u, &want)
		f.copy(&zero, &want)
		if slices.Contains(locked, f.setting) && !reflect.DeepEqual(u, eff) && !reflect.DeepEqual(zero, model.Account{}) {
			out = append(out, f.setting)
		}
	}
	return out
}

// userValues is eff (an effective account, maybe changed by the user) with
// every field the policy locks taken back from own, the user's stored values.
func (p *Policy) userValues(eff, own model.Account) model.Account {
	if p == nil {
		return eff
	}
	locked := p.Apply(&model.Account{Email: own.Email})
	for _, f := range accountFields {
		if slices.Contains(locked, f.setting) {
			f.copy(&eff, &own)
		}
	}
	return eff
}

// AppliesTo reports whether the server settings of the policy apply to the
// account with this e-mail address.
func (p *Policy) AppliesTo(email string) bool {
	if p == nil {
		return false
	}
	if p.Domain == "" {
		return true
	}
	at := strings.LastIndexByte(email, '@')
	return at >= 0 && strings.EqualFold(email[at+1:], p.Domain)
}

func firstSecurity(s ...model.Security) model.Security {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

var timeRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):[0-5][0-9]$`)

// policyFromValues builds a policy from raw values by key name (matched
// without regard to case, as the registry does). Invalid values and unknown
// keys go to Problems and are ignored.
func policyFromValues(source string, values map[string]string) *Policy {
	p := &Policy{Source: source, set: map[string]bool{}}
	byName := map[string]PolicyKey{}
	for _, k := range PolicyKeys {
		byName[strings.ToLower(k.Name)] = k
	}
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		k, ok := byName[strings.ToLower(n)]
		if !ok {
			p.Problems = append(p.Problems, fmt.Sprintf("unknown policy key %q", n))
			continue
		}
		raw := vntext.NFC(strings.TrimSpace(values[n]))
		if raw == "" {
			continue // an empty value means "not set", as an unset MSI property
		}
		if err := k.decode(p, raw); err != nil {
			p.Problems = append(p.Problems, fmt.Sprintf("policy %s: %v", k.Name, err))
			continue
		}
		p.set[k.Name] = true
	}
	return p
}

func (k PolicyKey) decode(p *Policy, raw string) error {
	dst := k.field(p)
	switch k.Kind {
	case PolicyString:
		if strings.ContainsAny(raw, "\r\n") {
			return fmt.Errorf("must be one line")
		}
		*dst.(*string) = raw
	case PolicyText:
		*dst.(*string) = strings.ReplaceAll(raw, "\r\n", "\n")
	case PolicyPort:
		// "#993" is how an MSI carries a DWORD it read back (RegLocator raw).
		n, err := strconv.Atoi(strings.TrimPrefix(raw, "#"))
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q is not 1–65535", raw)
		}
		*dst.(*int) = n
	case PolicyCount:
		n, err := strconv.Atoi(strings.TrimPrefix(raw, "#"))
		if err != nil || n < 1 || n > 100000 {
			return fmt.Errorf("%q is not 1–100000", raw)
		}
		*dst.(*int) = n
	case PolicyBool:
		switch strings.ToLower(strings.TrimPrefix(raw, "#")) {
		case "1", "true", "yes":
			*dst.(*bool) = true
		case "0", "false", "no":
			*dst.(*bool) = false
		default:
			return fmt.Errorf("%q is not 0 or 1", raw)
		}
	case PolicySecurity:
		// Policy never turns TLS off: plaintext is for loopback tests only.
		switch s := model.Security(strings.ToLower(raw)); s {
		case model.SecurityImplicit, model.SecuritySTARTTLS:
			*dst.(*model.Security) = s
		default:
			return fmt.Errorf("%q is not implicit or starttls", raw)
		}
	case PolicyTimes:
		var times []string
		for _, t := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
			if !timeRE.MatchString(t) {
				return fmt.Errorf("%q is not HH:MM", t)
			}
			if len(t) == 4 {
				t = "0" + t
			}
			times = append(times, t)
		}
		sort.Strings(times)
		*dst.(*[]string) = times
	case PolicyChoice:
		v := strings.ToLower(raw)
		for _, c := range k.Choices {
			if v == c {
				*dst.(*string) = v
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", raw, strings.Join(k.Choices, ", "))
	case PolicyPEM:
		text := raw
		if !strings.Contains(raw, "-----BEGIN ") {
			b, err := os.ReadFile(raw)
			if err != nil {
				return fmt.Errorf("read the certificate: %w", err)
			}
			text = string(b)
		}
		if err := checkPEM([]byte(text)); err != nil {
			return err
		}
		*dst.(*string) = text
	case PolicyAddresses:
		list, err := parseDepartments(raw)
		if err != nil {
			return err
		}
		*dst.(*[]model.Address) = list
	default:
		return fmt.Errorf("unknown kind %d", k.Kind)
	}
	return nil
}

// maxDepartments bounds the department list a policy may hold.
const maxDepartments = 500

// parseDepartments reads "Name <addr>" entries, one a line or separated by
// ';' (a REG_SZ or an MSI property holds one line). Every entry needs a
// name, to be chosen by, and an address; names are unique, without regard
// to case and diacritics.
func parseDepartments(raw string) ([]model.Address, error) {
	var out []model.Address
	seen := map[string]bool{}
	for _, entry := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		if len(out) == maxDepartments {
			return nil, fmt.Errorf("more than %d departments", maxDepartments)
		}
		a, err := mail.ParseAddress(entry)
		if err != nil || a.Name == "" {
			return nil, fmt.Errorf("%q is not \"Name <address>\"", entry)
		}
		key := vntext.Fold(a.Name)
		if seen[key] {
			return nil, fmt.Errorf("department %q named twice", a.Name)
		}
		seen[key] = true
		out = append(out, model.Address{Name: vntext.NFC(a.Name), Address: strings.ToLower(a.Address)})
	}
	if len(out) == 0 {
		return nil, errors.New("no department")
	}
	return out, nil
}

// Department finds the policy's department named name, without regard to
// case and diacritics.
func (p *Policy) Department(name string) (model.Address, bool) {
	if p == nil {
		return model.Address{}, false
	}
	key := vntext.Fold(strings.TrimSpace(name))
	for _, d := range p.Departments {
		if vntext.Fold(d.Name) == key {
			return d, true
		}
	}
	return model.Address{}, false
}

// checkPEM accepts PEM text holding at least one certificate, all of which parse.
func checkPEM(b []byte) error {
	n := 0
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return fmt.Errorf("certificate %d: %w", n+1, err)
		}
		n++
	}
	if n == 0 {
		return errors.New("no PEM certificate")
	}
	return nil
}
