package telnyxfake

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Addresses, emergency enablement and CNAM listings (issue 14, e911).
// Rules the fake enforces (docs/mapping/telnyx.md, "Emergency addresses and
// CNAM"):
//   - POST /addresses: first_name, last_name, business_name, street_address,
//     locality and country_code are required (422, pointer per field); with
//     validate_address (default true) the address must validate as below.
//   - POST /addresses/actions/validate: country_code, street_address and
//     postal_code are required (422); the answer is 200 with result
//     "valid" or "invalid" (+ errors). Invalid: a US postal code that is not
//     5 or 5+4 digits, or the sandbox's unknown street (postal code "00000").
//   - DELETE /addresses/{id} of an address a number uses for emergency
//     services: 422 (guess; Telnyx documents no answer).
//   - POST /phone_numbers/{id}/actions/enable_emergency: emergency_enabled
//     (boolean) and emergency_address_id (an address on the account) are
//     required; the answer is 202 with the voice settings, emergency_status
//     "provisioning" (or "deprovisioning"); Advance/Tick finish it ("active"
//     / "disabled").
//   - PATCH /phone_numbers/{id}/voice cnam_listing: cnam_listing_details is
//     at most 15 letters, digits or spaces and needs cnam_listing_enabled
//     true (422).

type address struct {
	id      string
	fields  map[string]any
	created time.Time
}

var (
	addrRequired     = []string{"first_name", "last_name", "business_name", "street_address", "locality", "country_code"}
	validateRequired = []string{"country_code", "street_address", "postal_code"}
	addrFields       = map[string]bool{"first_name": true, "last_name": true, "business_name": true, "street_address": true,
		"extended_address": true, "locality": true, "administrative_area": true, "postal_code": true, "country_code": true,
		"phone_number": true, "customer_reference": true, "address_book": true, "validate_address": true,
		"borough": true, "neighborhood": true}
	usPostal = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
	cnamRule = regexp.MustCompile(`^[A-Za-z0-9 ]{1,15}$`)
)

// addressProblems checks an address for emergency services; nil = valid.
func addressProblems(body map[string]any) []apiError {
	var errs []apiError
	cc := strings.ToUpper(str(body["country_code"]))
	pc := str(body["postal_code"])
	if cc == "US" && pc != "" && !usPostal.MatchString(pc) {
		errs = append(errs, errItem("10015", "Invalid postal code", "postal_code must be a 5-digit ZIP code or ZIP+4", "/postal_code"))
	}
	if pc == "00000" {
		errs = append(errs, errItem("10015", "Address not found", "The street address could not be found.", "/street_address"))
	}
	return errs
}

func requireStrings(body map[string]any, keys []string) []apiError {
	var errs []apiError
	for _, k := range keys {
		if v, ok := body[k].(string); !ok || strings.TrimSpace(v) == "" {
			errs = append(errs, errItem("10015", "Bad Request", k+" is required", "/"+k))
		}
	}
	return errs
}

func (a *address) render() map[string]any {
	out := map[string]any{"id": a.id, "record_type": "address", "created_at": ts(a.created), "updated_at": ts(a.created)}
	for k := range addrFields {
		if k == "validate_address" || k == "address_book" {
			continue
		}
		out[k] = a.fields[k]
	}
	out["address_book"] = a.fields["address_book"] != false
	out["validate_address"] = a.fields["validate_address"] != false
	return out
}

func (f *Fake) validateAddress(w http.ResponseWriter, r *http.Request, _ []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	if errs := requireStrings(body, validateRequired); len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	problems := addressProblems(body)
	result := "valid"
	if len(problems) > 0 {
		result = "invalid"
	}
	errsOut := make([]any, 0, len(problems))
	for _, p := range problems {
		errsOut = append(errsOut, p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"record_type": "address_validation", "result": result,
		"suggested": map[string]any{}, "errors": errsOut}})
}

func (f *Fake) createAddress(w http.ResponseWriter, r *http.Request, _ []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	var errs []apiError
	for k := range body {
		if !addrFields[k] {
			errs = append(errs, badRequest(k+" is not an address attribute", "/"+k))
		}
	}
	errs = append(errs, requireStrings(body, addrRequired)...)
	if len(errs) == 0 && body["validate_address"] != false {
		errs = addressProblems(body)
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.addresses == nil {
		f.addresses = map[string]*address{}
	}
	f.nextAddrID++
	a := &address{id: strconv.FormatUint(1293384261075731000+f.nextAddrID, 10), fields: body, created: f.now()}
	f.addresses[a.id] = a
	f.addressSeq = append(f.addressSeq, a.id)
	writeJSON(w, http.StatusOK, map[string]any{"data": a.render()})
}

func (f *Fake) lookupAddress(w http.ResponseWriter, id string) (*address, bool) {
	a, ok := f.addresses[id]
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Address "+id))
	}
	return a, ok
}

func (f *Fake) getAddress(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.lookupAddress(w, args[0]); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": a.render()})
	}
}

func (f *Fake) listAddresses(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	items := make([]*address, 0, len(f.addressSeq))
	for _, id := range f.addressSeq {
		items = append(items, f.addresses[id])
	}
	writePage(w, num, size, items, func(a *address) any { return a.render() })
}

func (f *Fake) deleteAddress(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.lookupAddress(w, args[0])
	if !ok {
		return
	}
	for _, n := range f.numbers {
		if str(n.emergencyAddressID) == a.id {
			writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Address in use",
				"The address is in use for emergency services by phone number "+n.e164+"; disable emergency services on it first.", ""))
			return
		}
	}
	delete(f.addresses, a.id)
	keep := f.addressSeq[:0]
	for _, id := range f.addressSeq {
		if id != a.id {
			keep = append(keep, id)
		}
	}
	f.addressSeq = keep
	writeJSON(w, http.StatusOK, map[string]any{"data": a.render()})
}

