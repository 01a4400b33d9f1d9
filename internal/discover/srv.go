package discover

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"

	"thucongvu/internal/model"
)

// srvService is one RFC 6186 / RFC 8314 service label.
type srvService struct {
	name     string // "imaps", "imap", "submissions", "submission"
	security model.Security
}

// RFC 6186 §3.1 (_imap, _imaps), §3.1 (_submission); RFC 8314 §5.1
// (_submissions). Plain IMAP and submission are used with STARTTLS only.
var (
	imapServices   = []srvService{{"imaps", model.SecurityImplicit}, {"imap", model.SecuritySTARTTLS}}
	submitServices = []srvService{{"submissions", model.SecurityImplicit}, {"submission", model.SecuritySTARTTLS}}
)

// srvTarget is one usable SRV record with the security of its service.
type srvTarget struct {
	rec      *net.SRV
	security model.Security
}

// fromSRV answers from SRV records. The user name is the full address, as
// RFC 6186 §4 says a client tries first.
func (f *finder) fromSRV(ctx context.Context, a address) (Result, error) {
	all := append(slices.Clone(imapServices), submitServices...)
	recs := make([][]*net.SRV, len(all))
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Go(func() {
			_, recs[i], errs[i] = f.resolver.LookupSRV(ctx, s.name, "tcp", a.domain)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	pick := func(services []srvService, recs [][]*net.SRV, errs []error) ([]Server, error) {
		var groups [][]srvTarget
		var why []string
		for i, s := range services {
			targets, err := offered(recs[i], errs[i])
			if err != nil {
				why = append(why, "_"+s.name+"._tcp: "+err.Error())
				continue
			}
			g := make([]srvTarget, len(targets))
			for j, t := range targets {
				g[j] = srvTarget{t, s.security}
			}
			groups = append(groups, g)
		}
		ordered := orderSRV(groups, f.rand)
		if len(ordered) == 0 {
			return nil, errors.New(strings.Join(why, "; "))
		}
		out := make([]Server, len(ordered))
		for i, t := range ordered {
			out[i] = a.server(t.rec.Target, int(t.rec.Port), t.security, "")
		}
		return out, nil
	}
	imap, err := pick(imapServices, recs[:2], errs[:2])
	if err != nil {
		return Result{}, fmt.Errorf("no IMAP service (%w)", err)
	}
	smtp, err := pick(submitServices, recs[2:], errs[2:])
	if err != nil {
		return Result{}, fmt.Errorf("no submission service (%w)", err)
	}
	return configResult(SourceSRV, a, imap, smtp), nil
}

// errNotOffered is a service whose only SRV target is "." (RFC 2782, RFC 6186 §3.4).
var errNotOffered = errors.New(`not offered (target ".")`)

// offered drops records with the target "." or port 0, and says why
// nothing is left.
func offered(recs []*net.SRV, err error) ([]*net.SRV, error) {
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, errors.New("no record")
		}
		return nil, err
	}
	var out []*net.SRV
	dot := false
	for _, r := range recs {
		if r.Target == "." || r.Target == "" {
			dot = true
			continue
		}
		if r.Port == 0 || !validHost(strings.TrimSuffix(r.Target, ".")) {
			continue
		}
		out = append(out, r)
	}
	switch {
	case len(out) > 0:
		return out, nil
	case dot:
		return nil, errNotOffered
	default:
		return nil, errors.New("no usable record")
	}
}

// orderSRV merges the targets of a protocol's services (implicit TLS
// first) and orders them: lowest priority first (RFC 2782, across services
// as RFC 6186 §3.4 allows), implicit TLS before STARTTLS at equal priority
// (RFC 8314 §5.1), then by weighted random selection within a priority and
// service (RFC 2782: weight 0 rarely chosen while others remain).
func orderSRV(groups [][]srvTarget, rnd *rand.Rand) []srvTarget {
	type key struct {
		prio    uint16
		service int
	}
	buckets := map[key][]srvTarget{}
	var keys []key
	for gi, g := range groups {
		for _, t := range g {
			k := key{t.rec.Priority, gi}
			if _, ok := buckets[k]; !ok {
				keys = append(keys, k)
			}
			buckets[k] = append(buckets[k], t)
		}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if x.prio != y.prio {
			return int(x.prio) - int(y.prio)
		}
		return x.service - y.service
	})
	var out []srvTarget
	for _, k := range keys {
		out = append(out, weighted(buckets[k], rnd)...)
	}
	return out
}

// weighted is the RFC 2782 selection: zero weights first, then repeatedly
// pick the first record whose running weight sum reaches a random number
// in [0, total].
func weighted(ts []srvTarget, rnd *rand.Rand) []srvTarget {
	rest := slices.Clone(ts)
	slices.SortStableFunc(rest, func(x, y srvTarget) int {
		return boolCmp(x.rec.Weight != 0, y.rec.Weight != 0)
	})
	out := make([]srvTarget, 0, len(rest))
	for len(rest) > 0 {
		total := 0
		for _, t := range rest {
			total += int(t.rec.Weight)
		}
		n := rnd.IntN(total + 1)
		sum := 0
		for i, t := range rest {
			sum += int(t.rec.Weight)
			if sum >= n {
				out = append(out, t)
				rest = slices.Delete(rest, i, i+1)
				break
			}
		}
	}
	return out
}
