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
)

type number struct {
	id                 string
	seq                int
	e164               string
	sourceType         string
	tags               []string
	customerReference  any
	connectionID       any
	messagingProfileID any
	externalPIN        any
	billingGroupID     any
	emergencyAddressID any
	emergencyStatus    string // "" = derived from emergencyAddressID (emergency.go)
	cnamEnabled        bool
	cnamDetails        string
	portOutStatus      string // "" (active), "port-out-pending" or "ported-out" (portouts.go)
	createdAt          time.Time
	updatedAt          time.Time
	status             string // "" = active; purchase-pending while its number order is (issue 14 — buy)
	deletionLock       bool   // deletion_lock_enabled (issue 14 — buy)
}

// addNumber puts e164 on the account. Caller holds f.mu (or is New).
func (f *Fake) addNumber(e164, source string, now time.Time) *number {
	f.nextNumID++
	f.seq++
	n := &number{id: strconv.FormatUint(f.nextNumID, 10), seq: f.seq, e164: e164, sourceType: source,
		tags: []string{}, createdAt: now, updatedAt: now}
	f.numbers[n.id] = n
	f.byE164[e164] = n
	return n
}

func (n *number) render() map[string]any {
	return map[string]any{"id": n.id, "record_type": "phone_number", "phone_number": n.e164,
		"country_iso_alpha2": "US", "status": n.statusValue(), "tags": slices.Clone(n.tags), "external_pin": n.externalPIN,
		"phone_number_type": phoneNumberType(n.e164), "source_type": n.sourceType,
		"connection_id": n.connectionID, "connection_name": nil,
		"messaging_profile_id": n.messagingProfileID, "messaging_profile_name": nil,
		"billing_group_id": n.billingGroupID, "emergency_address_id": n.emergencyAddressID,
		"emergency_enabled": n.emergencyAddressID != nil && n.emergencyState() != "deprovisioning", "emergency_status": n.emergencyState(),
		"customer_reference": n.customerReference, "call_forwarding_enabled": true, "cnam_listing_enabled": n.cnamEnabled,
		"caller_id_name_enabled": false, "call_recording_enabled": false, "t38_fax_gateway_enabled": false,
		"deletion_lock_enabled": n.deletionLock, "hd_voice_enabled": false, "inbound_call_screening": "disabled",
		"purchased_at": ts(n.createdAt), "activated_at": ts(n.createdAt), "created_at": ts(n.createdAt),
		"updated_at": ts(n.updatedAt)}
}

func (n *number) renderMessaging() map[string]any {
	return map[string]any{"id": n.id, "record_type": "messaging_settings", "phone_number": n.e164,
		"messaging_profile_id": n.messagingProfileID, "messaging_product": "P2P", "country_code": "US",
		"type": messagingType(n.e164), "tags": slices.Clone(n.tags), "created_at": ts(n.createdAt), "updated_at": ts(n.updatedAt)}
}

// messagingType is the messaging settings "type": tollfree or longcode (the
// fake holds no short codes).
func messagingType(e164 string) string {
	if phoneNumberType(e164) == "toll_free" {
		return "tollfree"
	}
	return "longcode"
}

