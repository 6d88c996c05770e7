package telnyxfake

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Number orders (POST/GET /v2/number_orders, GET /v2/number_orders/{id})
// and number deletion (DELETE /v2/phone_numbers/{id}).
//
// An order is created "pending" with each number "pending", and its numbers
// join the account at once as "purchase-pending" (source_type
// number_order). Advance/Tick completes every pending order: the order and
// its numbers turn "success", the numbers "active", and a signed
// number_order.complete webhook goes to Options.WebhookURL.

// buyState is the fake's number-order state (under f.mu).
type buyState struct {
	sold   map[string]bool // inventory numbers already bought
	orders map[string]*numberOrder
	seq    []string // order ids, oldest first
}

type numberOrder struct {
	id, status                                                          string
	numbers                                                             []string
	connectionID, messagingProfileID, billingGroupID, customerReference any
	numberIDs                                                           map[string]string // e164 → number_order_phone_number id
	createdAt, updatedAt                                                time.Time
}

// availableLocked reports whether e164 can still be bought. Caller holds f.mu.
func (f *Fake) availableLocked(e164 string) bool {
	if f.buy.sold[e164] || f.byE164[e164] != nil {
		return false
	}
	if slices.Contains(AvailableNumbers, e164) {
		return true
	}
	return slices.ContainsFunc(telnyxAvailable(), func(n availableNumber) bool { return n.e164 == e164 })
}

func (n *number) statusValue() string {
	if n.portOutStatus != "" {
		return n.portOutStatus
	}
	if n.status == "" {
		return "active"
	}
	return n.status
}

func (o *numberOrder) render() map[string]any {
	pns := make([]any, 0, len(o.numbers))
	for _, e := range o.numbers {
		pns = append(pns, map[string]any{"id": o.numberIDs[e], "record_type": "number_order_phone_number",
			"phone_number": e, "status": o.status, "country_code": "US", "phone_number_type": phoneNumberType(e),
			"regulatory_requirements": []any{}, "requirements_met": true, "requirements_status": "approved",
			"bundle_id": nil})
	}
	return map[string]any{"id": o.id, "record_type": "number_order", "status": o.status,
		"phone_numbers": pns, "phone_numbers_count": len(o.numbers),
		"connection_id": o.connectionID, "messaging_profile_id": o.messagingProfileID,
		"billing_group_id": o.billingGroupID, "customer_reference": o.customerReference,
		"requirements_met": true, "sub_number_orders_ids": []any{},
		"created_at": ts(o.createdAt), "updated_at": ts(o.updatedAt)}
}

