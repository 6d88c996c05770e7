package telnyxfake

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/uuid"
)

// Port-out statuses (PortoutDetails.status).
const (
	PortOutPending         = "pending"
	PortOutAuthorized      = "authorized"
	PortOutPorted          = "ported"
	PortOutRejected        = "rejected"
	PortOutRejectedPending = "rejected-pending"
	PortOutCanceled        = "canceled"
)

var portOutStatuses = []string{PortOutPending, PortOutAuthorized, PortOutPorted, PortOutRejected,
	PortOutRejectedPending, PortOutCanceled}

// PortOutAutoAuthorize is how long a port-out may stay unanswered: Telnyx
// documents "a response within 24–48 hours; if you do not respond within
// this window, the port-out is automatically authorized". The fake uses
// the upper bound.
const PortOutAutoAuthorize = 48 * time.Hour

// PortOutFOCLead is how far after its creation a port-out's requested FOC
// date lies (the winning carrier's choice; the fake's constant).
const PortOutFOCLead = 5 * 24 * time.Hour

// PortOutRejection is one rejection code (GET /v2/portouts/rejections/{id}).
type PortOutRejection struct {
	Code           int    `json:"code"`
	Description    string `json:"description"`
	ReasonRequired bool   `json:"reason_required"`
}

// PortOutRejections are the codes the fake lists as eligible for every
// port-out: only the one the Telnyx reference shows (1002 "Invalid PIN").
var PortOutRejections = []PortOutRejection{{Code: 1002, Description: "Invalid PIN", ReasonRequired: false}}

// SandboxPortOutNumbers are the numbers the sandbox (cmd/portgate) seeds,
// each with a pending port-out: PortOutID(0) on +13125550170 (the README's
// grpcurl tour authorizes it), PortOutID(1) on +13125550171 (the curl tour),
// PortOutID(2) and PortOutID(3) on +13125550173 and +13125550174 (the
// newcomer tours, one each).
var SandboxPortOutNumbers = []string{"+13125550170", "+13125550171", "+13125550173", "+13125550174"}

// PortOutID is the deterministic id of the i-th (0-based) seeded port-out.
func PortOutID(i int) string { return fmt.Sprintf("0b7e5f10-4d2c-4c1a-9e55-%012d", i+1) }

// PortOutSpec describes a port-out CreatePortOut opens (test hook: in
// production the winning carrier creates them).
type PortOutSpec struct {
	PhoneNumbers []string // on the account, not in another open port-out
	CarrierName  string   // default "Winning Carrier Inc"
	SPID         string   // default "987H"
	EndUserName  string   // default "Jane Doe"
}

type portOut struct {
	id, status, carrierName, spid, endUserName, authorizedName, pon, supportKey string
	city, state, zip, serviceAddress                                            string
	numbers                                                                     []string
	reason                                                                      *string
	hostMessaging                                                               bool
	requestedFOC, foc                                                           time.Time
	createdAt, updatedAt                                                        time.Time
	seq                                                                         int
}

type portOutBook struct {
	byID   map[string]*portOut
	next   int
	events []portOutEvent            // GET /v2/portouts/events, oldest first
	extras map[string]*portOutExtras // comments and supporting documents (portout_extras.go)
}

// portOutEvent is one record of the port-out events API (portout_event).
type portOutEvent struct {
	id, eventType, portOutID string
	payload                  map[string]any
	createdAt                time.Time
}

// seedPortOuts adds each number with a pending port-out. Caller is New.
func (f *Fake) seedPortOuts(nums []string, now time.Time) {
	for i, n := range nums {
		if _, ok := f.byE164[n]; !ok {
			f.addNumber(n, "number_order", now)
		}
		f.openPortOut(PortOutID(i), PortOutSpec{PhoneNumbers: []string{n}}, now)
	}
}

// CreatePortOut opens a pending port-out on numbers of the account, as
// Telnyx does when another carrier asks for them (test hook; no endpoint).
func (f *Fake) CreatePortOut(spec PortOutSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(spec.PhoneNumbers) == 0 {
		return "", fmt.Errorf("telnyxfake: a port-out needs numbers")
	}
	for _, n := range spec.PhoneNumbers {
		nb, ok := f.byE164[n]
		if !ok {
			return "", fmt.Errorf("telnyxfake: %s is not on the account", n)
		}
		if nb.portOutStatus != "" {
			return "", fmt.Errorf("telnyxfake: %s is already %s", n, nb.portOutStatus)
		}
	}
	id := uuid.New()
	f.openPortOut(id, spec, f.now())
	return id, nil
}

