package profile

import "strings"

// ForDomain returns the profile whose mail domain is domain or a parent of
// it (hanam.gov.vn and stttt.hanam.gov.vn → hanam), else the generic one.
func ForDomain(domain string) Profile {
	d := normDomain(domain)
	for _, p := range All() {
		for _, own := range p.Domains.Value {
			if d == own || strings.HasSuffix(d, "."+own) {
				return p
			}
		}
	}
	p, _ := ByID("generic")
	return p
}

// ForAddress is ForDomain for the domain of an e-mail address.
func ForAddress(addr string) Profile {
	_, d, _ := strings.Cut(addr, "@")
	return ForDomain(d)
}

// MatchDomain reports whether domain matches pattern: "*.gov.vn" matches
// gov.vn and every subdomain of it; "yahoo.*" matches yahoo followed by any
// suffix (yahoo.com, yahoo.com.vn) and its subdomains; anything else matches
// itself and its subdomains. Case and a trailing dot are ignored.
func MatchDomain(pattern, domain string) bool {
	p, d := normDomain(pattern), normDomain(domain)
	if p == "" || d == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(p, "*."); ok {
		p = rest
	}
	if label, ok := strings.CutSuffix(p, ".*"); ok {
		labels := strings.Split(d, ".")
		for i := 0; i < len(labels)-1; i++ {
			if labels[i] == label {
				return true
			}
		}
		return false
	}
	return d == p || strings.HasSuffix(d, "."+p)
}

// IsForeignWebmail reports whether domain is a foreign webmail service (R7)
// under p, and the level at which p treats it.
func (p Profile) IsForeignWebmail(domain string) (bool, Level) {
	for _, pat := range p.ForeignWebmail.Domains.Value {
		if MatchDomain(pat, domain) {
			return true, p.ForeignWebmail.Level.Value
		}
	}
	return false, Off
}

// IsTrusted reports whether domain belongs to a state agency under p (R9).
func (p Profile) IsTrusted(domain string) bool {
	for _, pat := range p.Document.TrustedDomains.Value {
		if MatchDomain(pat, domain) {
			return true
		}
	}
	return false
}

func normDomain(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}