// createNumberOrder answers POST /v2/number_orders (CreateNumberOrderRequest).
func (f *Fake) createNumberOrder(w http.ResponseWriter, r *http.Request, _ []string) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	var errs []apiError
	o := &numberOrder{status: "pending", numberIDs: map[string]string{}}
	for k, v := range body {
		switch k {
		case "phone_numbers":
		case "connection_id", "messaging_profile_id", "billing_group_id", "customer_reference":
			if _, isStr := v.(string); !isStr && v != nil {
				errs = append(errs, badRequest(k+" must be a string", "/"+k))
				continue
			}
			switch k {
			case "connection_id":
				o.connectionID = v
			case "messaging_profile_id":
				o.messagingProfileID = v
			case "billing_group_id":
				o.billingGroupID = v
			default:
				o.customerReference = v
			}
		default:
			errs = append(errs, badRequest("unknown field "+k, "/"+k))
		}
	}
	items, isList := body["phone_numbers"].([]any)
	if !isList || len(items) == 0 {
		errs = append(errs, errItem("10004", "Missing required parameter", "phone_numbers must list at least one number", "/phone_numbers"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[string]bool{}
	for i, it := range items {
		ptr := fmt.Sprintf("/phone_numbers/%d/phone_number", i)
		m, isObj := it.(map[string]any)
		pn, _ := m["phone_number"].(string)
		switch {
		case !isObj || pn == "":
			errs = append(errs, errItem("10004", "Missing required parameter", "phone_number is required", ptr))
		case !isE164(pn):
			errs = append(errs, errItem("10016", "Phone number must be in +E.164 format", pn+" is not a +E.164 number", ptr))
		case seen[pn]:
			errs = append(errs, badRequest(pn+" is listed twice", ptr))
		case !f.availableLocked(pn):
			errs = append(errs, badRequest(pn+" is not available for purchase", ptr))
		}
		seen[pn] = true
		o.numbers = append(o.numbers, pn)
	}
	if len(errs) > 0 {
		writeErrs(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	now := f.now()
	o.id, o.createdAt, o.updatedAt = uuid.New(), now, now
	if f.buy.orders == nil {
		f.buy.orders, f.buy.sold = map[string]*numberOrder{}, map[string]bool{}
	}
	for _, e := range o.numbers {
		f.buy.sold[e] = true
		o.numberIDs[e] = uuid.New()
		n := f.addNumber(e, "number_order", now)
		n.status = "purchase-pending"
		n.connectionID, n.messagingProfileID, n.billingGroupID, n.customerReference =
			o.connectionID, o.messagingProfileID, o.billingGroupID, o.customerReference
	}
	f.buy.orders[o.id] = o
	f.buy.seq = append(f.buy.seq, o.id)
	writeJSON(w, http.StatusOK, map[string]any{"data": o.render()})
}

// advanceNumberOrdersLocked completes pending orders. Caller holds f.mu.
func (f *Fake) advanceNumberOrdersLocked(now time.Time) {
	for _, id := range f.buy.seq {
		o := f.buy.orders[id]
		if o.status != "pending" {
			continue
		}
		o.status, o.updatedAt = "success", now
		for _, e := range o.numbers {
			if n := f.byE164[e]; n != nil && n.status == "purchase-pending" {
				n.status, n.updatedAt = "", now
			}
		}
		// The spec's NumberOrderWebhookEvent: the standard envelope with the
		// order (NumberOrderWithPhoneNumbers) as payload, to the configured
		// WebhookURL. Not a porting event: not in GET /v2/porting/events.
		f.deliverEvent(uuid.New(), "number_order.complete", o.render(), now, nil, false)
	}
}

func (f *Fake) getNumberOrder(w http.ResponseWriter, _ *http.Request, args []string) {
	if !isUUID(args[0]) {
		writeErrs(w, http.StatusBadRequest, errItem("10006", "Invalid ID", fmt.Sprintf("%q is not a number order id", args[0]), ""))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.buy.orders[args[0]]
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Number order "+args[0]))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": o.render()})
}

// listNumberOrders answers GET /v2/number_orders, oldest first, with
// filter[status] and filter[customer_reference].
func (f *Fake) listNumberOrders(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	status, ref := q.Get("filter[status]"), q.Get("filter[customer_reference]")
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []*numberOrder
	for _, id := range f.buy.seq {
		o := f.buy.orders[id]
		if (status != "" && o.status != status) || (ref != "" && str(o.customerReference) != ref) {
			continue
		}
		match = append(match, o)
	}
	writePage(w, num, size, match, func(o *numberOrder) any { return o.render() })
}

// deleteNumber answers DELETE /v2/phone_numbers/{id}: 200 with the number
// as deleted (status "deleted"), and the number leaves the account. A
// number with deletion_lock_enabled is refused (422, code 10015): the spec
// says the lock "prevents the phone number from being deleted via the API"
// but documents no error for it (our guess, docs/mapping/telnyx.md).
func (f *Fake) deleteNumber(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.lookupNumber(w, args[0])
	if !ok {
		return
	}
	if n.deletionLock {
		writeErrs(w, http.StatusUnprocessableEntity, badRequest("Phone number "+n.e164+" has deletion lock enabled and cannot be deleted.", ""))
		return
	}
	n.status, n.updatedAt = "deleted", f.now()
	data := n.render()
	delete(f.numbers, n.id)
	delete(f.byE164, n.e164)
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// SetDeletionLock turns a number's deletion_lock_enabled on or off (test
// and demo hook: Telnyx sets it in its portal, the API cannot).
func (f *Fake) SetDeletionLock(e164 string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.byE164[e164]
	if !ok {
		return fmt.Errorf("telnyxfake: %s is not on the account", e164)
	}
	n.deletionLock = on
	return nil
}
