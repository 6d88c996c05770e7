package telnyxfake

import (
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

type order struct {
	id               string
	seq              int
	group            string // create call; orders of one call share parent_support_key
	status           string
	details          []Detail
	supportKey       string
	parentSupportKey string
	subRequestID     string
	createdAt        time.Time
	updatedAt        time.Time
	numbers          []string // E.164
	carrier          string
	fastPortable     bool
	exceptionFixed   bool
	attrs            map[string]any // the PATCH-able attributes, null-laden
	comments         []map[string]any
	additional       []map[string]any
	jobs             []*activationJob // FastPort activation jobs, oldest first
}

func (o *order) hasSuffix(s string) bool {
	for _, n := range o.numbers {
		if scenarios.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

func (o *order) focRequested() (time.Time, bool) {
	as, _ := o.attrs["activation_settings"].(map[string]any)
	t, err := time.Parse(time.RFC3339, str(as["foc_datetime_requested"]))
	return t, err == nil
}

func (o *order) focActual() (time.Time, bool) {
	as, _ := o.attrs["activation_settings"].(map[string]any)
	t, err := time.Parse(time.RFC3339, str(as["foc_datetime_actual"]))
	return t, err == nil
}

// skeleton is the documented shape of a fresh draft: every scalar null.
func skeleton(fastPortable bool) map[string]any {
	return map[string]any{
		"activation_settings": map[string]any{"activation_status": nil, "fast_port_eligible": fastPortable,
			"foc_datetime_requested": nil, "foc_datetime_actual": nil},
		"customer_reference":       nil,
		"customer_group_reference": nil,
		"documents":                map[string]any{"loa": nil, "invoice": nil},
		"end_user": map[string]any{
			"admin": map[string]any{"entity_name": nil, "auth_person_name": nil, "billing_phone_number": nil,
				"account_number": nil, "pin_passcode": nil, "tax_identifier": nil, "business_identifier": nil},
			"location": map[string]any{"street_address": nil, "extended_address": nil, "locality": nil,
				"administrative_area": nil, "postal_code": nil, "country_code": nil},
		},
		"messaging": map[string]any{"enable_messaging": false, "messaging_capable": true,
			"messaging_port_completed": false, "messaging_port_status": "not_applicable"},
		"misc": nil,
		"phone_number_configuration": map[string]any{"connection_id": nil, "messaging_profile_id": nil,
			"billing_group_id": nil, "emergency_address_id": nil, "tags": []any{}},
		"requirements":         []any{},
		"requirement_group_id": nil,
		"user_feedback":        map[string]any{"user_rating": nil, "user_comment": nil},
		"webhook_url":          nil,
	}
}

// patchSchema lists what UpdatePortingOrder accepts: nil = a scalar (or
// array) leaf, a map = an object with those keys.
var patchSchema = map[string]any{
	"activation_settings":      map[string]any{"foc_datetime_requested": nil},
	"customer_reference":       nil,
	"customer_group_reference": nil,
	"documents":                map[string]any{"loa": nil, "invoice": nil},
	"end_user": map[string]any{
		"admin": map[string]any{"entity_name": nil, "auth_person_name": nil, "billing_phone_number": nil,
			"account_number": nil, "pin_passcode": nil, "tax_identifier": nil, "business_identifier": nil},
		"location": map[string]any{"street_address": nil, "extended_address": nil, "locality": nil,
			"administrative_area": nil, "postal_code": nil, "country_code": nil},
	},
	"messaging": map[string]any{"enable_messaging": nil},
	"misc":      map[string]any{"type": nil, "remaining_numbers_action": nil, "new_billing_phone_number": nil},
	"phone_number_configuration": map[string]any{"connection_id": nil, "messaging_profile_id": nil,
		"billing_group_id": nil, "emergency_address_id": nil, "tags": nil},
	"requirement_group_id": nil,
	"requirements":         nil,
	"user_feedback":        map[string]any{"user_rating": nil, "user_comment": nil},
	"webhook_url":          nil,
}

// checkPatch validates body against schema; it returns one error per problem.
func checkPatch(body map[string]any, schema map[string]any, prefix string) []apiError {
	var errs []apiError
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := body[k]
		ptr := prefix + "/" + k
		sub, known := schema[k]
		if !known {
			errs = append(errs, badRequest(fmt.Sprintf("%s is not an updatable attribute", ptr), ptr))
			continue
		}
		subSchema, isObj := sub.(map[string]any)
		if isObj && v != nil {
			m, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, badRequest(ptr+" must be an object", ptr))
				continue
			}
			errs = append(errs, checkPatch(m, subSchema, ptr)...)
			continue
		}
		if !isObj {
			errs = append(errs, checkLeaf(ptr, v)...)
		}
	}
	return errs
}