// listNumbersMessaging answers GET /v2/phone_numbers/messaging: the
// messaging settings of every number, with the SDK's filters
// (filter[messaging_profile_id], filter[phone_number],
// filter[phone_number][contains], filter[type]) and sort[phone_number].
func (f *Fake) listNumbersMessaging(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	bad := func(param, detail string) {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", detail, param))
	}
	profile, exact := q.Get("filter[messaging_profile_id]"), q.Get("filter[phone_number]")
	contains := digits(q.Get("filter[phone_number][contains]"))
	typ := q.Get("filter[type]")
	if typ != "" && typ != "tollfree" && typ != "longcode" && typ != "shortcode" {
		bad("filter[type]", "filter[type] must be tollfree, longcode or shortcode")
		return
	}
	order := q.Get("sort[phone_number]")
	if order != "" && order != "asc" && order != "desc" {
		bad("sort[phone_number]", "sort[phone_number] must be asc or desc")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []*number
	for _, n := range f.numbers {
		if !visible(n) || (profile != "" && str(n.messagingProfileID) != profile) || (exact != "" && n.e164 != exact) ||
			(contains != "" && !strings.Contains(digits(n.e164), contains)) || (typ != "" && messagingType(n.e164) != typ) {
			continue
		}
		match = append(match, n)
	}
	sort.Slice(match, func(i, j int) bool {
		switch order {
		case "asc":
			return match[i].e164 < match[j].e164
		case "desc":
			return match[i].e164 > match[j].e164
		}
		return match[i].seq < match[j].seq
	})
	writePage(w, num, size, match, func(n *number) any { return n.renderMessaging() })
}

// visible hides SuffixNotOnAccount numbers: they are never found.
func visible(n *number) bool { return !scenarios.HasSuffix(n.e164, scenarios.SuffixNotOnAccount) }

// Phone number list vocabularies (GET /v2/phone_numbers).
var (
	numberSorts        = []string{"purchased_at", "phone_number", "connection_name", "usage_payment_method"}
	numberStatusFilter = []string{"purchase-pending", "purchase-failed", "port-pending", "active", "deleted",
		"port-failed", "emergency-only", "ported-out", "port-out-pending"}
	numberTypes    = []string{"local", "national", "toll_free", "mobile", "shared_cost"}
	numberSources  = map[string]string{"purchased": "number_order", "ported": "port_request"}
	paymentMethods = []string{"pay-per-minute", "channel"}
)

// nullableMatch applies a filter that takes "null" for "no value".
func nullableMatch(filter string, v any) bool {
	if filter == "" {
		return true
	}
	if filter == "null" {
		return v == nil
	}
	return str(v) == filter
}

func (f *Fake) listNumbers(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	bad := func(param, detail string) {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", detail, param))
	}
	// Documented: "Requires at least three digits. Non-numerical characters
	// will result in no values being returned." ("+" included).
	pn := q.Get("filter[phone_number]")
	pnDigits := digits(pn)
	nonNumeric := pn != "" && pnDigits != pn
	if pn != "" && !nonNumeric && len(pnDigits) < 3 {
		bad("filter[phone_number]", "filter[phone_number] needs at least three digits")
		return
	}
	tag, ref := q.Get("filter[tag]"), q.Get("filter[customer_reference]")
	sortBy := q.Get("sort")
	if sortBy != "" && !slices.Contains(numberSorts, sortBy) {
		bad("sort", "unsupported sort "+sortBy)
		return
	}
	status := q.Get("filter[status]")
	if status != "" && !slices.Contains(numberStatusFilter, status) {
		bad("filter[status]", "unknown status "+status)
		return
	}
	countries := filterValues(q, "country_iso_alpha2")
	numberType := filterParam(q, "number_type", "eq")
	if numberType != "" && !slices.Contains(numberTypes, numberType) {
		bad("filter[number_type][eq]", "unknown number type "+numberType)
		return
	}
	source := q.Get("filter[source]")
	if _, known := numberSources[source]; source != "" && !known {
		bad("filter[source]", "filter[source] must be ported or purchased")
		return
	}
	payment := filterParam(q, "voice.usage_payment_method")
	if payment != "" && !slices.Contains(paymentMethods, payment) {
		bad("filter[voice.usage_payment_method]", "unknown usage_payment_method "+payment)
		return
	}
	connName := false // the fake has no connections: any connection-name filter matches nothing
	for _, op := range []string{"eq", "contains", "starts_with", "ends_with"} {
		connName = connName || filterParam(q, "voice.connection_name", op) != ""
	}
	connID, billingID, emergencyID := q.Get("filter[connection_id]"), q.Get("filter[billing_group_id]"), q.Get("filter[emergency_address_id]")
	withoutTags := q.Get("filter[without_tags]") == "true"
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []*number
	for _, n := range f.numbers {
		if !visible(n) || connName {
			continue
		}
		if nonNumeric || (pnDigits != "" && !strings.Contains(digits(n.e164), pnDigits)) {
			continue
		}
		if tag != "" && !slices.Contains(n.tags, tag) {
			continue
		}
		if withoutTags && len(n.tags) > 0 {
			continue
		}
		if ref != "" && str(n.customerReference) != ref {
			continue
		}
		if status != "" && status != n.statusValue() {
			continue
		}
		if len(countries) > 0 && !slices.Contains(countries, countryOf(n.e164)) {
			continue
		}
		if numberType != "" && phoneNumberType(n.e164) != numberType {
			continue
		}
		if source != "" && n.sourceType != numberSources[source] {
			continue
		}
		if payment != "" && payment != "pay-per-minute" { // the fake's voice settings are the defaults
			continue
		}
		if !nullableMatch(connID, n.connectionID) || !nullableMatch(billingID, n.billingGroupID) ||
			!nullableMatch(emergencyID, n.emergencyAddressID) {
			continue
		}
		match = append(match, n)
	}
	sort.Slice(match, func(i, j int) bool {
		if sortBy == "phone_number" {
			return match[i].e164 < match[j].e164
		}
		return match[i].seq < match[j].seq
	})
	writePage(w, num, size, match, func(n *number) any { return n.render() })
}

// lookupNumber finds a visible number by numeric id. Caller holds f.mu.
func (f *Fake) lookupNumber(w http.ResponseWriter, id string) (*number, bool) {
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		writeErrs(w, http.StatusBadRequest, errItem("10006", "Invalid ID", fmt.Sprintf("%q is not a phone number id", id), ""))
		return nil, false
	}
	n, ok := f.numbers[id]
	if !ok || !visible(n) {
		writeErrs(w, http.StatusNotFound, notFound("Phone number "+id))
		return nil, false
	}
	return n, true
}

