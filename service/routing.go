package service

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
)

// checkPortability asks every backend about every number, chunked to each
// provider's batch limit, with at most c.conc calls in flight per request.
// A failed chunk yields per-number results carrying the error status.
func (c *core) checkPortability(ctx context.Context, backends []*Backend, numbers []string) map[string]map[string]*pb.PortabilityResult {
	out := map[string]map[string]*pb.PortabilityResult{}
	var mu sync.Mutex
	sem := make(chan struct{}, c.conc)
	var wg sync.WaitGroup
	for _, b := range backends {
		name := b.Provider.Name()
		// Goroutines use dst, never out: the loop writes out while the
		// previous backend's goroutines run.
		dst := make(map[string]*pb.PortabilityResult, len(numbers))
		out[name] = dst
		limit := b.capabilities().PortabilityBatchLimit
		if limit <= 0 {
			limit = len(numbers)
		}
		for start := 0; start < len(numbers); start += limit {
			chunk := numbers[start:min(start+limit, len(numbers))]
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
					defer func() { <-sem }()
				case <-ctx.Done():
					c.fillErrors(&mu, dst, name, chunk, ctx.Err())
					return
				}
				var res []providers.PortabilityResult
				var err error
				if !b.capabilities().Supports(providers.OpCheckPortability) {
					err = providers.CapabilityMissing(name, providers.OpCheckPortability)
				} else {
					res, err = b.Provider.CheckPortability(ctx, chunk)
				}
				if err != nil {
					c.fillErrors(&mu, dst, name, chunk, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, r := range res {
					dst[r.PhoneNumber] = &pb.PortabilityResult{
						PhoneNumber: r.PhoneNumber, Provider: providerName(name), Portable: r.Portable,
						FastPortable: r.FastPortable, Reason: r.Reason, Carrier: r.Carrier,
					}
				}
				for _, n := range chunk { // a provider that skipped a number
					if _, ok := dst[n]; !ok {
						dst[n] = &pb.PortabilityResult{PhoneNumber: n, Provider: providerName(name),
							Error: status.Convert(toStatus(name, providers.Errorf(name, providers.CodeBadResponse, "no verdict for %s", n), "", "")).Proto()}
					}
				}
			}()
		}
	}
	wg.Wait()
	return out
}

func (c *core) fillErrors(mu *sync.Mutex, dst map[string]*pb.PortabilityResult, name string, chunk []string, err error) {
	st := status.Convert(toStatus(name, err, "", "")).Proto()
	mu.Lock()
	defer mu.Unlock()
	for _, n := range chunk {
		dst[n] = &pb.PortabilityResult{PhoneNumber: n, Provider: providerName(name), Error: st}
	}
}

// recommend picks the provider for a set of numbers: it must port all of them;
// then fast-portable beats slow, a healthy provider beats a degraded one, and
// configured preference order breaks ties. With no provider it returns ""
// and, per provider, why not (for NO_PROVIDER_CAN_PORT's PreconditionFailure).
func (c *core) recommend(backends []*Backend, verdicts map[string]map[string]*pb.PortabilityResult, numbers []string) (string, string, []*errdetails.PreconditionFailure_Violation) {
	type cand struct {
		b        *Backend
		fast     bool
		health   pb.Provider_Health
		position int
	}
	var best *cand
	var why []string
	var refusals []*errdetails.PreconditionFailure_Violation
	for i, b := range backends {
		name := b.Provider.Name()
		ok, fast := true, true
		for _, n := range numbers {
			r := verdicts[name][n]
			switch {
			case r == nil || r.Error != nil:
				ok = false
				why = append(why, name+" did not answer")
				refusals = append(refusals, &errdetails.PreconditionFailure_Violation{Type: "NO_PORTABILITY_VERDICT",
					Subject: providerName(name), Description: "no portability verdict for " + n})
			case !r.Portable:
				ok = false
				why = append(why, fmt.Sprintf("%s cannot port %s (%s)", name, n, r.Reason))
				refusals = append(refusals, &errdetails.PreconditionFailure_Violation{Type: "NOT_PORTABLE",
					Subject: providerName(name), Description: fmt.Sprintf("%s: %s", n, r.Reason)})
			case !r.FastPortable:
				fast = false
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		h, _ := c.health(b)
		cd := &cand{b: b, fast: fast, health: h, position: i}
		if best == nil || better(cd.fast, cd.health, best.fast, best.health) {
			best = cd
		}
	}
	if best == nil {
		return "", "no configured provider can port it: " + strings.Join(dedupe(why), "; "), refusals
	}
	reasons := []string{"portable"}
	if best.fast {
		reasons = append(reasons, "fast-portable")
	}
	if best.health == pb.Provider_SERVING {
		reasons = append(reasons, "healthy")
	}
	if best.position == 0 {
		reasons = append(reasons, "preferred")
	}
	return providerName(best.b.Provider.Name()), strings.Join(reasons, ", ") + " at " + best.b.Provider.Name(), nil
}

func better(fast bool, h pb.Provider_Health, bestFast bool, bestH pb.Provider_Health) bool {
	if fast != bestFast {
		return fast
	}
	return healthRank(h) < healthRank(bestH)
}

func healthRank(h pb.Provider_Health) int {
	switch h {
	case pb.Provider_SERVING:
		return 0
	case pb.Provider_DEGRADED:
		return 1
	}
	return 2
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// route chooses the provider for a providers/- create.
func (c *core) route(ctx context.Context, numbers []string) (*Backend, *pb.RoutingDecision, error) {
	backends, _ := c.targets("parent", AllProviders)
	verdicts := c.checkPortability(ctx, backends, numbers)
	prov, reason, refusals := c.recommend(backends, verdicts, numbers)
	if prov == "" {
		return nil, nil, gatewayError(codes.FailedPrecondition, ReasonNoProvider, reason, nil,
			&errdetails.PreconditionFailure{Violations: refusals})
	}
	return c.backends[strings.TrimPrefix(prov, "providers/")], &pb.RoutingDecision{Provider: prov, Reason: reason}, nil
}