func checkLeaf(ptr string, v any) []apiError {
	if v == nil {
		return nil
	}
	switch ptr {
	case "/phone_number_configuration/tags":
		arr, ok := v.([]any)
		if !ok {
			return []apiError{badRequest("tags must be an array of strings", ptr)}
		}
		for _, t := range arr {
			if _, ok := t.(string); !ok {
				return []apiError{badRequest("tags must be an array of strings", ptr)}
			}
		}
		return nil
	case "/requirements":
		if _, ok := v.([]any); !ok {
			return []apiError{badRequest("requirements must be an array", ptr)}
		}
		return nil
	case "/messaging/enable_messaging":
		if _, ok := v.(bool); !ok {
			return []apiError{badRequest("enable_messaging must be a boolean", ptr)}
		}
		return nil
	case "/user_feedback/user_rating":
		if _, ok := v.(float64); !ok {
			return []apiError{badRequest("user_rating must be an integer", ptr)}
		}
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return []apiError{badRequest(ptr+" must be a string", ptr)}
	}
	switch ptr {
	case "/end_user/admin/billing_phone_number", "/misc/new_billing_phone_number":
		if !isE164(s) {
			return []apiError{errItem("10016", "Phone number must be in +E.164 format", ptr+" must be in +E.164 format", ptr)}
		}
	case "/activation_settings/foc_datetime_requested":
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return []apiError{badRequest("foc_datetime_requested must be an ISO 8601 date-time", ptr)}
		}
	case "/misc/type":
		if s != "full" && s != "partial" {
			return []apiError{badRequest("misc.type must be full or partial", ptr)}
		}
	case "/misc/remaining_numbers_action":
		if s != "keep" && s != "disconnect" {
			return []apiError{badRequest("remaining_numbers_action must be keep or disconnect", ptr)}
		}
	case "/end_user/location/country_code":
		if len(s) != 2 {
			return []apiError{badRequest("country_code must be ISO 3166-1 alpha-2", ptr)}
		}
	}
	return nil
}

// merge applies a merge-patch: objects recurse, explicit null clears.
func merge(dst map[string]any, patch map[string]any, fresh map[string]any) {
	for k, v := range patch {
		pm, isObj := v.(map[string]any)
		switch {
		case v == nil:
			if k == "misc" || fresh == nil {
				dst[k] = nil
			} else if fv, ok := fresh[k].(map[string]any); ok {
				dst[k] = fv // clearing an object resets it to its null-laden shape
			} else {
				dst[k] = nil
			}
		case isObj:
			cur, ok := dst[k].(map[string]any)
			if !ok {
				cur = map[string]any{}
				if k == "misc" {
					cur = map[string]any{"type": nil, "remaining_numbers_action": nil, "new_billing_phone_number": nil}
				}
				dst[k] = cur
			}
			var fr map[string]any
			if fresh != nil {
				fr, _ = fresh[k].(map[string]any)
			}
			merge(cur, pm, fr)
		default:
			dst[k] = v
		}
	}
}

