package flowroute_test

import (
	"net/url"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// docSearch is the documented /v2/numbers/available example (the Python
// SDK v3 README, search_for_purchasable_phone_numbers): number_type
// "standard", costs as JSON numbers, no iso_country, links.next.
const docSearch = `{"data":[
 {"attributes":{"rate_center":"nwyrcyzn01","value":"16463439507","monthly_cost":1.25,"state":"ny","number_type":"standard","setup_cost":1},
  "type":"number","id":"16463439507","links":{"related":"https://api.flowroute.com/v2/numbers/16463439507"}},
 {"attributes":{"rate_center":"nwyrcyzn01","value":"16463439617","monthly_cost":"1.25","state":"ny","number_type":"toll-free","setup_cost":"n/a"},
  "type":"number","id":"16463439617","links":{"related":"https://api.flowroute.com/v2/numbers/16463439617"}},
 {"attributes":{"rate_center":null,"value":"1646343","monthly_cost":1.25,"state":null,"number_type":"weird","setup_cost":3.99},
  "type":"number","id":"1646343","links":{"related":"https://api.flowroute.com/v2/numbers/1646343"}}],
 "links":{"self":"https://api.flowroute.com/v2/numbers/available?starts_with=1646&limit=3&offset=0"}}`

func TestSearchAvailableNumbersDocumentedShape(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("GET /v2/numbers/available", reply(200, docSearch))
	got, err := portable.New(p).SearchAvailableNumbers(ctx, providers.AvailableNumberQuery{
		RegionCode: "US", AreaCode: "646", StartsWith: "646343", EndsWith: "7", RateCenter: "NWYRCYZN01",
		AdministrativeArea: "NY", NumberType: providers.NumberTypeLocal, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.requests("GET", "/v2/numbers/available")
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	q := url.Values(reqs[0].query)
	for k, want := range map[string]string{"iso_country": "US", "starts_with": "646343", "ends_with": "7", "rate_center": "nwyrcyzn01",
		"state": "ny", "number_type": "longcode", "limit": "3", "offset": "0"} {
		if q.Get(k) != want {
			t.Errorf("query %s = %q, want %q (%v)", k, q.Get(k), want, q)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d results: %+v", len(got), got)
	}
	a := got[0]
	if a.PhoneNumber != "+16463439507" || a.NumberType != providers.NumberTypeLocal || a.ProviderNumberType != "standard" ||
		a.RateCenter != "nwyrcyzn01" || a.AdministrativeArea != "NY" || a.RegionCode != "US" ||
		a.MonthlyCost != (providers.Price{Amount: "1.25"}) || a.UpfrontCost != (providers.Price{Amount: "1"}) {
		t.Errorf("first: %+v", a)
	}
	// Lenient: a cost as a string is read; an unreadable one is kept raw.
	b := got[1]
	if b.NumberType != providers.NumberTypeTollFree || b.MonthlyCost.Amount != "1.25" || b.UpfrontCost.Amount != "" ||
		b.ProviderAttributes["setup_cost"] != `"n/a"` {
		t.Errorf("second: %+v", b)
	}
	// An invalid number is kept raw and flagged, never a failed search.
	c := got[2]
	if !c.PhoneNumberInvalid || c.PhoneNumber != "1646343" || c.NumberType != providers.NumberTypeUnspecified || c.ProviderNumberType != "weird" {
		t.Errorf("third: %+v", c)
	}
}

func TestSearchAvailableNumbersRefusedBeforeCall(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("GET /v2/numbers/available", reply(200, docSearch))
	c := portable.New(p)
	for name, q := range map[string]providers.AvailableNumberQuery{
		"locality":                      {RegionCode: "US", Locality: "Chicago"},
		"features":                      {RegionCode: "US", Features: []providers.NumberFeature{providers.NumberFeatureSMS}},
		"number_type":                   {RegionCode: "US", NumberType: providers.NumberTypeMobile},
		"administrative_area":           {RegionCode: "US", RateCenter: "chcgzn01"},
		"starts_with outside US and CA": {RegionCode: "GB", StartsWith: "20"},
	} {
		_, err := c.SearchAvailableNumbers(ctx, q)
		if providers.ErrorCode(err) != providers.CodeInvalidArgument {
			t.Errorf("%s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if n := len(s.requests("GET", "/v2/numbers/available")); n != 0 {
		t.Errorf("%d provider calls, want none", n)
	}
}
