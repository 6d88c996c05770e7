package flowroute

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/portgate/portgate/providers"
)

// SearchSupport implements providers.AvailableNumberSearcher. Flowroute's
// GET /v2/numbers/available has no city (locality) and no feature filter,
// and its number_type knows only toll-free and longcode (reference §3).
func (p *Provider) SearchSupport() providers.SearchSupport {
	return providers.SearchSupport{
		Filters: []string{providers.SearchFilterAreaCode, providers.SearchFilterStartsWith, providers.SearchFilterContains,
			providers.SearchFilterEndsWith, providers.SearchFilterRateCenter, providers.SearchFilterAdministrativeArea,
			providers.SearchFilterNumberType},
		NumberTypes: []providers.NumberType{providers.NumberTypeLocal, providers.NumberTypeTollFree},
	}
}

// nanpRegions are the regions whose numbers Flowroute's starts_with reads
// without a "+country code" (country code 1 is assumed).
var nanpRegions = map[string]bool{"US": true, "CA": true}

// SearchAvailableNumbers implements providers.AvailableNumberSearcher with
// GET /v2/numbers/available: starts_with = the national prefix (country
// code 1 is assumed by Flowroute), contains, ends_with, rate_center, state,
// number_type (longcode|toll-free), iso_country, limit (≤ 200), offset 0.
func (p *Provider) SearchAvailableNumbers(ctx context.Context, q providers.AvailableNumberQuery) ([]*providers.AvailableNumber, error) {
	v := url.Values{}
	v.Set("iso_country", q.RegionCode)
	prefix := q.StartsWith
	if prefix == "" {
		prefix = q.AreaCode
	}
	if prefix != "" {
		if !nanpRegions[q.RegionCode] {
			// A "+<country code>" prefix would need the region's calling
			// code; only NANP prefixes are sent.
			return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "SEARCH_FILTER_UNSUPPORTED",
				Message:    "flowroute: starts_with/area_code are supported for region US and CA only",
				Violations: []providers.FieldViolation{{Field: "starts_with", Description: "flowroute searches number prefixes in US and CA only"}}}
		}
		v.Set("starts_with", prefix)
	}
	if q.Contains != "" {
		v.Set("contains", q.Contains)
	}
	if q.EndsWith != "" {
		v.Set("ends_with", q.EndsWith)
	}
	if rc := strings.TrimSpace(q.RateCenter); rc != "" {
		if q.AdministrativeArea == "" {
			return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "INVALID_ARGUMENT",
				Message:    "flowroute: rate_center needs administrative_area",
				Violations: []providers.FieldViolation{{Field: "administrative_area", Description: "flowroute needs the state with a rate center"}}}
		}
		v.Set("rate_center", strings.ToLower(rc))
	}
	if q.AdministrativeArea != "" {
		v.Set("state", strings.ToLower(q.AdministrativeArea))
	}
	switch q.NumberType {
	case providers.NumberTypeLocal:
		v.Set("number_type", "longcode")
	case providers.NumberTypeTollFree:
		v.Set("number_type", "toll-free")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = providers.DefaultSearchResults
	}
	items, _, err := pageThrough(ctx, p, "/v2/numbers/available", v, 0, limit, false, func(r *response) ([]*providers.AvailableNumber, bool, error) {
		var env struct {
			Data  []availableData `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		if err := decode(r, &env); err != nil {
			return nil, false, err
		}
		out := make([]*providers.AvailableNumber, 0, len(env.Data))
		for i := range env.Data {
			if n := toAvailable(&env.Data[i], q.RegionCode); n != nil {
				out = append(out, n)
			}
		}
		return out, env.Links.Next != "", nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// availableData is one member of /v2/numbers/available data[] (documented
// example: attributes rate_center, value, monthly_cost, state, number_type,
// setup_cost).
type availableData struct {
	ID         json.RawMessage `json:"id"`
	Attributes struct {
		Value       json.RawMessage `json:"value"`
		RateCenter  *string         `json:"rate_center"`
		State       *string         `json:"state"`
		NumberType  string          `json:"number_type"`
		ISOCountry  string          `json:"iso_country"`
		MonthlyCost json.RawMessage `json:"monthly_cost"`
		SetupCost   json.RawMessage `json:"setup_cost"`
	} `json:"attributes"`
}

// toAvailable maps one result leniently: an odd number or cost is kept raw
// and flagged, never a failed page. A member without any number is dropped.
func toAvailable(d *availableData, region string) *providers.AvailableNumber {
	raw := rawID(d.Attributes.Value)
	if raw == "" {
		raw = rawID(d.ID)
	}
	if raw == "" {
		return nil
	}
	e, ok := lenientNumber(raw)
	if !ok {
		e = raw
	}
	n := &providers.AvailableNumber{
		PhoneNumber: e, RawPhoneNumber: raw, PhoneNumberInvalid: !ok,
		NumberType: numberTypeOf(d.Attributes.NumberType), ProviderNumberType: d.Attributes.NumberType,
		RegionCode: strings.ToUpper(d.Attributes.ISOCountry),
	}
	if n.RegionCode == "" {
		n.RegionCode = region // implied by the iso_country filter
	}
	if d.Attributes.State != nil {
		n.AdministrativeArea = strings.ToUpper(*d.Attributes.State)
	}
	if d.Attributes.RateCenter != nil {
		n.RateCenter = *d.Attributes.RateCenter
	}
	n.MonthlyCost = priceOf(d.Attributes.MonthlyCost, "monthly_cost", n)
	n.UpfrontCost = priceOf(d.Attributes.SetupCost, "setup_cost", n)
	return n
}

// priceOf reads a Flowroute cost (a JSON number; no currency is sent). A
// string holding a number is accepted; anything else is kept raw in
// ProviderAttributes.
func priceOf(raw json.RawMessage, field string, n *providers.AvailableNumber) providers.Price {
	p, odd := flowroutePrice(raw)
	if odd != "" && n != nil {
		if n.ProviderAttributes == nil {
			n.ProviderAttributes = map[string]string{}
		}
		n.ProviderAttributes[field] = odd
	}
	return p
}

func flowroutePrice(raw json.RawMessage) (providers.Price, string) {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return providers.Price{}, ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		t = strings.TrimSpace(s)
	}
	if _, err := strconv.ParseFloat(t, 64); err != nil {
		return providers.Price{}, string(raw)
	}
	return providers.Price{Amount: t}, ""
}

// numberTypeOf maps Flowroute number_type ("longcode"; older docs
// "standard"; "toll-free").
func numberTypeOf(s string) providers.NumberType {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "longcode", "standard":
		return providers.NumberTypeLocal
	case "toll-free":
		return providers.NumberTypeTollFree
	}
	return providers.NumberTypeUnspecified
}

// numberStateOf maps Flowroute's number status. Only "PURCHASED" is
// documented (reference §3); the sandbox's "PORT_PENDING" is a guess
// (docs/mapping/flowroute.md). Anything else is UNSPECIFIED, raw kept.
func numberStateOf(s string) providers.NumberState {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "PURCHASED":
		return providers.NumberStateActive
	case "PORT_PENDING":
		return providers.NumberStatePortPending
	}
	return providers.NumberStateUnspecified
}

// numberDetailsWire are the descriptive number attributes (reference §3).
type numberDetailsWire struct {
	RateCenter  *string         `json:"rate_center"`
	State       *string         `json:"state"`
	ISOCountry  string          `json:"iso_country"`
	MonthlyCost json.RawMessage `json:"monthly_cost"`
	SetupCost   json.RawMessage `json:"setup_cost"`
}

func numberDetails(status, numberType string, w numberDetailsWire) providers.NumberDetails {
	d := providers.NumberDetails{
		State: numberStateOf(status), Type: numberTypeOf(numberType), RegionCode: strings.ToUpper(w.ISOCountry),
	}
	if w.State != nil {
		d.AdministrativeArea = strings.ToUpper(*w.State)
	}
	if w.RateCenter != nil {
		d.RateCenter = *w.RateCenter
	}
	d.MonthlyCost, _ = flowroutePrice(w.MonthlyCost)
	d.SetupCost, _ = flowroutePrice(w.SetupCost)
	return d
}