func (f *Fake) render(o *order, withNumbers bool) map[string]any {
	m := map[string]any{}
	for k, v := range o.attrs {
		m[k] = v
	}
	details := []any{}
	for _, d := range o.details {
		details = append(details, map[string]any{"code": d.Code, "description": d.Description})
	}
	m["id"] = o.id
	m["record_type"] = "porting_order"
	m["status"] = map[string]any{"value": o.status, "details": details}
	m["support_key"] = nilIfEmpty(o.supportKey)
	m["parent_support_key"] = nilIfEmpty(o.parentSupportKey)
	m["description"] = fmt.Sprintf("Port of %d number(s) from %s", len(o.numbers), o.carrier)
	m["old_service_provider_ocn"] = o.carrier
	m["phone_number_type"] = phoneNumberType(o.numbers[0])
	m["porting_phone_numbers_count"] = len(o.numbers)
	m["requirements_met"] = o.requirementsMet()
	m["additional_steps"] = []any{}
	m["user_id"] = "4f5a1c2e-0000-4000-8000-000000000001"
	m["created_at"] = ts(o.createdAt)
	m["updated_at"] = ts(o.updatedAt)
	if withNumbers {
		pns := []any{}
		for i, n := range o.numbers {
			if i == 50 {
				break
			}
			pns = append(pns, f.portingPhoneNumber(o, n))
		}
		m["phone_numbers"] = pns
	}
	return m
}

func (f *Fake) portingPhoneNumber(o *order, n string) map[string]any {
	ps := "pending"
	if o.status != StatusDraft {
		ps = "confirmed"
	}
	rs := "requirement-info-pending"
	if o.requirementsMet() {
		rs = "approved"
	}
	as, _ := o.attrs["activation_settings"].(map[string]any)
	m := map[string]any{"phone_number": n, "phone_number_type": phoneNumberType(n),
		"porting_order_id": o.id, "porting_order_status": o.status,
		"portability_status": ps, "requirements_status": rs, "record_type": "porting_phone_number"}
	// support_key and activation_status are not nullable in the schema:
	// absent until Telnyx has them.
	if o.supportKey != "" {
		m["support_key"] = o.supportKey
	}
	if v, ok := as["activation_status"].(string); ok {
		m["activation_status"] = v
	}
	return m
}

func (o *order) requirementsMet() bool {
	return o.docValue("loa") != "" && o.docValue("invoice") != ""
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sortedOrders returns orders oldest first (created_at, then creation sequence).
func (f *Fake) sortedOrders(asc bool) []*order {
	out := make([]*order, 0, len(f.orders))
	for _, o := range f.orders {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool {
		if asc {
			return out[i].seq < out[j].seq
		}
		return out[i].seq > out[j].seq
	})
	return out
}

func (f *Fake) lookupOrder(w http.ResponseWriter, id string) (*order, bool) {
	if !isUUID(id) {
		// Porting order ids are UUIDs (spec: format uuid); 10006 "Invalid ID".
		writeErrs(w, http.StatusBadRequest, errItem("10006", "Invalid ID", "porting order id must be a UUID", "/"))
		return nil, false
	}
	o, ok := f.orders[id]
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Porting order "+id))
	}
	return o, ok
}

// activeOrderOf is the order (not cancelled, not ported) holding n, if any.
func (f *Fake) activeOrderOf(n string) *order {
	for _, o := range f.sortedOrders(true) {
		if o.status != StatusCancelled && o.status != StatusPorted && slices.Contains(o.numbers, n) {
			return o
		}
	}
	return nil
}

func (f *Fake) writeOrder(w http.ResponseWriter, status int, o *order, withNumbers bool) {
	writeJSON(w, status, map[string]any{"data": f.render(o, withNumbers), "meta": orderMeta(o.id)})
}

// ---- portability ----

func portability(n string) (portable, fast bool, reason, carrier string) {
	switch {
	case scenarios.HasSuffix(n, scenarios.SuffixNotPortable):
		return false, false, "No coverage", ""
	case scenarios.HasSuffix(n, scenarios.SuffixFastPortable):
		return true, true, "", carrierFor(n)
	}
	return true, false, "", carrierFor(n)
}

func carrierFor(n string) string {
	if scenarios.HasSuffix(n, scenarios.SuffixSplit) {
		return "Sandbox Other Carrier"
	}
	return "Sandbox Losing Carrier"
}

// numbersField validates a phone_numbers array of +E.164 strings.
func numbersField(body map[string]any, key string) ([]string, []apiError) {
	raw, ok := body[key].([]any)
	if !ok || len(raw) == 0 {
		return nil, []apiError{errItem("10004", "Missing required parameter", key+" must be a non-empty array", "/"+key)}
	}
	var out []string
	var errs []apiError
	for i, v := range raw {
		s, _ := v.(string)
		ptr := fmt.Sprintf("/%s/%d", key, i)
		if !isE164(s) {
			errs = append(errs, errItem("10016", "Phone number must be in +E.164 format",
				fmt.Sprintf("%q is not a valid +E.164 phone number", s), ptr))
			continue
		}
		out = append(out, s)
	}
	return out, errs
}

