package telnyxfake_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// These tests pin the wire forms Telnyx's official SDKs send (found by
// sdkcheck/: npm telnyx 7.24.0), next to the spec25 forms the fake already
// spoke. See docs/mapping/telnyx.md, "SDK compatibility".

// ids lists the ids of one GET answer (a single page).
func (c *client) ids(path string) []string {
	c.t.Helper()
	status, _, m := c.do("GET", path, nil)
	if status != 200 {
		c.t.Fatalf("GET %s: %d %v", path, status, m)
	}
	var out []string
	for _, d := range m["data"].([]any) {
		out = append(out, d.(map[string]any)["id"].(string))
	}
	return out
}

func (c *client) createOrder(num, ref string) string {
	c.t.Helper()
	status, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{num}, "customer_reference": ref})
	if status != 201 {
		c.t.Fatalf("create %s: %d %v", num, status, m)
	}
	return m["data"].([]any)[0].(map[string]any)["id"].(string)
}

// q builds a query string without escaping the brackets (as clients send
// them; the fake must accept the escaped form too, see TestFilterEscaped).
func q(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+"="+url.QueryEscape(kv[i+1]))
	}
	return "?" + strings.Join(parts, "&")
}

func TestListOrdersFiltersInSpec25AndSDKForms(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	a := c.createOrder("+13125550110", "sdk") // patched: full, Acme, Jane, FOC in 10 days
	b := c.createOrder("+13125559905", "sdk") // fast portable, FOC in 5 days
	d := c.createOrder("+13125550112", "sdk") // untouched
	wins := telnyxfake.FOCWindows(time.Now())
	foc := func(days int) string { // a time inside the allowed windows, ordered like days
		i := map[int]int{5: 0, 7: 2, 10: 4}[days]
		return wins[i][0].Add(time.Hour).Format(time.RFC3339)
	}
	if status, _, m := c.do("PATCH", "/v2/porting_orders/"+a, map[string]any{
		"misc":                map[string]any{"type": "full"},
		"end_user":            map[string]any{"admin": map[string]any{"entity_name": "Acme", "auth_person_name": "Jane"}},
		"activation_settings": map[string]any{"foc_datetime_requested": foc(10)},
	}); status != 200 {
		t.Fatalf("patch a: %d %v", status, m)
	}
	if status, _, m := c.do("PATCH", "/v2/porting_orders/"+b, map[string]any{
		"misc": map[string]any{"type": "partial"}, "activation_settings": map[string]any{"foc_datetime_requested": foc(5)},
	}); status != 200 {
		t.Fatalf("patch b: %d %v", status, m)
	}
	if err := f.SetOrderStatus(d, telnyxfake.StatusSubmitted); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		spec25, sdk, value string
		want               []string
	}{
		{"filter[misc.type]", "filter[misc][type]", "full", []string{a}},
		{"filter[misc.type]", "filter[misc][type]", "partial", []string{b}},
		{"filter[end_user.admin.entity_name]", "filter[end_user][admin][entity_name]", "Acme", []string{a}},
		{"filter[end_user.admin.entity_name]", "filter[end_user][admin][entity_name]", "Nobody", nil},
		{"filter[end_user.admin.auth_person_name]", "filter[end_user][admin][auth_person_name]", "Jane", []string{a}},
		{"filter[activation_settings.fast_port_eligible]", "filter[activation_settings][fast_port_eligible]", "true", []string{b}},
		{"filter[activation_settings.fast_port_eligible]", "filter[activation_settings][fast_port_eligible]", "false", []string{d, a}},
		{"filter[activation_settings.foc_datetime_requested][gt]", "filter[activation_settings][foc_datetime_requested][gt]", foc(7), []string{a}},
		{"filter[activation_settings.foc_datetime_requested][lt]", "filter[activation_settings][foc_datetime_requested][lt]", foc(7), []string{b}},
		{"filter[phone_numbers.country_code]", "filter[phone_numbers][country_code]", "US", []string{d, b, a}},
		{"filter[phone_numbers.country_code]", "filter[phone_numbers][country_code]", "CA", nil},
		{"filter[phone_numbers.carrier_name]", "filter[phone_numbers][carrier_name]", "Sandbox Losing Carrier", []string{d, b, a}},
		{"filter[phone_numbers.carrier_name]", "filter[phone_numbers][carrier_name]", "Other", nil},
		{"filter[phone_numbers.phone_number][contains]", "filter[phone_numbers][phone_number][contains]", "9905", []string{b}},
	}
	for _, tc := range cases {
		got := c.ids("/v2/porting_orders" + q(tc.sdk, tc.value))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s=%s: got %v, want %v", tc.sdk, tc.value, got, tc.want)
		}
		// The pre-2025 dotted form is not in the current specification.
		if status, _, _ := c.do("GET", "/v2/porting_orders"+q(tc.spec25, tc.value), nil); status != 422 {
			t.Errorf("%s=%s: %d, want 422 (not a documented parameter)", tc.spec25, tc.value, status)
		}
	}

	// No status filter in the current specification (nor sort[]): refused.
	for _, query := range []string{
		q("filter[status]", "submitted"),
		q("filter[status][in][]", "submitted", "filter[status][in][]", "ported"),
		q("filter[status][in]", "submitted,ported"),
		q("sort[]", "created_at"),
	} {
		if status, _, _ := c.do("GET", "/v2/porting_orders"+query, nil); status != 422 {
			t.Errorf("%s: %d, want 422", query, status)
		}
	}

	// Sorts by requested FOC date; no date sorts as the largest value (last
	// ascending, first descending).
	for _, key := range []string{"sort[value]"} {
		if got := c.ids("/v2/porting_orders" + q(key, "activation_settings.foc_datetime_requested")); !slices.Equal(got, []string{b, a, d}) {
			t.Errorf("%s asc: got %v, want [b a d]", key, got)
		}
		if got := c.ids("/v2/porting_orders" + q(key, "-activation_settings.foc_datetime_requested")); !slices.Equal(got, []string{d, a, b}) {
			t.Errorf("%s desc: got %v, want [d a b]", key, got)
		}
	}

	// Invalid filter values are refused, not ignored.
	for _, query := range []string{
		q("filter[misc][type]", "sideways"),
		q("filter[activation_settings][fast_port_eligible]", "maybe"),
		q("filter[activation_settings][foc_datetime_requested][gt]", "tomorrow"),
	} {
		status, _, m := c.do("GET", "/v2/porting_orders"+query, nil)
		if status != 422 || firstError(m)["code"] != "10015" {
			t.Errorf("%s: %d %v, want 422 10015", query, status, m)
		}
	}
}

