package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

// SearchSupport implements providers.AvailableNumberSearcher: every neutral
// filter maps to a documented filter of GET /available_phone_numbers.
func (p *Provider) SearchSupport() providers.SearchSupport {
	return providers.SearchSupport{
		Filters: []string{providers.SearchFilterAreaCode, providers.SearchFilterStartsWith, providers.SearchFilterContains,
			providers.SearchFilterEndsWith, providers.SearchFilterLocality, providers.SearchFilterRateCenter,
			providers.SearchFilterAdministrativeArea, providers.SearchFilterNumberType, providers.SearchFilterFeatures},
		NumberTypes: []providers.NumberType{providers.NumberTypeLocal, providers.NumberTypeTollFree, providers.NumberTypeMobile,
			providers.NumberTypeNational, providers.NumberTypeSharedCost},
		Features: []providers.NumberFeature{providers.NumberFeatureVoice, providers.NumberFeatureSMS, providers.NumberFeatureMMS,
			providers.NumberFeatureFax, providers.NumberFeatureEmergency},
	}
}

var searchTypeWire = map[providers.NumberType]string{
	providers.NumberTypeLocal: "local", providers.NumberTypeTollFree: "toll_free", providers.NumberTypeMobile: "mobile",
	providers.NumberTypeNational: "national", providers.NumberTypeSharedCost: "shared_cost",
}

var featureWire = map[providers.NumberFeature]string{
	providers.NumberFeatureVoice: "voice", providers.NumberFeatureSMS: "sms", providers.NumberFeatureMMS: "mms",
	providers.NumberFeatureFax: "fax", providers.NumberFeatureEmergency: "emergency",
}