func (f *Fake) portabilityCheck(w http.ResponseWriter, r *http.Request, _ []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	nums, errs := numbersField(body, "phone_numbers")
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	data := []any{}
	for _, n := range nums {
		p, fast, reason, carrier := portability(n)
		data = append(data, map[string]any{"phone_number": n, "portable": p, "fast_portable": fast,
			"not_portable_reason": reason, "carrier_name": carrier, "phone_number_type": phoneNumberType(n),
			"messaging_capable": p, "record_type": "portability_check_result"})
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": data})
}

// ---- create / list / get / patch / delete ----

func (f *Fake) createOrders(w http.ResponseWriter, r *http.Request, _ []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	nums, errs := numbersField(body, "phone_numbers")
	for i, n := range nums {
		if p, _, reason, _ := portability(n); !p {
			errs = append(errs, errItem("10015", "Bad Request",
				fmt.Sprintf("%s is not portable: %s", n, reason), fmt.Sprintf("/phone_numbers/%d", i)))
		}
	}
	for _, k := range []string{"customer_reference", "customer_group_reference"} {
		if v, ok := body[k]; ok && v != nil {
			if _, isStr := v.(string); !isStr {
				errs = append(errs, badRequest(k+" must be a string", "/"+k))
			}
		}
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// A number can be on one active porting order only.
	for i, n := range nums {
		if other := f.activeOrderOf(n); other != nil {
			errs = append(errs, errItem("10015", "Bad Request",
				fmt.Sprintf("%s is already on porting order %s", n, other.id), fmt.Sprintf("/phone_numbers/%d", i)))
		}
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	// Split as Telnyx does (D start): numbers are grouped by country, number
	// type, losing carrier (the SPID stand-in; SuffixSplit numbers have
	// another) and FastPort eligibility; each group is its own order.
	type splitKey struct {
		country, numberType, carrier string
		fast                         bool
	}
	groups := map[splitKey][]string{}
	var keys []splitKey
	seen := map[string]bool{}
	for _, n := range nums {
		if seen[n] {
			continue
		}
		seen[n] = true
		_, fp, _, _ := portability(n)
		k := splitKey{countryOf(n), phoneNumberType(n), carrierFor(n), fp}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], n)
	}
	now := f.now()
	group := uuid.New()
	var created []*order
	for _, k := range keys {
		f.seq++
		c, fast := k.carrier, k.fast
		o := &order{id: uuid.New(), seq: f.seq, group: group, status: StatusDraft, createdAt: now, updatedAt: now,
			numbers: groups[k], carrier: c, fastPortable: fast, attrs: skeleton(fast)}
		o.attrs["customer_reference"] = body["customer_reference"]
		o.attrs["customer_group_reference"] = body["customer_group_reference"]
		f.orders[o.id] = o
		created = append(created, o)
	}
	data := []any{}
	for _, o := range created {
		data = append(data, f.render(o, true))
	}
	for _, o := range created[min(1, len(created)):] {
		for range o.numbers {
			f.emit("porting_order.split", map[string]any{"from": map[string]any{"id": created[0].id},
				"to": map[string]any{"id": o.id}}, o)
		}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": data})
}

// orderListParams are the query parameters GET /porting_orders documents
// (current spec, deepObject style; telnyx-go PortingOrderListParams).
var orderListParams = []string{"page[number]", "page[size]", "include_phone_numbers", "sort[value]",
	"filter[customer_reference]", "filter[customer_group_reference]", "filter[parent_support_key]",
	"filter[phone_numbers][phone_number][contains]", "filter[phone_numbers][country_code]",
	"filter[phone_numbers][carrier_name]", "filter[misc][type]", "filter[end_user][admin][entity_name]",
	"filter[end_user][admin][auth_person_name]", "filter[activation_settings][fast_port_eligible]",
	"filter[activation_settings][foc_datetime_requested][gt]", "filter[activation_settings][foc_datetime_requested][lt]"}

// Porting order sort keys (sort[value]).
var orderSorts = []string{"created_at", "-created_at",
	"activation_settings.foc_datetime_requested", "-activation_settings.foc_datetime_requested"}

func (f *Fake) listOrders(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	bad := func(param, detail string) {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", detail, param))
	}
	// Only the current specification's parameters (deepObject: sort[value],
	// filter[phone_numbers][phone_number][contains], …). The pre-2025 names
	// (sort[], filter[status], filter[a.b]) are refused rather than quietly
	// honoured, so a client sending them finds out here.
	for k := range q {
		if !slices.Contains(orderListParams, k) {
			bad(k, "unknown query parameter "+k)
			return
		}
	}
	sortV := q.Get("sort[value]")
	if sortV == "" {
		sortV = "-created_at"
	}
	if !slices.Contains(orderSorts, sortV) {
		bad("sort[value]", "unsupported sort "+sortV)
		return
	}
	ref := q.Get("filter[customer_reference]")
	groupRef := q.Get("filter[customer_group_reference]")
	psk := q.Get("filter[parent_support_key]")
	contains := digits(filterParam(q, "phone_numbers.phone_number", "contains"))
	country := filterParam(q, "phone_numbers.country_code")
	carrier := filterParam(q, "phone_numbers.carrier_name")
	miscType := filterParam(q, "misc.type")
	if miscType != "" && miscType != "full" && miscType != "partial" {
		bad("filter[misc.type]", "misc.type must be full or partial")
		return
	}
	entity := filterParam(q, "end_user.admin.entity_name")
	authPerson := filterParam(q, "end_user.admin.auth_person_name")
	var fastPort *bool
	if v := filterParam(q, "activation_settings.fast_port_eligible"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("filter[activation_settings.fast_port_eligible]", "fast_port_eligible must be true or false")
			return
		}
		fastPort = &b
	}
	var focGT, focLT time.Time
	for _, c := range []struct {
		op  string
		dst *time.Time
	}{{"gt", &focGT}, {"lt", &focLT}} {
		if v := filterParam(q, "activation_settings.foc_datetime_requested", c.op); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad("filter[activation_settings.foc_datetime_requested]["+c.op+"]", "foc_datetime_requested must be an ISO 8601 date-time")
				return
			}
			*c.dst = t
		}
	}
	withNumbers := q.Get("include_phone_numbers") != "false"

	f.mu.Lock()
	defer f.mu.Unlock()
	var match []*order
	for _, o := range f.sortedOrders(sortV == "created_at") {
		if ref != "" && str(o.attrs["customer_reference"]) != ref {
			continue
		}
		if groupRef != "" && str(o.attrs["customer_group_reference"]) != groupRef {
			continue
		}
		if psk != "" && o.parentSupportKey != psk {
			continue
		}
		if contains != "" && !slices.ContainsFunc(o.numbers, func(n string) bool { return strings.Contains(digits(n), contains) }) {
			continue
		}
		if country != "" && !slices.ContainsFunc(o.numbers, func(n string) bool { return countryOf(n) == country }) {
			continue
		}
		if carrier != "" && o.carrier != carrier {
			continue
		}
		if miscType != "" && str(lookupPtr(o.attrs, "/misc/type")) != miscType {
			continue
		}
		if entity != "" && str(lookupPtr(o.attrs, "/end_user/admin/entity_name")) != entity {
			continue
		}
		if authPerson != "" && str(lookupPtr(o.attrs, "/end_user/admin/auth_person_name")) != authPerson {
			continue
		}
		if fastPort != nil && o.fastPortable != *fastPort {
			continue
		}
		if !focGT.IsZero() || !focLT.IsZero() {
			req, ok := o.focRequested()
			if !ok || (!focGT.IsZero() && !req.After(focGT)) || (!focLT.IsZero() && !req.Before(focLT)) {
				continue
			}
		}
		match = append(match, o)
	}
	if strings.HasSuffix(sortV, "activation_settings.foc_datetime_requested") {
		// Orders without a requested FOC date sort as the largest value
		// (last ascending, first descending); ties keep creation order.
		desc := strings.HasPrefix(sortV, "-")
		sort.SliceStable(match, func(i, j int) bool {
			ti, iok := match[i].focRequested()
			tj, jok := match[j].focRequested()
			if iok && jok {
				if desc {
					return ti.After(tj)
				}
				return ti.Before(tj)
			}
			if iok == jok {
				return false
			}
			return iok != desc
		})
	}
	writePage(w, num, size, match, func(o *order) any { return f.render(o, withNumbers) })
}