// openPortOut creates the record. Caller holds f.mu (or is New).
func (f *Fake) openPortOut(id string, spec PortOutSpec, now time.Time) {
	if f.portOuts.byID == nil {
		f.portOuts.byID = map[string]*portOut{}
	}
	f.portOuts.next++
	p := &portOut{id: id, status: PortOutPending, carrierName: spec.CarrierName, spid: spec.SPID,
		endUserName: spec.EndUserName, numbers: slices.Clone(spec.PhoneNumbers), seq: f.portOuts.next,
		pon: fmt.Sprintf("PON%08d", f.portOuts.next), supportKey: fmt.Sprintf("PO_%06d", 764724+f.portOuts.next),
		city: "Chicago", state: "IL", zip: "60601", serviceAddress: "100 Example Street",
		requestedFOC: now.Add(PortOutFOCLead), createdAt: now, updatedAt: now}
	if p.carrierName == "" {
		p.carrierName = "Winning Carrier Inc"
	}
	if p.spid == "" {
		p.spid = "987H"
	}
	if p.endUserName == "" {
		p.endUserName = "Jane Doe"
	}
	p.authorizedName = p.endUserName
	f.portOuts.byID[id] = p
	f.setPortOutStatus(p, PortOutPending, now)
}

// setPortOutStatus changes status, the numbers' status and emits
// portout.status_changed. Caller holds f.mu.
func (f *Fake) setPortOutStatus(p *portOut, status string, now time.Time) {
	p.status, p.updatedAt = status, now
	numStatus := ""
	switch status {
	case PortOutPending, PortOutAuthorized, PortOutRejectedPending:
		numStatus = "port-out-pending"
	case PortOutPorted:
		numStatus = "ported-out"
	}
	for _, e := range p.numbers {
		if n, ok := f.byE164[e]; ok {
			n.portOutStatus, n.updatedAt = numStatus, now
		}
	}
	var reason any
	if p.reason != nil {
		reason = *p.reason
	}
	payload := map[string]any{"id": p.id, "status": status, "phone_numbers": slices.Clone(p.numbers),
		"carrier_name": p.carrierName, "spid": p.spid, "user_id": fakeUserID, "subscriber_name": p.endUserName,
		"rejection_reason": reason, "attempted_pin": nil}
	id, at := uuid.New(), time.Now().UTC()
	f.portOuts.events = append(f.portOuts.events, portOutEvent{id: id, eventType: "portout.status_changed",
		portOutID: p.id, payload: payload, createdAt: at})
	if len(f.portOuts.events) > maxEvents {
		f.portOuts.events = f.portOuts.events[len(f.portOuts.events)-maxEvents:]
	}
	f.deliverEvent(id, "portout.status_changed", payload, at, nil, false)
}

const fakeUserID = "7865816a-ee85-4e50-b19e-52983dcc6d4a"

// portOutDue is when p moves on by itself (zero = never): an unanswered
// port-out is authorized after PortOutAutoAuthorize, an authorized one
// ports at its FOC date, a rejection under review is decided at once.
func (p *portOut) due() time.Time {
	switch p.status {
	case PortOutPending:
		return p.createdAt.Add(PortOutAutoAuthorize)
	case PortOutAuthorized:
		return p.foc
	case PortOutRejectedPending:
		return p.updatedAt
	}
	return time.Time{}
}

