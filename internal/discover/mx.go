package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// fromMX answers for domains whose mail is hosted elsewhere: the best MX
// host's registered domain (MX mx1.mail.example.vn → example.vn) is asked
// for autoconfig, then guessed, exactly as the address's own domain is.
// An MX in the address's own registered domain adds nothing and fails.
func (f *finder) fromMX(ctx context.Context, a address) (Result, error) {
	mxs, err := f.resolver.LookupMX(ctx, a.domain)
	if err != nil && len(mxs) == 0 {
		return Result{}, err
	}
	slices.SortStableFunc(mxs, func(x, y *net.MX) int { return int(x.Pref) - int(y.Pref) })
	own, _ := publicsuffix.EffectiveTLDPlusOne(a.domain)
	var domain, via string
	for _, mx := range mxs {
		host := strings.ToLower(strings.TrimSuffix(mx.Host, "."))
		if host == "" || !validHost(host) { // "." is a null MX (RFC 7505): no mail at all
			continue
		}
		reg, err := publicsuffix.EffectiveTLDPlusOne(host)
		if err == nil && reg != a.domain && reg != own {
			domain, via = reg, "MX "+host+" of "+a.domain
			break
		}
	}
	if domain == "" {
		return Result{}, errors.New("no MX host outside the address's own domain")
	}
	r, err := firstInOrder(ctx, []attempt[Result]{
		{"autoconfig", func(ctx context.Context) (Result, error) { return f.fromAutoconfig(ctx, a, domain, SourceMX) }},
		{"guess", func(ctx context.Context) (Result, error) { return f.fromGuess(ctx, a, domain, SourceMX) }},
	})
	if err != nil {
		return Result{}, fmt.Errorf("MX domain %s: %w", domain, err)
	}
	r.Via = via
	return r, nil
}