func (f *Fake) getOrder(w http.ResponseWriter, r *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	f.writeOrder(w, http.StatusOK, o, r.URL.Query().Get("include_phone_numbers") != "false")
}

func (f *Fake) patchOrder(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	if why := f.patchRefusal(o, body); why != "" {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(why))
		return
	}
	errs := checkPatch(body, patchSchema, "")
	if len(errs) == 0 {
		errs = append(errs, checkFOCRequested(body, focWindowsFor(o, f.now()))...)
		errs = append(errs, checkMisc(o.attrs, body)...)
		errs = append(errs, f.checkRequirements(o, body)...)
	}
	if docs, ok := body["documents"].(map[string]any); ok {
		for _, k := range []string{"loa", "invoice"} {
			if id := str(docs[k]); id != "" && f.docs[id] == nil {
				errs = append(errs, errItem("10005", "Resource not found", "document "+id+" not found", "/documents/"+k))
			}
		}
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	if reqs, ok := body["requirements"].([]any); ok {
		body["requirements"] = mergeRequirements(o.attrs["requirements"], reqs)
	}
	prevStatus := o.status
	merge(o.attrs, body, skeleton(o.fastPortable))
	now := f.now()
	o.updatedAt = now
	f.afterPatch(o, body, prevStatus, now)
	if o.status == StatusException {
		// The fix is in: Telnyx resubmits the order (D notif: back to submitted).
		o.exceptionFixed = true
		f.setStatus(o, StatusSubmitted, nil, now)
	}
	f.writeOrder(w, http.StatusOK, o, true)
}

