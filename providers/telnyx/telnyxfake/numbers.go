package telnyxfake

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
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
	billingGroupID     any
	emergencyAddressID any
	createdAt          time.Time
	updatedAt          time.Time
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
		"country_iso_alpha2": "US", "status": "active", "tags": slices.Clone(n.tags), "external_pin": nil,
		"phone_number_type": phoneNumberType(n.e164), "source_type": n.sourceType,
		"connection_id": n.connectionID, "connection_name": nil,
		"messaging_profile_id": n.messagingProfileID, "messaging_profile_name": nil,
		"billing_group_id": n.billingGroupID, "emergency_address_id": n.emergencyAddressID,
		"emergency_enabled": n.emergencyAddressID != nil, "emergency_status": "disabled",
		"customer_reference": n.customerReference, "call_forwarding_enabled": true, "cnam_listing_enabled": false,
		"caller_id_name_enabled": false, "call_recording_enabled": false, "t38_fax_gateway_enabled": false,
		"deletion_lock_enabled": false, "hd_voice_enabled": false, "inbound_call_screening": "disabled",
		"purchased_at": ts(n.createdAt), "activated_at": ts(n.createdAt), "created_at": ts(n.createdAt),
		"updated_at": ts(n.updatedAt)}
}

func (n *number) renderMessaging() map[string]any {
	return map[string]any{"id": n.id, "record_type": "messaging_settings", "phone_number": n.e164,
		"messaging_profile_id": n.messagingProfileID, "messaging_product": "P2P", "country_code": "US",
		"type": "longcode", "tags": slices.Clone(n.tags), "created_at": ts(n.createdAt), "updated_at": ts(n.updatedAt)}
}

// visible hides SuffixNotOnAccount numbers: they are never found.
func visible(n *number) bool { return !providers.HasSuffix(n.e164, providers.SuffixNotOnAccount) }

func (f *Fake) listNumbers(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	pn := q.Get("filter[phone_number]")
	pnDigits := digits(pn)
	if pn != "" && (len(pnDigits) < 3 || pnDigits != strings.TrimPrefix(pn, "+")) {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request",
			"filter[phone_number] needs at least three digits", "filter[phone_number]"))
		return
	}
	tag, ref := q.Get("filter[tag]"), q.Get("filter[customer_reference]")
	sortBy := q.Get("sort")
	if sortBy != "" && sortBy != "purchased_at" && sortBy != "phone_number" {
		writeErrs(w, http.StatusBadRequest, paramItem("10015", "Bad Request", "unsupported sort "+sortBy, "sort"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []*number
	for _, n := range f.numbers {
		if !visible(n) {
			continue
		}
		if pnDigits != "" && !strings.Contains(digits(n.e164), pnDigits) {
			continue
		}
		if tag != "" && !slices.Contains(n.tags, tag) {
			continue
		}
		if ref != "" && str(n.customerReference) != ref {
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
	lo, hi := window(num, size, len(match))
	data := []any{}
	for _, n := range match[lo:hi] {
		data = append(data, n.render())
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": pageMeta(num, size, len(match))})
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
		case "billing_group_id":
			n.billingGroupID = emptyToNil(v)
		}
	}
	n.updatedAt = time.Now().UTC()
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
// Numbers ending in providers.SuffixMessagingFails refuse a profile (422).
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
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.lookupNumber(w, args[0])
	if !ok {
		return
	}
	if str(v) != "" && providers.HasSuffix(n.e164, providers.SuffixMessagingFails) {
		writeErrs(w, http.StatusUnprocessableEntity, badRequest("Messaging is not available for this phone number.", "/messaging_profile_id"))
		return
	}
	if present && v != nil {
		n.messagingProfileID = emptyToNil(v)
		n.updatedAt = time.Now().UTC()
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": n.renderMessaging()})
}