func (f *Fake) getNumber(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n, ok := f.lookupNumber(w, args[0]); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": n.render()})
	}
}

var numberPatchable = map[string]bool{"connection_id": true, "billing_group_id": true, "customer_reference": true,
	"external_pin": true, "hd_voice_enabled": true, "address_id": true, "tags": true}

func (f *Fake) patchNumber(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	var errs []apiError
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var tags []string
	for _, k := range keys {
		v := body[k]
		if !numberPatchable[k] {
			errs = append(errs, badRequest(k+" is not an updatable attribute", "/"+k))
			continue
		}
		switch k {
		case "tags":
			arr, ok := v.([]any)
			if !ok && v != nil {
				errs = append(errs, badRequest("tags must be an array of strings", "/tags"))
			}
			tags = []string{}
			for _, t := range arr {
				s, ok := t.(string)
				if !ok {
					errs = append(errs, badRequest("tags must be an array of strings", "/tags"))
					break
				}
				tags = append(tags, s)
			}
		case "hd_voice_enabled":
			if _, ok := v.(bool); !ok {
				errs = append(errs, badRequest(k+" must be a boolean", "/"+k))
			}
		default:
			if _, ok := v.(string); !ok && v != nil {
				errs = append(errs, badRequest(k+" must be a string", "/"+k))
			} else if k == "connection_id" && str(v) != "" && !hasConnection(str(v)) {
				errs = append(errs, badRequest("connection_id does not name a connection on this account", "/connection_id"))
			}
		}
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.lookupNumber(w, args[0])
	if !ok {
		return
	}
	for k, v := range body {
		switch k {
		case "tags":
			n.tags = tags
		case "customer_reference":
			n.customerReference = emptyToNil(v)
		case "connection_id":
			n.connectionID = emptyToNil(v)
		case "external_pin":
			n.externalPIN = emptyToNil(v)
		case "billing_group_id":
			n.billingGroupID = emptyToNil(v)
		}
	}
	n.updatedAt = f.now()
	writeJSON(w, http.StatusOK, map[string]any{"data": n.render()})
}

func emptyToNil(v any) any {
	if s, ok := v.(string); ok && s == "" {
		return nil
	}
	return v
}

func (f *Fake) getNumberMessaging(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n, ok := f.lookupNumber(w, args[0]); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": n.renderMessaging()})
	}
}

// patchNumberMessaging: messaging_profile_id null/omitted keeps, "" unassigns.
// Numbers ending in scenarios.SuffixMessagingFails refuse a profile (422).
func (f *Fake) patchNumberMessaging(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	for k := range body {
		if k != "messaging_profile_id" && k != "messaging_product" && k != "tags" {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest(k+" is not an updatable attribute", "/"+k))
			return
		}
	}
	v, present := body["messaging_profile_id"]
	if present && v != nil {
		if _, ok := v.(string); !ok {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest("messaging_profile_id must be a string", "/messaging_profile_id"))
			return
		}
		if id := str(v); id != "" && !hasMessagingProfile(id) {
			writeErrs(w, http.StatusUnprocessableEntity, badRequest("messaging_profile_id does not name a messaging profile on this account", "/messaging_profile_id"))
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.lookupNumber(w, args[0])
	if !ok {
		return
	}
	if str(v) != "" && scenarios.HasSuffix(n.e164, scenarios.SuffixMessagingFails) {
		writeErrs(w, http.StatusUnprocessableEntity, badRequest("Messaging is not available for this phone number.", "/messaging_profile_id"))
		return
	}
	if present && v != nil {
		n.messagingProfileID = emptyToNil(v)
		n.updatedAt = f.now()
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": n.renderMessaging()})
}
