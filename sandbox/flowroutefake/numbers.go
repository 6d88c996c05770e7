package flowroutefake

import (
	"encoding/json"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"net/http"
	"net/url"
	"strings"
)

var rateCenters = map[string][2]string{
	"312": {"chcgzn01", "il"}, "206": {"sttl", "wa"}, "646": {"nwyrcyzn01", "ny"}, "202": {"wshngtnzn1", "dc"},
}

func (f *Fake) routeNumbers(w http.ResponseWriter, r *http.Request, seg []string) {
	if len(seg) == 0 {
		if r.Method != http.MethodGet {
			f.methodNotAllowed(w, r)
			return
		}
		f.listNumbers(w, r)
		return
	}
	if seg[0] == "available" { // issue 14 search
		f.routeAvailable(w, r, seg[1:])
		return
	}
	id := seg[0]
	if len(seg) == 1 && r.Method == http.MethodPost { // issue 14 — buy
		f.purchaseNumber(w, r, id)
		return
	}
	f.mu.Lock()
	n, ok := f.numbers[id]
	f.mu.Unlock()
	if !ok || strings.HasSuffix(id, scenarios.SuffixNotOnAccount) {
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "id": f.traceID(), "status": 404})
		return
	}
	switch {
	case len(seg) == 1 && r.Method == http.MethodGet:
		f.writeNumber(w, r, n, http.StatusOK, nil)
	case len(seg) == 1 && r.Method == http.MethodPatch:
		f.patchNumber(w, r, n)
	case len(seg) == 1 && r.Method == http.MethodDelete: // issue 14 — buy
		f.releaseNumber(w, r, n)
	case len(seg) == 3 && seg[1] == "relationships" && (seg[2] == "primary_route" || seg[2] == "failover_route"):
		f.patchRoute(w, r, n, seg[2])
	case len(seg) >= 3 && seg[1] == "relationships" && (seg[2] == "e911s" || seg[2] == "cnam"):
		f.numberRelationship(w, r, n, seg[1:])
	case len(seg) == 1:
		f.methodNotAllowed(w, r)
	default:
		f.urlNotFound(w)
	}
}

func routeRel(id *string) map[string]any {
	if id == nil {
		return map[string]any{"data": nil}
	}
	return map[string]any{"data": map[string]any{"id": *id, "type": "route"}}
}

func (f *Fake) renderNumberLocked(n *number, base string) map[string]any {
	numType, rateType, tier := "longcode", "local", "Standard"
	area := n.value[1:4]
	if strings.HasPrefix(area, "8") && (area == "800" || area == "833" || area == "844" || area == "855" || area == "866" || area == "877" || area == "888") {
		numType, rateType = "toll-free", "toll-free"
	}
	rc := rateCenters[area]
	if rc[0] == "" {
		rc = [2]string{"unknown", ""}
	}
	rels, _ := f.numberEmergencyLocked(n, base)
	rels["primary_route"], rels["failover_route"] = routeRel(n.primaryRoute), routeRel(n.failRoute)
	if n.messageTask != "" {
		rels["message_provision"] = map[string]any{"data": map[string]any{"id": n.messageTask, "type": "message_provision"}}
	}
	status := "PURCHASED"
	if n.portPending != "" {
		status = statusPortPending
	}
	return map[string]any{
		"id": n.value, "type": "number",
		"attributes": map[string]any{
			"value": n.value, "alias": nullable(n.alias), "cnam_lookups_enabled": n.cnam, "messaging_enabled": n.messaging,
			"number_type": numType, "rate_center": rc[0], "state": rc[1], "iso_country": "US", "rate_type": rateType,
			"monthly_cost": 1.25, "setup_cost": 1.0, "inbound_rate": 0.012, "tier": tier, "status": status,
		},
		"links":         map[string]any{"self": base + "/v2/numbers/" + n.value},
		"relationships": rels,
	}
}

func (f *Fake) writeNumber(w http.ResponseWriter, r *http.Request, n *number, status int, extra map[string]any) {
	base := baseURL(r)
	f.mu.Lock()
	data := f.renderNumberLocked(n, base)
	included := []any{}
	for _, id := range []*string{n.primaryRoute, n.failRoute} {
		if id != nil {
			included = append(included, f.routeObjLocked(base, *id))
		}
	}
	if n.messageTask != "" && n.messageStatus != "" {
		included = append(included, messageTaskObj(base, n))
	}
	_, emIncluded := f.numberEmergencyLocked(n, base)
	included = append(included, emIncluded...)
	f.mu.Unlock()
	body := map[string]any{"data": data, "included": included, "links": map[string]any{"self": base + "/v2/numbers/" + n.value}}
	for k, v := range extra {
		if k == "included" {
			body["included"] = append(included, v.([]any)...)
			continue
		}
		body[k] = v
	}
	writeJSON(w, r, status, body)
}

func (f *Fake) listNumbers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	// starts_with: "with country code 1 prepended unless it starts with +"
	// (reference §3): "312" matches 1312…, "+44" matches 44…, "+1312" 1312….
	starts := q.Get("starts_with")
	if rest, ok := strings.CutPrefix(starts, "+"); ok {
		starts = rest
	} else if starts != "" {
		starts = "1" + starts
	}
	var out []*number
	for _, v := range f.numberSeq {
		n := f.numbers[v]
		if strings.HasSuffix(v, scenarios.SuffixNotOnAccount) {
			continue
		}
		if starts != "" && !strings.HasPrefix(v, starts) {
			continue
		}
		if c := q.Get("contains"); c != "" && !strings.Contains(v, c) {
			continue
		}
		if e := q.Get("ends_with"); e != "" && !strings.HasSuffix(v, e) {
			continue
		}
		if a := q.Get("alias"); a != "" && (n.alias == nil || *n.alias != a) {
			continue
		}
		out = append(out, n)
	}
	base := baseURL(r)
	if body, ok := pageBodyLocked(f, w, r, out, func(n *number) any { return f.renderNumberLocked(n, base) }); ok {
		writeJSON(w, r, http.StatusOK, body)
	}
}

