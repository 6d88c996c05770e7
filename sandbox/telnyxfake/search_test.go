package telnyxfake_test

import (
	"strings"
	"testing"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func availablePhones(t *testing.T, m map[string]any) []string {
	t.Helper()
	data, ok := m["data"].([]any)
	if !ok {
		t.Fatalf("no data: %v", m)
	}
	var out []string
	for _, d := range data {
		out = append(out, d.(map[string]any)["phone_number"].(string))
	}
	return out
}

func TestSearchAvailable(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	const q = "/v2/available_phone_numbers?filter[country_code]=US&filter[national_destination_code]=312&filter[limit]=4"
	status, _, m := c.do("GET", q, nil)
	if status != 200 {
		t.Fatalf("%d %v", status, m)
	}
	first := availablePhones(t, m)
	if len(first) != 4 {
		t.Fatalf("%v", first)
	}
	d := m["data"].([]any)[0].(map[string]any)
	if d["record_type"] != "available_phone_number" || d["cost_information"].(map[string]any)["currency"] != "USD" ||
		len(d["region_information"].([]any)) == 0 || len(d["features"].([]any)) == 0 {
		t.Errorf("shape: %v", d)
	}
	if meta := m["meta"].(map[string]any); meta["total_results"] != float64(4) {
		t.Errorf("meta: %v", meta)
	}
	f.SeedNumber(first[0])
	_, _, m = c.do("GET", q, nil)
	again := availablePhones(t, m)
	if again[0] != first[1] || strings.Contains(strings.Join(again, ","), first[0]) {
		t.Errorf("after buying %s: %v (before %v)", first[0], again, first)
	}
	// starts_with is matched after the NDC; features must all be present.
	_, _, m = c.do("GET", "/v2/available_phone_numbers?filter[country_code]=US&filter[national_destination_code]=312&filter[phone_number][starts_with]=555&filter[features]=sms&filter[features]=emergency", nil)
	if got := availablePhones(t, m); len(got) == 0 {
		t.Errorf("ndc+starts_with+features: none")
	}
	_, _, m = c.do("GET", "/v2/available_phone_numbers?filter[country_code]=US&filter[phone_number_type]=toll_free&filter[features]=mms", nil)
	if got := availablePhones(t, m); len(got) != 0 {
		t.Errorf("toll-free with mms: %v", got)
	}
	// Wildcards yield no results (number-search guide).
	_, _, m = c.do("GET", "/v2/available_phone_numbers?filter[country_code]=US&filter[phone_number][contains]=5*5", nil)
	if got := availablePhones(t, m); len(got) != 0 {
		t.Errorf("wildcard: %v", got)
	}
}

func TestSearchAvailableValidation(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	for q, want := range map[string][2]string{
		"":                         {"10004", "filter[country_code]"},
		"filter[country_code]=USA": {"10015", "filter[country_code]"},
		"filter[country_code]=US&filter[phone_number_type]=landline": {"10015", "filter[phone_number_type]"},
		"filter[country_code]=US&filter[features]=telepathy":         {"10015", "filter[features]"},
		"filter[country_code]=US&filter[limit]=0":                    {"10015", "filter[limit]"},
		"filter[country_code]=US&filter[best_effort]=yes":            {"10015", "filter[best_effort]"},
		"filter[country_code]=US&filter[area_code]=312":              {"10015", "filter[area_code]"},
	} {
		status, _, m := c.do("GET", "/v2/available_phone_numbers?"+q, nil)
		e := firstError(m)
		src, _ := e["source"].(map[string]any)
		if status != 400 || e["code"] != want[0] || src["parameter"] != want[1] {
			t.Errorf("%q: %d %v", q, status, m)
		}
	}
}
