package service

import (
	"context"
	"sort"
	"sync"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
)

// SearchAvailableNumbers searches one provider's inventory or, for
// providers/-, every provider's, merged: ordered by phone_number then
// provider and cut to quantity in total. On providers/- a provider that
// cannot express a requested filter is skipped (skipped_providers) and one
// that fails is listed in unreachable; on one provider both are errors.
func (s *NumbersServer) SearchAvailableNumbers(ctx context.Context, req *pb.SearchAvailableNumbersRequest) (*pb.SearchAvailableNumbersResponse, error) {
	prov, err := parseParent("parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	backends, err := s.c.targets("parent", prov)
	if err != nil {
		return nil, err
	}
	q := searchQueryFromProto(req)
	if q.AreaCode != "" && q.StartsWith != "" && !hasPrefix(q.StartsWith, q.AreaCode) {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"starts_with", "must begin with area_code " + q.AreaCode})
	}
	if prov != AllProviders {
		b := backends[0]
		if err := s.c.requireCapability(b, providers.OpSearchAvailableNumbers); err != nil {
			return nil, err
		}
		res, err := b.Provider.SearchAvailableNumbers(ctx, q)
		if err != nil {
			return nil, toStatus(prov, err, "", "")
		}
		resp := &pb.SearchAvailableNumbersResponse{}
		for _, n := range res {
			resp.AvailableNumbers = append(resp.AvailableNumbers, availableNumberToProto(prov, n))
		}
		return resp, nil
	}

	type outcome struct {
		name    string
		items   []*providers.AvailableNumber
		skipped []string
		skip    bool
		err     error
	}
	outs := make([]outcome, len(backends))
	var wg sync.WaitGroup
	for i, b := range backends {
		name := b.Provider.Name()
		outs[i].name = name
		if !b.capabilities().Supports(providers.OpSearchAvailableNumbers) {
			outs[i].skip = true
			continue
		}
		if bad := b.Provider.SearchSupport().Unsupported(q); len(bad) > 0 {
			outs[i].skip, outs[i].skipped = true, bad
			continue
		}
		wg.Add(1)
		go func(o *outcome, b *Backend) {
			defer wg.Done()
			o.items, o.err = b.Provider.SearchAvailableNumbers(ctx, q)
			// A refusal before any call (a filter combination the
			// adapter cannot send) is a skip, not an outage.
			if pe, ok := o.err.(*providers.Error); ok && pe.Code == providers.CodeInvalidArgument && pe.HTTPStatus == 0 {
				o.skip, o.err = true, nil
				for _, v := range pe.Violations {
					o.skipped = append(o.skipped, v.Field)
				}
			}
		}(&outs[i], b)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, toStatus("", err, "", "")
	}
	resp := &pb.SearchAvailableNumbersResponse{}
	for _, o := range outs {
		switch {
		case o.skip:
			resp.SkippedProviders = append(resp.SkippedProviders, &pb.SkippedProvider{Provider: providerName(o.name), Fields: o.skipped})
		case o.err != nil:
			resp.Unreachable = append(resp.Unreachable, providerName(o.name))
		default:
			for _, n := range o.items {
				resp.AvailableNumbers = append(resp.AvailableNumbers, availableNumberToProto(o.name, n))
			}
		}
	}
	sort.SliceStable(resp.AvailableNumbers, func(i, j int) bool {
		a, b := resp.AvailableNumbers[i], resp.AvailableNumbers[j]
		if a.GetPhoneNumber() != b.GetPhoneNumber() {
			return a.GetPhoneNumber() < b.GetPhoneNumber()
		}
		return a.GetProvider() < b.GetProvider()
	})
	if lim := searchLimit(q.Limit); len(resp.AvailableNumbers) > lim {
		resp.AvailableNumbers = resp.AvailableNumbers[:lim]
	}
	return resp, nil
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func searchLimit(n int) int {
	if n <= 0 {
		return providers.DefaultSearchResults
	}
	return min(n, providers.MaxSearchResults)
}

func searchQueryFromProto(req *pb.SearchAvailableNumbersRequest) providers.AvailableNumberQuery {
	q := providers.AvailableNumberQuery{
		RegionCode: req.GetRegionCode(), AreaCode: req.GetAreaCode(), StartsWith: req.GetStartsWith(),
		Contains: req.GetContains(), EndsWith: req.GetEndsWith(), Locality: req.GetLocality(),
		RateCenter: req.GetRateCenter(), AdministrativeArea: req.GetAdministrativeArea(),
		NumberType: providers.NumberType(req.GetNumberType()), Limit: searchLimit(int(req.GetQuantity())),
	}
	seen := map[pb.NumberFeature]bool{}
	for _, f := range req.GetFeatures() {
		if !seen[f] {
			seen[f] = true
			q.Features = append(q.Features, providers.NumberFeature(f))
		}
	}
	return q
}

func priceToProto(p providers.Price) *pb.Price {
	if p == (providers.Price{}) {
		return nil
	}
	return &pb.Price{Amount: p.Amount, CurrencyCode: p.Currency}
}

func featuresToProto(in []providers.NumberFeature) []pb.NumberFeature {
	var out []pb.NumberFeature
	for _, f := range in {
		out = append(out, pb.NumberFeature(f))
	}
	return out
}

func availableNumberToProto(provider string, n *providers.AvailableNumber) *pb.AvailableNumber {
	return &pb.AvailableNumber{
		PhoneNumber: n.PhoneNumber, Provider: providerName(provider), NumberType: pb.NumberType(n.NumberType),
		ProviderNumberType: n.ProviderNumberType, RegionCode: n.RegionCode, AdministrativeArea: n.AdministrativeArea,
		Locality: n.Locality, RateCenter: n.RateCenter, Features: featuresToProto(n.Features),
		ProviderFeatures: append([]string(nil), n.ProviderFeatures...), UpfrontCost: priceToProto(n.UpfrontCost),
		MonthlyCost: priceToProto(n.MonthlyCost), BestEffort: n.BestEffort, RawPhoneNumber: n.RawPhoneNumber,
		PhoneNumberInvalid: n.PhoneNumberInvalid, ProviderAttributes: n.ProviderAttributes,
	}
}

// numberDetailsToProto fills Number fields 40-59 (issue 14 search).
func numberDetailsToProto(out *pb.Number, d providers.NumberDetails) {
	out.State = pb.NumberState(d.State)
	out.Type = pb.NumberType(d.Type)
	out.RegionCode = d.RegionCode
	out.AdministrativeArea = d.AdministrativeArea
	out.RateCenter = d.RateCenter
	out.Locality = d.Locality
	out.Features = featuresToProto(d.Features)
	out.MonthlyCost = priceToProto(d.MonthlyCost)
	out.SetupCost = priceToProto(d.SetupCost)
}
