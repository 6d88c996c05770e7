package flowroutefake_test

import (
	"strings"
	"testing"

	"github.com/portgate/portgate/sandbox/flowroutefake"
)

func availableValues(t *testing.T, m map[string]any) []string {
	t.Helper()
	data, ok := m["data"].([]any)
	if !ok {
		t.Fatalf("no data: %v", m)
	}
	var out []string
	for _, d := range data {
		attrs := d.(map[string]any)["attributes"].(map[string]any)
		out = append(out, attrs["value"].(string))
	}
	return out
}

func TestSearchAvailable(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	status, m, _ := c.do("GET", "/v2/numbers/available?starts_with=312&limit=5", "", true)
	if status != 200 {
		t.Fatalf("%d %v", status, m)
	}
	first := availableValues(t, m)
	if len(first) != 5 {
		t.Fatalf("%v", first)
	}
	for _, v := range first {
		if !strings.HasPrefix(v, "1312") {
			t.Errorf("%s does not start with 1312", v)
		}
	}
	if links := m["links"].(map[string]any); links["next"] == nil {
		t.Errorf("links.next missing while more remain: %v", links)
	}
	// Deterministic, and a number on the account is never offered.
	if err := c.f.SeedNumber("+" + first[0]); err != nil {
		t.Fatal(err)
	}
	_, m, _ = c.do("GET", "/v2/numbers/available?starts_with=312&limit=5", "", true)
	again := availableValues(t, m)
	if again[0] != first[1] || strings.Contains(strings.Join(again, ","), first[0]) {
		t.Errorf("after buying %s: %v (before %v)", first[0], again, first)
	}
	// Filters.
	_, m, _ = c.do("GET", "/v2/numbers/available?number_type=toll-free&limit=3", "", true)
	for _, v := range availableValues(t, m) {
		if !strings.HasPrefix(v, "1888") {
			t.Errorf("toll-free: %s", v)
		}
	}
	_, m, _ = c.do("GET", "/v2/numbers/available?state=WA&rate_center=STTL&limit=200", "", true)
	if got := availableValues(t, m); len(got) == 0 || !strings.HasPrefix(got[0], "1206") {
		t.Errorf("state/rate_center: %v", got)
	}
	_, m, _ = c.do("GET", "/v2/numbers/available?iso_country=GB", "", true)
	if got := availableValues(t, m); len(got) != 0 {
		t.Errorf("GB: %v", got)
	}
}

func TestSearchAvailableValidation(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	for q, field := range map[string]string{
		"limit=201": "limit", "limit=0": "limit", "offset=-1": "offset", "number_type=mobile": "number_type",
		"rate_center=sttl": "state", "contains=55x": "contains", "ends_with=%2B1": "ends_with", "iso_country=USA": "iso_country",
		"order_by=price": "order_by",
	} {
		status, m, _ := c.do("GET", "/v2/numbers/available?"+q, "", true)
		errs, _ := m["errors"].([]any)
		if status != 422 || len(errs) != 1 {
			t.Errorf("%s: %d %v", q, status, m)
			continue
		}
		detail, _ := errs[0].(map[string]any)["detail"].(map[string]any)
		if _, ok := detail[field]; !ok {
			t.Errorf("%s: detail %v does not name %s", q, detail, field)
		}
	}
	if status, _, _ := c.do("GET", "/v2/numbers/available", "", false); status != 401 {
		t.Errorf("without credentials: %d", status)
	}
	if status, _, _ := c.do("POST", "/v2/numbers/available", "", true); status != 405 {
		t.Errorf("POST: %d", status)
	}
}

func TestSearchAreaCodesAndExchanges(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	status, m, _ := c.do("GET", "/v2/numbers/available/areacodes?limit=2", "", true)
	data, _ := m["data"].([]any)
	if status != 200 || len(data) != 2 || m["links"].(map[string]any)["next"] == nil {
		t.Fatalf("areacodes: %d %v", status, m)
	}
	first := data[0].(map[string]any)
	if first["type"] != "areacode" || first["id"] != "206" ||
		!strings.HasSuffix(first["links"].(map[string]any)["related"].(string), "/v2/numbers/available/exchanges?areacode=206") {
		t.Errorf("areacode: %v", first)
	}
	status, m, _ = c.do("GET", "/v2/numbers/available/exchanges?areacode=312", "", true)
	data, _ = m["data"].([]any)
	if status != 200 || len(data) != 1 {
		t.Fatalf("exchanges: %d %v", status, m)
	}
	ex := data[0].(map[string]any)
	if ex["type"] != "exchange" || ex["id"] != "312555" ||
		!strings.HasSuffix(ex["links"].(map[string]any)["related"].(string), "/v2/numbers/available?starts_with=1312555") {
		t.Errorf("exchange: %v", ex)
	}
	// The related link works as given.
	rel := ex["links"].(map[string]any)["related"].(string)
	_, m, _ = c.do("GET", rel[strings.Index(rel, "/v2/"):]+"&limit=1", "", true)
	if got := availableValues(t, m); len(got) != 1 || !strings.HasPrefix(got[0], "1312555") {
		t.Errorf("related exchange link: %v", m)
	}
	_, m, _ = c.do("GET", "/v2/numbers/available/areacodes?max_setup_cost=2", "", true)
	for _, d := range m["data"].([]any) {
		if d.(map[string]any)["id"] == "646" {
			t.Errorf("646 costs 3.99 to set up, above max_setup_cost=2")
		}
	}
	for _, q := range []string{"areacodes?max_setup_cost=x", "exchanges?areacode=31", "areacodes?limit=500"} {
		if status, m, _ := c.do("GET", "/v2/numbers/available/"+q, "", true); status != 422 {
			t.Errorf("%s: %d %v", q, status, m)
		}
	}
	if status, _, _ := c.do("GET", "/v2/numbers/available/tiers/x", "", true); status != 404 {
		t.Errorf("unknown: %d", status)
	}
}