func (f *Fake) sortedPortOuts() []*portOut {
	out := make([]*portOut, 0, len(f.portOuts.byID))
	for _, p := range f.portOuts.byID {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// stepPortOuts moves every port-out whose time has come one step. Caller
// holds f.mu.
func (f *Fake) stepPortOuts(now time.Time) {
	for _, p := range f.sortedPortOuts() {
		if d := p.due(); !d.IsZero() && !d.After(now) {
			f.stepPortOut(p, now)
		}
	}
}

func (f *Fake) stepPortOut(p *portOut, now time.Time) {
	switch p.status {
	case PortOutPending:
		f.authorize(p, now)
	case PortOutAuthorized:
		f.setPortOutStatus(p, PortOutPorted, now)
	case PortOutRejectedPending:
		f.setPortOutStatus(p, PortOutRejected, now)
	}
}

func (f *Fake) authorize(p *portOut, now time.Time) {
	p.foc = p.requestedFOC
	if p.foc.Before(now) {
		p.foc = now
	}
	f.setPortOutStatus(p, PortOutAuthorized, now)
}

// AdvancePortOuts moves every non-final port-out one step, letting the
// fake's time pass to when that step is due (test and demo hook, like
// Advance for porting orders): pending → authorized (unanswered for
// PortOutAutoAuthorize), authorized → ported (FOC date), rejected-pending
// → rejected.
func (f *Fake) AdvancePortOuts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.sortedPortOuts() {
		d := p.due()
		if d.IsZero() {
			continue
		}
		if now := f.now(); d.After(now) {
			f.clock.Add(int64(d.Sub(now)))
		}
		f.stepPortOut(p, f.now())
	}
}

// PortOutStatus is a port-out's status ("" = unknown id), for tests.
func (f *Fake) PortOutStatus(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.portOuts.byID[id]; ok {
		return p.status
	}
	return ""
}

func tsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func (p *portOut) render() map[string]any {
	var reason any
	if p.reason != nil {
		reason = *p.reason
	}
	return map[string]any{"id": p.id, "record_type": "portout", "phone_numbers": slices.Clone(p.numbers),
		"authorized_name": p.authorizedName, "carrier_name": p.carrierName, "current_carrier": "telnyx",
		"end_user_name": p.endUserName, "city": p.city, "state": p.state, "zip": p.zip,
		"lsr": []string{}, "pon": p.pon, "reason": reason, "rejection_code": nil,
		"service_address": p.serviceAddress, "foc_date": tsOrNil(p.foc), "requested_foc_date": ts(p.requestedFOC),
		"spid": p.spid, "support_key": p.supportKey, "status": p.status, "already_ported": p.status == PortOutPorted,
		"user_id": fakeUserID, "vendor": "0e66ed3b-37e6-4fed-93d6-a30ce2493661",
		"created_at": ts(p.createdAt), "inserted_at": ts(p.createdAt), "updated_at": ts(p.updatedAt),
		"host_messaging": p.hostMessaging}
}

// listPortOuts is GET /v2/portouts with the documented filters
// filter[status], filter[status_in], filter[phone_number], filter[pon],
// filter[support_key], filter[carrier_name], filter[spid]; oldest first.
func (f *Fake) listPortOuts(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	statuses := filterValues(q, "status_in")
	if s := filterParam(q, "status"); s != "" {
		statuses = append(statuses, s)
	}
	for _, s := range statuses {
		if !slices.Contains(portOutStatuses, s) {
			writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request",
				"unknown portout status "+strconv.Quote(s), "filter[status]"))
			return
		}
	}
	phone := filterParam(q, "phone_number")
	eq := map[string]string{"pon": filterParam(q, "pon"), "support_key": filterParam(q, "support_key"),
		"carrier_name": filterParam(q, "carrier_name"), "spid": filterParam(q, "spid")}
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []*portOut
	for _, p := range f.sortedPortOuts() {
		if len(statuses) > 0 && !slices.Contains(statuses, p.status) {
			continue
		}
		if phone != "" && !slices.Contains(p.numbers, phone) {
			continue
		}
		got := map[string]string{"pon": p.pon, "support_key": p.supportKey, "carrier_name": p.carrierName, "spid": p.spid}
		match := true
		for k, v := range eq {
			match = match && (v == "" || got[k] == v)
		}
		if match {
			items = append(items, p)
		}
	}
	writePage(w, num, size, items, func(p *portOut) any { return p.render() })
}

func (f *Fake) lookupPortOut(w http.ResponseWriter, id string) (*portOut, bool) {
	p, ok := f.portOuts.byID[id]
	if !ok {
		writeErrs(w, http.StatusNotFound, notFound("Portout "+id))
		return nil, false
	}
	return p, true
}

// getPortOut is GET /v2/portouts/{id}.
func (f *Fake) getPortOut(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.lookupPortOut(w, args[0]); ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": p.render()})
	}
}

