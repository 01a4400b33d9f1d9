package register

import (
	"fmt"
	"strings"

	gomail "github.com/emersion/go-message/mail"

	"thucongvu/internal/config"
	"thucongvu/internal/failure"
	"thucongvu/internal/model"
)

// Assignees resolves whom a document is forwarded to for processing (R8,
// LA 15.2): each item is a department of the machine policy, by its name
// (case and diacritics ignored), or an address, bare or "Name <addr>".
// An address named twice is kept once.
func Assignees(p *config.Policy, items []string) ([]model.Address, error) {
	var out []model.Address
	seen := map[string]bool{}
	for _, s := range items {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		a, ok := p.Department(s)
		if !ok {
			parsed, err := gomail.ParseAddress(s)
			if err != nil {
				return nil, fmt.Errorf("%w: %q is neither a department nor an address", failure.ErrUsage, s)
			}
			a = model.Address{Name: parsed.Name, Address: strings.ToLower(parsed.Address)}
		}
		if !seen[a.Address] {
			seen[a.Address] = true
			out = append(out, a)
		}
	}
	return out, nil
}
