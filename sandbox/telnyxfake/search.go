package telnyxfake

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The seeded inventory GET /v2/available_phone_numbers searches
// (deterministic): 40 numbers per block. A number on the account
// (f.byE164) is never offered.
var telnyxInventory = []struct {
	ndc, locality, state, rateCenter, numberType string
	features                                     []string
	upfront, monthly                             string
	quickship                                    bool
}{
	{"312", "Chicago", "IL", "CHICAGO", "local", []string{"voice", "sms", "mms", "emergency", "hd_voice"}, "1.00", "1.00", false},
	{"415", "San Francisco", "CA", "SNFC CNTRL", "local", []string{"voice", "sms", "mms", "emergency"}, "1.00", "1.00", false},
	{"888", "", "", "", "toll_free", []string{"voice", "sms"}, "0.00", "2.00", true},
}

const telnyxInventoryPerBlock = 40

type availableNumber struct {
	e164, ndc, locality, state, rateCenter, numberType string
	features                                           []string
	upfront, monthly                                   string
	quickship                                          bool
}

func telnyxAvailable() []availableNumber {
	var out []availableNumber
	for _, b := range telnyxInventory {
		for i := range telnyxInventoryPerBlock {
			line := (1050 + i*211) % 10000
			out = append(out, availableNumber{e164: fmt.Sprintf("+1%s555%04d", b.ndc, line), ndc: b.ndc,
				locality: b.locality, state: b.state, rateCenter: b.rateCenter, numberType: b.numberType,
				features: b.features, upfront: b.upfront, monthly: b.monthly, quickship: b.quickship})
		}
	}
	return out
}

// searchParams are the query parameters the spec lists for
// ListAvailablePhoneNumbers (spec25 names; filter[features] may repeat or
// carry a comma-separated list).
var searchParams = map[string]bool{
	"filter[phone_number][starts_with]": true, "filter[phone_number][ends_with]": true,
	"filter[phone_number][contains]": true, "filter[locality]": true, "filter[administrative_area]": true,
	"filter[country_code]": true, "filter[national_destination_code]": true, "filter[rate_center]": true,
	"filter[phone_number_type]": true, "filter[features]": true, "filter[features][]": true, "filter[limit]": true,
	"filter[best_effort]": true, "filter[quickship]": true, "filter[reservable]": true,
	"filter[exclude_held_numbers]": true,
}

var (
	searchTypes    = []string{"local", "toll_free", "mobile", "national", "shared_cost"}
	searchFeatures = []string{"sms", "mms", "voice", "fax", "emergency", "hd_voice", "international_sms", "local_calling"}
	alnumRe        = regexp.MustCompile(`^[0-9A-Za-z]+$`)
	iso2Re         = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// keypad turns a vanity pattern ("TACO") into digits ("8226").
func keypad(s string) string {
	const keys = "22233344455566677778889999"
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return rune(keys[r-'a'])
		case r >= 'A' && r <= 'Z':
			return rune(keys[r-'A'])
		}
		return r
	}, s)
}