// patchPortOutStatus is PATCH /v2/portouts/{id}/{status}: status is
// authorized or rejected-pending; the body's reason is required (and must
// say something to reject), host_messaging an optional boolean. Only a
// pending port-out can be decided.
func (f *Fake) patchPortOutStatus(w http.ResponseWriter, r *http.Request, args []string) {
	id, status := args[0], args[1]
	if !isUUID(id) {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "id must be a UUID", "id"))
		return
	}
	if status != PortOutAuthorized && status != PortOutRejectedPending {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request",
			"status must be one of authorized, rejected-pending", "status"))
		return
	}
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	reason, isStr := body["reason"].(string)
	switch {
	case body["reason"] == nil:
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "reason is required", "/reason"))
		return
	case !isStr:
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "reason must be a string", "/reason"))
		return
	case status == PortOutRejectedPending && strings.TrimSpace(reason) == "":
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "a reason is required to reject", "/reason"))
		return
	}
	hostMessaging := false
	if v, present := body["host_messaging"]; present && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Bad Request", "host_messaging must be a boolean", "/host_messaging"))
			return
		}
		hostMessaging = b
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.lookupPortOut(w, id)
	if !ok {
		return
	}
	if p.status != PortOutPending {
		writeErrs(w, http.StatusUnprocessableEntity, errItem("10015", "Invalid portout status",
			fmt.Sprintf("a portout in status %s cannot be %s", p.status, status), ""))
		return
	}
	now := f.now()
	p.hostMessaging = hostMessaging
	if status == PortOutAuthorized {
		f.authorize(p, now)
	} else {
		p.reason = &reason
		f.setPortOutStatus(p, PortOutRejectedPending, now)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": p.render()})
}

// portOutRejections is GET /v2/portouts/rejections/{portout_id}:
// the eligible codes, filter[code] (one code) or filter[code][in] (a list).
func (f *Fake) portOutRejections(w http.ResponseWriter, r *http.Request, args []string) {
	q := r.URL.Query()
	var want []int
	raw := filterValues(q, "code", "in")
	if c := filterParam(q, "code"); c != "" {
		raw = append(raw, c)
	}
	for _, s := range raw {
		c, err := strconv.Atoi(s)
		if err != nil {
			writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "filter[code] must be an integer", "filter[code]"))
			return
		}
		want = append(want, c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.lookupPortOut(w, args[0]); !ok {
		return
	}
	data := []any{}
	for _, rj := range PortOutRejections {
		if len(want) == 0 || slices.Contains(want, rj.Code) {
			data = append(data, rj)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

var portOutEventTypes = []string{"portout.status_changed", "portout.new_comment", "portout.foc_date_changed"}

// listPortOutEvents is GET /v2/portouts/events: filter[event_type],
// filter[portout_id], filter[created_at][gte|lte]; newest first, paginated.
func (f *Fake) listPortOutEvents(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	typ, poID := filterParam(q, "event_type"), filterParam(q, "portout_id")
	if typ != "" && !slices.Contains(portOutEventTypes, typ) {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "unknown event_type "+strconv.Quote(typ), "filter[event_type]"))
		return
	}
	if poID != "" && !isUUID(poID) {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "filter[portout_id] must be a UUID", "filter[portout_id]"))
		return
	}
	var bounds [2]time.Time
	for i, op := range []string{"gte", "lte"} {
		if v := filterParam(q, "created_at", op); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", "filter[created_at]["+op+"] must be a date-time", "filter[created_at]["+op+"]"))
				return
			}
			bounds[i] = t
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []portOutEvent
	for i := len(f.portOuts.events) - 1; i >= 0; i-- {
		e := f.portOuts.events[i]
		if (typ != "" && e.eventType != typ) || (poID != "" && e.portOutID != poID) ||
			(!bounds[0].IsZero() && e.createdAt.Before(bounds[0])) || (!bounds[1].IsZero() && e.createdAt.After(bounds[1])) {
			continue
		}
		items = append(items, e)
	}
	writePage(w, num, size, items, func(e portOutEvent) any {
		return map[string]any{"id": e.id, "event_type": e.eventType, "portout_id": e.portOutID, "payload": e.payload,
			"payload_status": "created", "available_notification_methods": []string{"email", "webhook"},
			"record_type": "portout_event", "created_at": ts(e.createdAt), "updated_at": ts(e.createdAt)}
	})
}