func TestFilterEscaped(t *testing.T) {
	// Node's URL class leaves brackets alone, Go's url.Values escapes them;
	// both must reach the same filter.
	c, _ := newClient(t, telnyxfake.Options{})
	a := c.createOrder("+13125550110", "x")
	c.createOrder("+13125550111", "y")
	escaped := "?" + url.Values{"filter[phone_numbers][phone_number][contains]": {"5550110"}}.Encode()
	if !strings.Contains(escaped, "%5B") {
		t.Fatalf("not escaped: %s", escaped)
	}
	if got := c.ids("/v2/porting_orders" + escaped); !slices.Equal(got, []string{a}) {
		t.Fatalf("escaped: got %v, want [%s]", got, a)
	}
}

func TestListNumbersSDKFiltersAndSorts(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{SeedNumbers: []string{"+13125550102", "+18005550100", "+13125550101"}})
	all := c.ids("/v2/phone_numbers")
	if len(all) != 3 {
		t.Fatalf("seeded: %v", all)
	}
	byNumber := map[string]string{}
	_, _, m := c.do("GET", "/v2/phone_numbers", nil)
	for _, d := range m["data"].([]any) {
		n := d.(map[string]any)
		byNumber[n["phone_number"].(string)] = n["id"].(string)
	}
	tagged, tollFree := byNumber["+13125550102"], byNumber["+18005550100"]
	if status, _, m := c.do("PATCH", "/v2/phone_numbers/"+tagged, map[string]any{"tags": []string{"t"}, "billing_group_id": "bg-1"}); status != 200 {
		t.Fatalf("patch: %d %v", status, m)
	}
	without := slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == tagged })
	local := slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == tollFree })
	cases := []struct {
		query string
		want  []string
	}{
		{q("filter[status]", "active"), all},
		{q("filter[status]", "deleted"), nil},
		{q("filter[country_iso_alpha2]", "US"), all},
		{q("filter[country_iso_alpha2]", "CA,US"), all},                                      // SDK: arrays comma-separated
		{q("filter[country_iso_alpha2][]", "CA", "filter[country_iso_alpha2][]", "US"), all}, // bracketed list
		{q("filter[country_iso_alpha2]", "CA"), nil},
		{q("filter[number_type][eq]", "toll_free"), []string{tollFree}},
		{q("filter[number_type][eq]", "local"), local},
		{q("filter[source]", "purchased"), all},
		{q("filter[source]", "ported"), nil},
		{q("filter[without_tags]", "true"), without},
		{q("filter[without_tags]", "false"), all},
		{q("filter[billing_group_id]", "bg-1"), []string{tagged}},
		{q("filter[billing_group_id]", "null"), without},
		{q("filter[connection_id]", "null"), all},
		{q("filter[emergency_address_id]", "e-1"), nil},
		{q("filter[voice.connection_name][contains]", "abc"), nil},
		{q("filter[voice.usage_payment_method]", "pay-per-minute"), all},
		{q("filter[voice.usage_payment_method]", "channel"), nil},
	}
	for _, tc := range cases {
		if got := c.ids("/v2/phone_numbers" + tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, s := range []string{"purchased_at", "phone_number", "connection_name", "usage_payment_method"} {
		if got := c.ids("/v2/phone_numbers" + q("sort", s)); len(got) != 3 {
			t.Errorf("sort=%s: got %v", s, got)
		}
	}
	if got := c.ids("/v2/phone_numbers" + q("sort", "phone_number")); got[0] != byNumber["+13125550101"] || got[2] != tollFree {
		t.Errorf("sort=phone_number: got %v", got)
	}
	for _, query := range []string{
		q("filter[status]", "bogus"), q("filter[number_type][eq]", "bogus"), q("filter[source]", "bogus"),
		q("filter[voice.usage_payment_method]", "bogus"), q("sort", "bogus"),
	} {
		status, _, m := c.do("GET", "/v2/phone_numbers"+query, nil)
		if status != 400 || firstError(m)["code"] != "10015" {
			t.Errorf("%s: %d %v, want 400 10015", query, status, m)
		}
	}
}

func TestListNumbersMessaging(t *testing.T) {
	// GET /v2/phone_numbers/messaging (client.phoneNumbers.messaging.list)
	// was routed as GET /v2/phone_numbers/{id} with id "messaging": 400.
	c, _ := newClient(t, telnyxfake.Options{SeedNumbers: []string{"+13125550102", "+18005550100", "+13125550101"}})
	status, _, m := c.do("GET", "/v2/phone_numbers/messaging", nil)
	if status != 200 || m["meta"].(map[string]any)["total_results"] != float64(3) {
		t.Fatalf("%d %v", status, m)
	}
	var first map[string]any
	for _, d := range m["data"].([]any) {
		s := d.(map[string]any)
		if s["record_type"] != "messaging_settings" {
			t.Fatalf("record_type: %v", s)
		}
		if want := map[bool]string{true: "tollfree", false: "longcode"}[s["phone_number"] == "+18005550100"]; s["type"] != want {
			t.Errorf("%v type %v, want %s", s["phone_number"], s["type"], want)
		}
		if first == nil {
			first = s
		}
	}
	id := first["id"].(string)
	if status, _, m := c.do("PATCH", "/v2/phone_numbers/"+id+"/messaging", map[string]any{"messaging_profile_id": "4001767e-ce0f-4cae-9d5f-0d5e636e7809"}); status != 200 {
		t.Fatalf("patch: %d %v", status, m)
	}
	cases := []struct {
		query string
		want  int
	}{
		{q("filter[messaging_profile_id]", "4001767e-ce0f-4cae-9d5f-0d5e636e7809"), 1},
		{q("filter[phone_number]", "+13125550101"), 1},
		{q("filter[phone_number][contains]", "312555"), 2},
		{q("filter[type]", "tollfree"), 1},
		{q("filter[type]", "shortcode"), 0},
		{q("page[size]", "2"), 2},
	}
	for _, tc := range cases {
		if got := c.ids("/v2/phone_numbers/messaging" + tc.query); len(got) != tc.want {
			t.Errorf("%s: got %d, want %d", tc.query, len(got), tc.want)
		}
	}
	_, _, m = c.do("GET", "/v2/phone_numbers/messaging"+q("sort[phone_number]", "desc"), nil)
	if d := m["data"].([]any); d[0].(map[string]any)["phone_number"] != "+18005550100" || d[2].(map[string]any)["phone_number"] != "+13125550101" {
		t.Errorf("sort desc: %v", d)
	}
	for _, query := range []string{q("filter[type]", "bogus"), q("sort[phone_number]", "up")} {
		if status, _, _ := c.do("GET", "/v2/phone_numbers/messaging"+query, nil); status != 400 {
			t.Errorf("%s: %d, want 400", query, status)
		}
	}
}