func (f *Fake) patchNumber(w http.ResponseWriter, r *http.Request, n *number) {
	var body map[string]json.RawMessage
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	errs := map[string][]string{}
	var typ string
	if err := json.Unmarshal(body["type"], &typ); err != nil || typ != "number" {
		errs["type"] = []string{"Must be number."}
	}
	var (
		alias           *string
		aliasSet        bool
		cnam, messaging *bool
	)
	for k, raw := range body {
		switch k {
		case "type":
		case "alias":
			aliasSet = true
			if string(raw) != "null" {
				var s string
				if err := json.Unmarshal(raw, &s); err != nil || len(s) > 64 {
					errs[k] = []string{"Not a valid string of at most 64 characters."}
				}
				alias = &s
			}
		case "cnam_lookups_enabled", "messaging_enabled":
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				errs[k] = []string{"Not a valid boolean."}
			}
			if k == "cnam_lookups_enabled" {
				cnam = &b
			} else {
				messaging = &b
			}
		case "messaging_email":
			// accepted; the fake sends no email.
		case "messaging_callback_url":
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				errs[k] = []string{"Not a valid string."}
			} else if u, err := url.Parse(s); s != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https")) {
				errs[k] = []string{"Not a valid URL."}
			}
		default:
			errs[k] = []string{"Unknown field."}
		}
	}
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	if aliasSet {
		n.alias = alias
	}
	if cnam != nil {
		n.cnam = *cnam
	}
	failed := false
	if messaging != nil {
		switch {
		case *messaging && n.messaging:
			// already on: nothing to provision
		case *messaging:
			// Enabling is asynchronous (reference §3): messaging_enabled
			// stays false and a provisioning task is attached until it
			// finishes (on the next Advance) or fails at once (9903).
			f.nextTaskID++
			n.messageTask = fmt.Sprintf("8afe0a20108c4219bc37cca8%08x", f.nextTaskID)
			n.messageStatus = taskProcessing
			if strings.HasSuffix(n.value, scenarios.SuffixMessagingFails) {
				failed = true
				n.messageStatus = taskFailed
			}
		default:
			n.messaging = false
			n.messageTask, n.messageStatus = "", ""
		}
	}
	f.mu.Unlock()
	if !failed {
		f.writeNumber(w, r, n, http.StatusOK, nil)
		return
	}
	// 207 Multi-Status (shape designed by us, see docs/mapping/flowroute.md):
	// the number as updated, the failed provisioning task in "included", and
	// an "errors" member pointing at messaging_enabled.
	f.writeNumber(w, r, n, http.StatusMultiStatus, map[string]any{
		"errors": []any{map[string]any{
			"id": f.traceID(), "status": 503, "title": "Message Provision API unavailable",
			"detail": "The number was updated but messaging could not be enabled: the Message Provision API returned an error. Retry later.",
			"source": map[string]any{"pointer": "/messaging_enabled"},
		}},
	})
}

func (f *Fake) patchRoute(w http.ResponseWriter, r *http.Request, n *number, rel string) {
	switch r.Method {
	case http.MethodPatch:
		var body struct {
			Data struct {
				Type string          `json:"type"`
				ID   json.RawMessage `json:"id"`
			} `json:"data"`
		}
		if err := readBody(r, &body); err != nil {
			f.badRequest(w, r, "Malformed JSON body.")
			return
		}
		var id string
		if err := json.Unmarshal(body.Data.ID, &id); err != nil {
			f.validation(w, r, map[string][]string{"id": {"Not a valid string."}})
			return
		}
		if body.Data.Type != "route" || id == "" {
			f.validation(w, r, map[string][]string{"type": {"Must be route with an id."}})
			return
		}
		f.mu.Lock()
		if !f.routeExistsLocked(id) {
			f.mu.Unlock()
			f.validation(w, r, map[string][]string{"id": {fmt.Sprintf("Route %s does not exist on this account.", id)}})
			return
		}
		if rel == "primary_route" {
			n.primaryRoute = strPtr(id)
		} else {
			n.failRoute = strPtr(id)
		}
		f.mu.Unlock()
	case http.MethodDelete:
		f.mu.Lock()
		if rel == "primary_route" {
			n.primaryRoute = nil
		} else {
			n.failRoute = nil
		}
		f.mu.Unlock()
	default:
		f.methodNotAllowed(w, r)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Message provisioning task statuses (the bulk API's words: successful,
// processing, failed).
const (
	taskProcessing = "processing"
	taskFailed     = "failed"
	taskSuccessful = "successful"
)

// statusPortPending is the number status the fake shows for a number whose
// port is still open (inferred: Flowroute lists such numbers at once but
// documents no status value for them).
const statusPortPending = "PORT_PENDING"

func messageTaskObj(base string, n *number) map[string]any {
	return map[string]any{
		"id": n.messageTask, "type": "message_provisioning_status",
		"attributes": map[string]any{"status": n.messageStatus, "tn": n.value},
		"links":      map[string]any{"self": base + "/v2/message-provision/status/" + n.messageTask},
	}
}

// routeExistsLocked reports whether id names a route on the account.
func (f *Fake) routeExistsLocked(id string) bool { return f.routes[id] }
