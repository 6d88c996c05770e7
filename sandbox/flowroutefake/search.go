package flowroutefake

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The seeded inventory GET /v2/numbers/available searches (deterministic):
// for each area code, 40 numbers NPA-555-XXXX. A number on the account
// (f.numbers) is never offered.
var inventoryAreas = []struct {
	npa, rateCenter, state, numberType string
	monthly, setup                     float64
}{
	{"206", "sttl", "wa", "longcode", 1.25, 1.0},
	{"312", "chcgzn01", "il", "longcode", 1.25, 1.0},
	{"646", "nwyrcyzn01", "ny", "longcode", 1.25, 3.99},
	{"888", "", "", "toll-free", 2.0, 1.0},
}

const inventoryPerArea = 40

type availableNumber struct {
	value, rateCenter, state, numberType string
	monthly, setup                       float64
}

func inventory() []availableNumber {
	var out []availableNumber
	for _, a := range inventoryAreas {
		for i := range inventoryPerArea {
			line := (1000 + i*137) % 10000
			out = append(out, availableNumber{
				value: fmt.Sprintf("1%s555%04d", a.npa, line), rateCenter: a.rateCenter, state: a.state,
				numberType: a.numberType, monthly: a.monthly, setup: a.setup,
			})
		}
	}
	return out
}

var (
	digitsRe  = regexp.MustCompile(`^[0-9]+$`)
	prefixRe  = regexp.MustCompile(`^\+?[0-9]+$`)
	countryRe = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

var searchOrderBy = map[string]bool{"monthly_cost": true, "iso_country": true, "number_type": true, "state": true,
	"rate_center": true, "number": true, "value": true, "tn": true}

// searchAvailable serves GET /v2/numbers/available (reference §3,
// N:search-for-purchasable-phone-numbers): starts_with (country code 1
// assumed unless it starts with "+"), contains, ends_with, rate_center
// (needs state), state, number_type (toll-free|longcode), iso_country,
// order_by, limit ≤ 200 (default 10), offset. Bad values answer the
// documented 422 validation shape.
func (f *Fake) searchAvailable(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		f.methodNotAllowed(w, r)
		return
	}
	q := r.URL.Query()
	errs := map[string][]string{}
	for _, k := range []string{"contains", "ends_with"} {
		if v := q.Get(k); v != "" && !digitsRe.MatchString(v) {
			errs[k] = []string{"Not a valid integer."}
		}
	}
	if v := q.Get("starts_with"); v != "" && !prefixRe.MatchString(v) {
		errs["starts_with"] = []string{"Not a valid integer."}
	}
	if v := q.Get("number_type"); v != "" && v != "toll-free" && v != "longcode" {
		errs["number_type"] = []string{"Must be one of: toll-free, longcode."}
	}
	if v := q.Get("iso_country"); v != "" && !countryRe.MatchString(v) {
		errs["iso_country"] = []string{"Must be an ISO 3166-1 alpha-2 code."}
	}
	if v := q.Get("state"); v != "" && !countryRe.MatchString(v) {
		errs["state"] = []string{"Must be a 2-letter state or province abbreviation."}
	}
	if q.Get("rate_center") != "" && q.Get("state") == "" {
		errs["state"] = []string{"Required when rate_center is given."}
	}
	if v := q.Get("order_by"); v != "" && !searchOrderBy[strings.TrimPrefix(v, "-")] {
		errs["order_by"] = []string{"Not a valid ordering."}
	}
	if len(errs) > 0 {
		f.mu.Lock()
		f.validationLocked(w, r, errs)
		f.mu.Unlock()
		return
	}
	// Country code 1 is assumed unless the value starts with "+"; the
	// documented links (links.self "starts_with=1646" for a request of
	// 646, exchanges' related "starts_with=1347215") carry the 1 already,
	// and no NANP area code starts with 1, so a leading 1 is the country code.
	starts := q.Get("starts_with")
	if rest, ok := strings.CutPrefix(starts, "+"); ok {
		starts = rest
	} else if starts != "" && !strings.HasPrefix(starts, "1") {
		starts = "1" + starts
	}
	iso := strings.ToUpper(q.Get("iso_country"))
	f.mu.Lock()
	var out []availableNumber
	for _, n := range inventory() {
		if _, owned := f.numbers[n.value]; owned || f.sold[n.value] {
			continue
		}
		if iso != "" && iso != "US" {
			continue // the seeded inventory is US only
		}
		if starts != "" && !strings.HasPrefix(n.value, starts) ||
			q.Get("contains") != "" && !strings.Contains(n.value, q.Get("contains")) ||
			q.Get("ends_with") != "" && !strings.HasSuffix(n.value, q.Get("ends_with")) ||
			q.Get("number_type") != "" && q.Get("number_type") != n.numberType ||
			q.Get("state") != "" && !strings.EqualFold(q.Get("state"), n.state) ||
			q.Get("rate_center") != "" && !strings.EqualFold(q.Get("rate_center"), n.rateCenter) {
			continue
		}
		out = append(out, n)
	}
	base := baseURL(r)
	body, ok := pageBodyLocked(f, w, r, out, func(n availableNumber) any {
		return map[string]any{
			"id": n.value, "type": "number",
			"attributes": map[string]any{"value": n.value, "rate_center": emptyNull(n.rateCenter), "state": emptyNull(n.state),
				"number_type": n.numberType, "monthly_cost": n.monthly, "setup_cost": n.setup},
			"links": map[string]any{"related": base + "/v2/numbers/" + n.value},
		}
	})
	f.mu.Unlock()
	if ok {
		writeJSON(w, r, http.StatusOK, body)
	}
}