func (f *Fake) deleteOrder(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	if o.status != StatusDraft {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(
			fmt.Sprintf("Only draft porting orders can be deleted; this one is %s.", o.status)))
		return
	}
	delete(f.orders, o.id)
	f.emitFlat("porting_order.deleted", map[string]any{"id": o.id,
		"customer_reference": o.attrs["customer_reference"], "deleted_at": ts(f.now())}, o)
	w.WriteHeader(http.StatusNoContent)
}

// checkFOCRequested: a requested FOC date must fall inside one of the
// order's allowed_foc_windows (so never in the past).
func checkFOCRequested(body map[string]any, windows [][2]time.Time) []apiError {
	as, _ := body["activation_settings"].(map[string]any)
	v := str(as["foc_datetime_requested"])
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil // checkLeaf reported it
	}
	for _, win := range windows {
		if !t.Before(win[0]) && !t.After(win[1]) {
			return nil
		}
	}
	const ptr = "/activation_settings/foc_datetime_requested"
	return []apiError{badRequest("foc_datetime_requested must fall inside one of the allowed FOC windows (GET /porting_orders/{id}/allowed_foc_windows)", ptr)}
}

// checkMisc enforces the documented misc rules on the order as it would be
// after the PATCH: with type full the other misc fields are omitted;
// remaining_numbers_action belongs to partial ports; keep needs
// new_billing_phone_number.
func checkMisc(cur, body map[string]any) []apiError {
	pm, touched := body["misc"]
	if !touched {
		return nil
	}
	eff := map[string]any{"type": nil, "remaining_numbers_action": nil, "new_billing_phone_number": nil}
	if cm, ok := cur["misc"].(map[string]any); ok {
		for k, v := range cm {
			eff[k] = v
		}
	}
	if pm == nil {
		return nil
	}
	for k, v := range pm.(map[string]any) {
		eff[k] = v
	}
	typ, action, nbpn := str(eff["type"]), str(eff["remaining_numbers_action"]), str(eff["new_billing_phone_number"])
	var errs []apiError
	if typ == "" { // misc.type is not nullable: a misc object needs it
		errs = append(errs, badRequest("misc.type is required (full or partial)", "/misc/type"))
	}
	switch {
	case typ == "full" && action != "":
		errs = append(errs, badRequest("remaining_numbers_action applies to partial ports only", "/misc/remaining_numbers_action"))
	case typ != "partial" && action != "":
		errs = append(errs, badRequest("remaining_numbers_action needs misc.type partial", "/misc/remaining_numbers_action"))
	}
	if typ == "full" && nbpn != "" {
		errs = append(errs, badRequest("new_billing_phone_number applies to partial ports only", "/misc/new_billing_phone_number"))
	}
	if action == "keep" && nbpn == "" {
		errs = append(errs, badRequest("remaining_numbers_action keep requires new_billing_phone_number", "/misc/new_billing_phone_number"))
	}
	return errs
}