// SearchAvailableNumbers implements providers.AvailableNumberSearcher with
// GET /available_phone_numbers (spec ListAvailablePhoneNumbers, spec25
// parameter names). The area code goes to filter[national_destination_code]
// and the rest of starts_with to filter[phone_number][starts_with] (Telnyx
// matches the patterns after the NDC when one is given).
func (p *Provider) SearchAvailableNumbers(ctx context.Context, q providers.AvailableNumberQuery) ([]*providers.AvailableNumber, error) {
	v := url.Values{}
	v.Set("filter[country_code]", q.RegionCode)
	starts := q.StartsWith
	if q.AreaCode != "" {
		v.Set("filter[national_destination_code]", q.AreaCode)
		starts = strings.TrimPrefix(starts, q.AreaCode)
	}
	if starts != "" {
		v.Set("filter[phone_number][starts_with]", starts)
	}
	if q.Contains != "" {
		v.Set("filter[phone_number][contains]", q.Contains)
	}
	if q.EndsWith != "" {
		v.Set("filter[phone_number][ends_with]", q.EndsWith)
	}
	if s := strings.TrimSpace(q.Locality); s != "" {
		v.Set("filter[locality]", s)
	}
	if s := strings.TrimSpace(q.RateCenter); s != "" {
		v.Set("filter[rate_center]", s)
	}
	if q.AdministrativeArea != "" {
		v.Set("filter[administrative_area]", strings.ToUpper(q.AdministrativeArea))
	}
	if t, ok := searchTypeWire[q.NumberType]; ok {
		v.Set("filter[phone_number_type]", t)
	}
	for _, f := range q.Features {
		if w, ok := featureWire[f]; ok {
			v.Add("filter[features]", w)
		}
	}
	if q.Limit > 0 {
		v.Set("filter[limit]", strconv.Itoa(q.Limit))
	}
	var env struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/available_phone_numbers", v, nil, &env, errCtx{op: "search available numbers"}); err != nil {
		return nil, err
	}
	out := make([]*providers.AvailableNumber, 0, len(env.Data))
	for _, raw := range env.Data {
		var w wireAvailable
		if json.Unmarshal(raw, &w) != nil {
			continue // an undecodable member is dropped, never a failed search
		}
		if n := w.toAvailable(q.RegionCode); n != nil {
			// AvailablePhoneNumber carries no type: it is the one the
			// search asked for, when it asked (docs/mapping/telnyx.md).
			if t, ok := searchTypeWire[q.NumberType]; ok {
				n.NumberType, n.ProviderNumberType = q.NumberType, t
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// wireAvailable is the spec's AvailablePhoneNumber.
type wireAvailable struct {
	PhoneNumber       string `json:"phone_number"`
	RegionInformation []struct {
		RegionType string `json:"region_type"`
		RegionName string `json:"region_name"`
	} `json:"region_information"`
	CostInformation *struct {
		UpfrontCost json.RawMessage `json:"upfront_cost"`
		MonthlyCost json.RawMessage `json:"monthly_cost"`
		Currency    string          `json:"currency"`
	} `json:"cost_information"`
	Features []struct {
		Name string `json:"name"`
	} `json:"features"`
	BestEffort   bool   `json:"best_effort"`
	Quickship    *bool  `json:"quickship"`
	Reservable   *bool  `json:"reservable"`
	VanityFormat string `json:"vanity_format"`
}

func (w *wireAvailable) toAvailable(region string) *providers.AvailableNumber {
	if strings.TrimSpace(w.PhoneNumber) == "" {
		return nil
	}
	n := &providers.AvailableNumber{RawPhoneNumber: w.PhoneNumber, BestEffort: w.BestEffort, ProviderAttributes: map[string]string{}}
	if e, err := e164.Parse(w.PhoneNumber, region); err == nil {
		n.PhoneNumber = e
	} else {
		n.PhoneNumber, n.PhoneNumberInvalid = w.PhoneNumber, true
	}
	for _, ri := range w.RegionInformation {
		switch ri.RegionType {
		case "country_code":
			n.RegionCode = strings.ToUpper(ri.RegionName)
		case "state":
			n.AdministrativeArea = strings.ToUpper(ri.RegionName)
		case "rate_center":
			n.RateCenter = ri.RegionName
		case "location":
			n.Locality = ri.RegionName
		default:
			n.ProviderAttributes["region_information."+ri.RegionType] = ri.RegionName
		}
	}
	if n.RegionCode == "" {
		n.RegionCode = region
	}
	for _, f := range w.Features {
		if x := featureOf(f.Name); x != providers.NumberFeatureUnspecified {
			n.Features = append(n.Features, x)
		} else if f.Name != "" {
			n.ProviderFeatures = append(n.ProviderFeatures, f.Name)
		}
	}
	if c := w.CostInformation; c != nil {
		n.UpfrontCost = telnyxPrice(c.UpfrontCost, c.Currency, "upfront_cost", n)
		n.MonthlyCost = telnyxPrice(c.MonthlyCost, c.Currency, "monthly_cost", n)
	}
	if w.Quickship != nil {
		n.ProviderAttributes["quickship"] = strconv.FormatBool(*w.Quickship)
	}
	if w.Reservable != nil {
		n.ProviderAttributes["reservable"] = strconv.FormatBool(*w.Reservable)
	}
	if w.VanityFormat != "" {
		n.ProviderAttributes["vanity_format"] = w.VanityFormat
	}
	if len(n.ProviderAttributes) == 0 {
		n.ProviderAttributes = nil
	}
	return n
}

// telnyxPrice reads a cost: a decimal string in the spec ("3.21"); a JSON
// number is accepted too; anything else is kept raw in ProviderAttributes.
func telnyxPrice(raw json.RawMessage, currency, field string, n *providers.AvailableNumber) providers.Price {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return providers.Price{}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		t = strings.TrimSpace(s)
	}
	if _, err := strconv.ParseFloat(t, 64); err != nil {
		n.ProviderAttributes[field] = string(raw)
		return providers.Price{}
	}
	return providers.Price{Amount: t, Currency: strings.ToUpper(currency)}
}

func featureOf(s string) providers.NumberFeature {
	for f, w := range featureWire {
		if strings.EqualFold(s, w) {
			return f
		}
	}
	return providers.NumberFeatureUnspecified
}

// numberTypeOf maps PhoneNumberDetailed.phone_number_type (spec enum:
// local, toll_free, mobile, national, shared_cost, landline, tollfree,
// shortcode, longcode).
func numberTypeOf(s string) providers.NumberType {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "local", "landline", "longcode":
		return providers.NumberTypeLocal
	case "toll_free", "tollfree":
		return providers.NumberTypeTollFree
	case "mobile":
		return providers.NumberTypeMobile
	case "national":
		return providers.NumberTypeNational
	case "shared_cost":
		return providers.NumberTypeSharedCost
	}
	return providers.NumberTypeUnspecified
}

// numberStateOf maps PhoneNumberDetailed.status (reference §7).
func numberStateOf(s string) providers.NumberState {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "active":
		return providers.NumberStateActive
	case "purchase-pending":
		return providers.NumberStatePurchasePending
	case "purchase-failed":
		return providers.NumberStatePurchaseFailed
	case "port-pending":
		return providers.NumberStatePortPending
	case "port-failed":
		return providers.NumberStatePortFailed
	case "port-out-pending":
		return providers.NumberStatePortOutPending
	case "ported-out":
		return providers.NumberStatePortedOut
	case "emergency-only":
		return providers.NumberStateEmergencyOnly
	case "deleted":
		return providers.NumberStateReleased
	case "provision-pending", "requirement-info-pending", "requirement-info-under-review", "requirement-info-exception":
		return providers.NumberStateProvisionPending
	}
	return providers.NumberStateUnspecified
}

// numberDetailsWire are the descriptive PhoneNumberDetailed fields
// (emergency_enabled is wireNumber.EmergencyEnabled).
type numberDetailsWire struct {
	CountryISOAlpha2 string `json:"country_iso_alpha2"`
}

func numberDetails(status, numberType string, w numberDetailsWire, emergencyEnabled *bool) providers.NumberDetails {
	d := providers.NumberDetails{State: numberStateOf(status), Type: numberTypeOf(numberType),
		RegionCode: strings.ToUpper(w.CountryISOAlpha2)}
	if emergencyEnabled != nil && *emergencyEnabled {
		d.Features = []providers.NumberFeature{providers.NumberFeatureEmergency}
	}
	return d
}