// searchAvailable serves GET /v2/available_phone_numbers (spec
// ListAvailablePhoneNumbers). filter[country_code] is required ("Country
// code is always required", number-search guide); an unknown parameter,
// an enum value outside the spec's, or a non-integer/non-boolean answers
// 400 with the error envelope naming source.parameter. Wildcards yield 0
// results (number-search guide). No maximum for filter[limit] is
// documented: the fake applies none.
func (f *Fake) searchAvailable(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	for k := range q {
		if !searchParams[k] {
			writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "Unknown parameter "+k+".", k))
			return
		}
	}
	cc := q.Get("filter[country_code]")
	if cc == "" {
		writeErrs(w, http.StatusBadRequest, paramItem("10004", "Missing required parameter", "filter[country_code] is required.", "filter[country_code]"))
		return
	}
	if !iso2Re.MatchString(cc) {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "filter[country_code] must be an ISO 3166-1 alpha-2 code.", "filter[country_code]"))
		return
	}
	if t := q.Get("filter[phone_number_type]"); t != "" && !slices.Contains(searchTypes, t) {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "filter[phone_number_type] must be one of "+strings.Join(searchTypes, ", ")+".", "filter[phone_number_type]"))
		return
	}
	var features []string
	for _, k := range []string{"filter[features]", "filter[features][]"} {
		for _, v := range q[k] {
			for _, x := range strings.Split(v, ",") {
				if x = strings.TrimSpace(x); !slices.Contains(searchFeatures, x) {
					writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "filter[features] has an unknown feature "+strconv.Quote(x)+".", k))
					return
				}
				features = append(features, x)
			}
		}
	}
	limit := 0
	if v := q.Get("filter[limit]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "filter[limit] must be an integer >= 1.", "filter[limit]"))
			return
		}
		limit = n
	}
	for _, k := range []string{"filter[best_effort]", "filter[quickship]", "filter[reservable]", "filter[exclude_held_numbers]"} {
		if v := q.Get(k); v != "" && v != "true" && v != "false" {
			writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", k+" must be true or false.", k))
			return
		}
	}
	pattern := func(k string) (string, bool) {
		v := q.Get(k)
		if v != "" && !alnumRe.MatchString(v) {
			return "", false // wildcards yield no results
		}
		return keypad(v), true
	}
	starts, ok1 := pattern("filter[phone_number][starts_with]")
	ends, ok2 := pattern("filter[phone_number][ends_with]")
	contains, ok3 := pattern("filter[phone_number][contains]")
	ndc := q.Get("filter[national_destination_code]")
	data := []any{}
	if ok1 && ok2 && ok3 && strings.EqualFold(cc, "US") {
		f.mu.Lock()
		for _, n := range telnyxAvailable() {
			if _, owned := f.byE164[n.e164]; owned || f.buy.sold[n.e164] {
				continue
			}
			national := strings.TrimPrefix(n.e164, "+1")
			rest := national // starts_with/contains/ends_with exclude the NDC when it is given
			if ndc != "" {
				if !strings.HasPrefix(national, ndc) {
					continue
				}
				rest = national[len(ndc):]
			}
			if starts != "" && !strings.HasPrefix(rest, starts) || ends != "" && !strings.HasSuffix(rest, ends) ||
				contains != "" && !strings.Contains(rest, contains) ||
				q.Get("filter[phone_number_type]") != "" && q.Get("filter[phone_number_type]") != n.numberType ||
				q.Get("filter[locality]") != "" && !strings.EqualFold(q.Get("filter[locality]"), n.locality) ||
				q.Get("filter[administrative_area]") != "" && !strings.EqualFold(q.Get("filter[administrative_area]"), n.state) ||
				q.Get("filter[rate_center]") != "" && !strings.EqualFold(q.Get("filter[rate_center]"), n.rateCenter) ||
				q.Get("filter[quickship]") == "true" && !n.quickship {
				continue
			}
			has := true
			for _, x := range features {
				has = has && slices.Contains(n.features, x)
			}
			if !has {
				continue
			}
			data = append(data, renderAvailable(n))
			if limit > 0 && len(data) >= limit {
				break
			}
		}
		f.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data,
		"meta": map[string]any{"total_results": len(data), "best_effort_results": 0}})
}

func renderAvailable(n availableNumber) map[string]any {
	regions := []any{}
	if n.rateCenter != "" {
		regions = append(regions, map[string]any{"region_type": "rate_center", "region_name": n.rateCenter})
	}
	if n.locality != "" {
		regions = append(regions, map[string]any{"region_type": "location", "region_name": n.locality})
	}
	if n.state != "" {
		regions = append(regions, map[string]any{"region_type": "state", "region_name": n.state})
	}
	regions = append(regions, map[string]any{"region_type": "country_code", "region_name": "US"})
	feats := []any{}
	for _, x := range n.features {
		feats = append(feats, map[string]any{"name": x})
	}
	return map[string]any{"record_type": "available_phone_number", "phone_number": n.e164, "vanity_format": "",
		"best_effort": false, "quickship": n.quickship, "reservable": true, "region_information": regions,
		"features": feats, "cost_information": map[string]any{"upfront_cost": n.upfront, "monthly_cost": n.monthly, "currency": "USD"}}
}