// renderVoice is the number's voice settings.
func (n *number) renderVoice() map[string]any {
	var details any
	if n.cnamDetails != "" {
		details = n.cnamDetails
	}
	return map[string]any{"id": n.id, "record_type": "voice_settings", "phone_number": n.e164,
		"connection_id": n.connectionID, "customer_reference": n.customerReference, "tech_prefix_enabled": false,
		"translated_number": nil, "usage_payment_method": "pay-per-minute", "inbound_call_screening": "disabled",
		"call_forwarding": map[string]any{"call_forwarding_enabled": true, "forwards_to": nil, "forwarding_type": nil},
		"call_recording":  map[string]any{"inbound_call_recording_enabled": false, "inbound_call_recording_format": "wav", "inbound_call_recording_channels": "single"},
		"cnam_listing":    map[string]any{"cnam_listing_enabled": n.cnamEnabled, "cnam_listing_details": details},
		"media_features":  map[string]any{"rtp_auto_adjust_enabled": true, "accept_any_rtp_packets_enabled": false, "t38_fax_gateway_enabled": false},
		"emergency": map[string]any{"emergency_enabled": n.emergencyAddressID != nil && n.emergencyState() != "deprovisioning",
			"emergency_address_id": n.emergencyAddressID, "emergency_status": n.emergencyState()},
	}
}

// emergencyState is the number's emergency_status word.
func (n *number) emergencyState() string {
	if n.emergencyStatus == "" {
		if n.emergencyAddressID != nil {
			return "active"
		}
		return "disabled"
	}
	return n.emergencyStatus
}

func (f *Fake) getNumberVoice(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n, ok := f.lookupNumber(w, args[0]); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": n.renderVoice()})
	}
}

var voicePatchable = map[string]bool{"call_forwarding": true, "call_recording": true, "cnam_listing": true, "media_features": true,
	"tech_prefix_enabled": true, "translated_number": true, "usage_payment_method": true, "inbound_call_screening": true}

func (f *Fake) patchNumberVoice(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	var errs []apiError
	for k := range body {
		if !voicePatchable[k] {
			errs = append(errs, badRequest(k+" is not an updatable attribute", "/"+k))
		}
	}
	var enabled *bool
	details, detailsSet := "", false
	if raw, ok := body["cnam_listing"]; ok {
		l, isObj := raw.(map[string]any)
		if !isObj {
			errs = append(errs, badRequest("cnam_listing must be an object", "/cnam_listing"))
		}
		for k, v := range l {
			switch k {
			case "cnam_listing_enabled":
				b, ok := v.(bool)
				if !ok {
					errs = append(errs, badRequest("cnam_listing_enabled must be a boolean", "/cnam_listing/cnam_listing_enabled"))
				}
				enabled = &b
			case "cnam_listing_details":
				s, ok := v.(string)
				if !ok || !cnamRule.MatchString(s) {
					errs = append(errs, badRequest("cnam_listing_details must be alphanumeric characters or spaces with a maximum length of 15", "/cnam_listing/cnam_listing_details"))
				}
				details, detailsSet = s, true
			default:
				errs = append(errs, badRequest(k+" is not a cnam_listing attribute", "/cnam_listing/"+k))
			}
		}
		if detailsSet && (enabled == nil || !*enabled) {
			errs = append(errs, badRequest("cnam_listing_details requires cnam_listing_enabled to be true", "/cnam_listing/cnam_listing_enabled"))
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
	if enabled != nil {
		n.cnamEnabled = *enabled
		if !*enabled {
			n.cnamDetails = ""
		}
	}
	if detailsSet {
		n.cnamDetails = details
	}
	n.updatedAt = f.now()
	writeJSON(w, http.StatusOK, map[string]any{"data": n.renderVoice()})
}

func (f *Fake) enableEmergency(w http.ResponseWriter, r *http.Request, args []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	var errs []apiError
	enabled, okB := body["emergency_enabled"].(bool)
	if !okB {
		errs = append(errs, badRequest("emergency_enabled is required and must be a boolean", "/emergency_enabled"))
	}
	addrID, okS := body["emergency_address_id"].(string)
	if !okS || addrID == "" {
		errs = append(errs, badRequest("emergency_address_id is required", "/emergency_address_id"))
	}
	for k := range body {
		if k != "emergency_enabled" && k != "emergency_address_id" {
			errs = append(errs, badRequest(k+" is not a parameter of this action", "/"+k))
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
	if _, ok := f.addresses[addrID]; !ok {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Invalid emergency address", "emergency_address_id does not name an address on this account", "/emergency_address_id"))
		return
	}
	if phoneNumberType(n.e164) == "toll_free" {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Emergency services unavailable", "Emergency services are not available for this phone number.", "/emergency_enabled"))
		return
	}
	if enabled {
		n.emergencyAddressID = addrID
		n.emergencyStatus = "provisioning"
	} else {
		if str(n.emergencyAddressID) != addrID {
			writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Invalid emergency address", "emergency_address_id is not the address this number uses", "/emergency_address_id"))
			return
		}
		n.emergencyStatus = "deprovisioning"
	}
	n.updatedAt = f.now()
	writeJSON(w, http.StatusAccepted, map[string]any{"data": n.renderVoice()})
}

// advanceEmergency finishes emergency provisioning. Caller holds f.mu.
func (f *Fake) advanceEmergency() {
	for _, n := range f.numbers {
		switch n.emergencyStatus {
		case "provisioning":
			n.emergencyStatus = "active"
		case "deprovisioning":
			n.emergencyStatus, n.emergencyAddressID = "disabled", nil
		}
	}
}