// FOCWindows are the allowed FOC windows as of now: 14:00–22:00 UTC on
// the next five business days starting three days out (what
// GET …/allowed_foc_windows answers; foc_datetime_requested must fall in one).
func FOCWindows(now time.Time) [][2]time.Time { return focWindowsAt(now) }

func focWindowsAt(now time.Time) [][2]time.Time {
	day := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 3)
	var out [][2]time.Time
	for len(out) < 5 {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, [2]time.Time{day.Add(14 * time.Hour), day.Add(22 * time.Hour)})
		}
		day = day.AddDate(0, 0, 1)
	}
	return out
}

// ---- actions ----

var confirmRequired = []string{
	"/end_user/admin/entity_name", "/end_user/admin/auth_person_name", "/end_user/admin/billing_phone_number",
	"/end_user/location/street_address", "/end_user/location/locality", "/end_user/location/administrative_area",
	"/end_user/location/postal_code", "/end_user/location/country_code", "/misc/type", "/documents/loa",
	"/documents/invoice", // the order's requirements (LOA and invoice) must be met
}

func lookupPtr(m map[string]any, ptr string) any {
	var cur any = m
	for _, p := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func (f *Fake) confirmOrder(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	if o.status != StatusDraft {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(
			fmt.Sprintf("Only draft porting orders can be confirmed; this one is %s.", o.status)))
		return
	}
	var errs []apiError
	for _, ptr := range confirmRequired {
		if key, isDoc := strings.CutPrefix(ptr, "/documents/"); isDoc && o.docValue(key) != "" {
			continue // supplied as a requirement value
		}
		if str(lookupPtr(o.attrs, ptr)) == "" {
			errs = append(errs, errItem("10004", "Missing required parameter", ptr[1:]+" is required to confirm the order", ptr))
		}
	}
	if str(lookupPtr(o.attrs, "/misc/type")) == "partial" && str(lookupPtr(o.attrs, "/misc/remaining_numbers_action")) == "" {
		errs = append(errs, errItem("10004", "Missing required parameter",
			"misc/remaining_numbers_action is required to confirm a partial port", "/misc/remaining_numbers_action"))
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	f.assignKeys(o)
	f.setStatus(o, StatusInProcess, nil, f.now())
	f.writeOrder(w, http.StatusOK, o, true)
}

func (f *Fake) cancelOrder(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	switch o.status {
	case StatusDraft:
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal("Draft porting orders can not be cancelled; delete them instead."))
		return
	case StatusPorted, StatusCancelled, StatusCancelPending:
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(
			fmt.Sprintf("Porting order in status %s can not be cancelled.", o.status)))
		return
	}
	if foc, ok := o.focActual(); ok && foc.Sub(f.now()) < CancelCutoff {
		writeErrs(w, http.StatusUnprocessableEntity, statusRefusal(
			"Porting orders can not be cancelled within 48 hours of the FOC date."))
		return
	}
	f.setStatus(o, StatusCancelPending, nil, f.now())
	f.writeOrder(w, http.StatusOK, o, true)
}

// ---- comments ----

func (f *Fake) listComments(w http.ResponseWriter, r *http.Request, args []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	writePage(w, num, size, o.comments, func(c map[string]any) any { return c })
}