// searchAreaCodes serves GET /v2/numbers/available/areacodes (documented
// example, SDK v3 README: data[] {type:"areacode", id, links.related} with
// limit, offset, max_setup_cost) over the seeded inventory.
func (f *Fake) searchAreaCodes(w http.ResponseWriter, r *http.Request) {
	f.searchGroups(w, r, "areacode", func(n availableNumber) string { return n.value[1:4] },
		func(base, id string) string { return base + "/v2/numbers/available/exchanges?areacode=" + id })
}

// searchExchanges serves GET /v2/numbers/available/exchanges (documented
// example: data[] {type:"exchange", id:"NPANXX", links.related} with
// limit, offset, max_setup_cost, areacode).
func (f *Fake) searchExchanges(w http.ResponseWriter, r *http.Request) {
	f.searchGroups(w, r, "exchange", func(n availableNumber) string { return n.value[1:7] },
		func(base, id string) string { return base + "/v2/numbers/available?starts_with=1" + id })
}

func (f *Fake) searchGroups(w http.ResponseWriter, r *http.Request, typ string, key func(availableNumber) string, related func(base, id string) string) {
	if r.Method != http.MethodGet {
		f.methodNotAllowed(w, r)
		return
	}
	q := r.URL.Query()
	errs := map[string][]string{}
	maxSetup := -1.0
	if v := q.Get("max_setup_cost"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 {
			errs["max_setup_cost"] = []string{"Not a valid number."}
		}
		maxSetup = x
	}
	area := q.Get("areacode")
	if typ == "exchange" && area != "" && (len(area) != 3 || !digitsRe.MatchString(area)) {
		errs["areacode"] = []string{"Not a valid area code."}
	}
	if len(errs) > 0 {
		f.mu.Lock()
		f.validationLocked(w, r, errs)
		f.mu.Unlock()
		return
	}
	var ids []string
	seen := map[string]bool{}
	f.mu.Lock()
	for _, n := range inventory() {
		if _, owned := f.numbers[n.value]; owned || f.sold[n.value] || maxSetup >= 0 && n.setup > maxSetup || area != "" && n.value[1:4] != area {
			continue
		}
		if k := key(n); !seen[k] {
			seen[k] = true
			ids = append(ids, k)
		}
	}
	base := baseURL(r)
	body, ok := pageBodyLocked(f, w, r, ids, func(id string) any {
		return map[string]any{"type": typ, "id": id, "links": map[string]any{"related": related(base, id)}}
	})
	f.mu.Unlock()
	if ok {
		writeJSON(w, r, http.StatusOK, body)
	}
}

// routeAvailable serves /v2/numbers/available[/areacodes|/exchanges].
func (f *Fake) routeAvailable(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case len(seg) == 0:
		f.searchAvailable(w, r)
	case len(seg) == 1 && seg[0] == "areacodes":
		f.searchAreaCodes(w, r)
	case len(seg) == 1 && seg[0] == "exchanges":
		f.searchExchanges(w, r)
	default:
		f.urlNotFound(w)
	}
}