func (f *Fake) createComment(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	text, _ := body["body"].(string)
	if strings.TrimSpace(text) == "" {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10004", "Missing required parameter", "body is required", "/body"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	now := f.now()
	c := map[string]any{"id": uuid.New(), "body": text, "porting_order_id": o.id, "user_type": "user",
		"created_at": ts(now), "record_type": "porting_comment"}
	o.comments = append(o.comments, c)
	f.emit("porting_order.new_comment", map[string]any{
		"comment":          map[string]any{"id": c["id"], "body": text, "inserted_at": c["created_at"], "user_id": nil, "user_type": "user"},
		"porting_order_id": o.id, "support_key": nilIfEmpty(o.supportKey)}, o)
	writeJSON(w, http.StatusCreated, map[string]any{"data": c})
}

// ---- misc read-only sub-resources ----

var exceptionTypes = []Detail{
	{"ACCOUNT_NUMBER_MISMATCH", "Account number mismatch"}, {"AUTH_PERSON_MISMATCH", "Authorized person mismatch"},
	{"BTN_ATN_MISMATCH", "BTN/ATN mismatch"}, {"ENTITY_NAME_MISMATCH", "Entity name mismatch"},
	{"FOC_EXPIRED", "FOC expired"}, {"FOC_REJECTED", "FOC rejected"}, {"LOCATION_MISMATCH", "Location mismatch"},
	{"LSR_PENDING", "LSR pending"}, {"MAIN_BTN_PORTING", "Main BTN porting"}, {"OSP_IRRESPONSIVE", "Losing carrier irresponsive"},
	{"OTHER", "Other"}, {"PASSCODE_PIN_INVALID", "Passcode/PIN invalid"},
	{"PHONE_NUMBER_HAS_SPECIAL_FEATURE", "Phone number has special feature"}, {"PHONE_NUMBER_MISMATCH", "Phone number mismatch"},
	{"PHONE_NUMBER_NOT_PORTABLE", "Phone number not portable"}, {"PORT_TYPE_INCORRECT", "Port type incorrect"},
	{"PORTING_ORDER_SPLIT_REQUIRED", "Porting order split required"}, {"POSTAL_CODE_MISMATCH", "Postal code mismatch"},
	{"RATE_CENTER_NOT_PORTABLE", "Rate center not portable"}, {"SV_CONFLICT", "SV conflict"}, {"SV_UNKNOWN_FAILURE", "SV unknown failure"},
}

func (f *Fake) exceptionTypes(w http.ResponseWriter, _ *http.Request, _ []string) {
	writeJSON(w, http.StatusOK, map[string]any{"data": exceptionTypes})
}

func (f *Fake) focWindows(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	o, ok := f.lookupOrder(w, args[0])
	var wins [][2]time.Time
	if ok {
		wins = focWindowsFor(o, f.now())
	}
	f.mu.Unlock()
	if !ok {
		return
	}
	data := []any{}
	for _, win := range wins {
		data = append(data, map[string]any{"started_at": ts(win[0]), "ended_at": ts(win[1]),
			"record_type": "porting_order_allowed_foc_window"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": pageMeta(1, 20, len(data))})
}

func (f *Fake) requirements(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	mk := func(id, name, key string) map[string]any {
		st := "pending"
		if o.docValue(key) != "" {
			st = "approved"
		}
		return map[string]any{"field_type": "document", "field_value": o.docValue(key), "requirement_status": st,
			"requirement_type": map[string]any{"id": id, "name": name, "description": name + " for the port",
				"example": name + ".pdf", "type": "document", "acceptance_criteria": map[string]any{}},
			"record_type": "porting_requirement"}
	}
	data := []any{mk("0b1f6e2c-0000-4000-8000-00000000010a", "Letter of Authorization", "loa"),
		mk("0b1f6e2c-0000-4000-8000-00000000010b", "Invoice", "invoice")}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": pageMeta(1, 20, len(data))})
}

func (f *Fake) subRequest(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.lookupOrder(w, args[0])
	if !ok {
		return
	}
	if o.subRequestID == "" {
		writeErrs(w, http.StatusNotFound, notFound("Sub request for porting order "+o.id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"port_request_id": o.group, "sub_request_id": o.subRequestID}})
}

func (f *Fake) listPortingPhoneNumbers(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	oid, st := q.Get("filter[porting_order_id]"), q.Get("filter[porting_order_status]")
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []any
	for _, o := range f.sortedOrders(true) {
		if (oid != "" && o.id != oid) || (st != "" && o.status != st) {
			continue
		}
		for _, n := range o.numbers {
			all = append(all, f.portingPhoneNumber(o, n))
		}
	}
	writePage(w, num, size, all, func(x any) any { return x })
}
