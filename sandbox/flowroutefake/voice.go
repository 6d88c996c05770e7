package flowroutefake

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Voice routes (reference §3): GET/POST /v2/routes, PATCH/DELETE
// /v2/routes/{id}, GET /v2/routes/edge_strategies. Route "0" is the
// account's default sip-reg route. DELETE answers 403 ("This Route has
// numbers still associated to it.") while a number uses the route as
// primary or failover. Guesses (docs/mapping/flowroute.md): PATCH answers
// 200 with the route; PATCH or DELETE of route "0" answers 403
// ActionNotAuthorizedError; an unknown edge_strategy_id is a 422.

// route is one voice route on the account.
type route struct {
	id, routeType, value, alias string
	edgeStrategy                *int
}

// edgeStrategies are the account's edge strategies (ids are JSON numbers,
// as seen live by MCPD; reference §5).
var edgeStrategies = []struct {
	id   int
	name string
}{{1, "Single Region"}, {2, "Round Robin"}, {3, "Geographic"}}

var routeTypeSet = map[string]bool{"sip-reg": true, "host": true, "uri": true, "number": true}

// firstCreatedRoute is the id of the first route POST /v2/routes creates.
const firstCreatedRoute = 8001

// routeLocked returns the route id's details (every id in f.routes has
// them: seeded routes are host routes to sip.example.net).
func (f *Fake) routeLocked(id string) *route {
	if !f.routes[id] {
		return nil
	}
	if f.routeInfo == nil {
		f.routeInfo = map[string]*route{}
	}
	rt := f.routeInfo[id]
	if rt == nil {
		rt = &route{id: id, routeType: "host", value: "sip.example.net", alias: "route-" + id}
		if id == "0" {
			rt = &route{id: id, routeType: "sip-reg", alias: "sip-reg"}
		}
		f.routeInfo[id] = rt
	}
	return rt
}

func (f *Fake) routeObjLocked(base, id string) map[string]any {
	rt := f.routeLocked(id)
	if rt == nil {
		rt = &route{id: id}
	}
	var value, edge any
	if rt.value != "" {
		value = rt.value
	}
	if rt.edgeStrategy != nil {
		edge = *rt.edgeStrategy
	}
	return map[string]any{"id": id, "type": "route",
		"attributes": map[string]any{"alias": rt.alias, "route_type": rt.routeType, "value": value, "edge_strategy_id": edge},
		"links":      map[string]any{"self": base + "/v2/routes/" + id}}
}

func (f *Fake) serveRoutes(w http.ResponseWriter, r *http.Request, seg []string) {
	switch {
	case len(seg) == 0 && r.Method == http.MethodGet:
		f.listRoutes(w, r)
	case len(seg) == 0 && r.Method == http.MethodPost:
		f.createRoute(w, r)
	case len(seg) == 1 && seg[0] == "edge_strategies" && r.Method == http.MethodGet:
		data := []any{}
		for _, e := range edgeStrategies {
			data = append(data, map[string]any{"id": e.id, "type": "edge_strategy", "attributes": map[string]any{"name": e.name}})
		}
		writeJSON(w, r, http.StatusOK, map[string]any{"data": data, "links": map[string]any{"self": selfLink(r)}})
	case len(seg) == 1 && seg[0] != "edge_strategies" && (r.Method == http.MethodPatch || r.Method == http.MethodDelete):
		f.writeRoute(w, r, seg[0])
	case len(seg) <= 1:
		f.methodNotAllowed(w, r)
	default:
		f.urlNotFound(w)
	}
}

func (f *Fake) listRoutes(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.routes))
	for id := range f.routes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, _ := strconv.Atoi(ids[i])
		b, _ := strconv.Atoi(ids[j])
		return a < b
	})
	base := baseURL(r)
	if body, ok := pageBodyLocked(f, w, r, ids, func(id string) any { return f.routeObjLocked(base, id) }); ok {
		writeJSON(w, r, http.StatusOK, body)
	}
}

// routeAttrs validates a route's attributes; create requires route_type.
func routeAttrs(raw map[string]json.RawMessage, create bool) (map[string]any, map[string][]string) {
	errs := map[string][]string{}
	out := map[string]any{}
	for k, v := range raw {
		switch k {
		case "route_type":
			var s string
			if !create {
				errs[k] = []string{"Cannot be changed."}
			} else if json.Unmarshal(v, &s) != nil || !routeTypeSet[s] {
				errs[k] = []string{"Must be one of: sip-reg, host, uri, number."}
			}
			out[k] = s
		case "alias", "value":
			if string(v) == "null" {
				out[k] = ""
				continue
			}
			var s string
			if json.Unmarshal(v, &s) != nil || len(s) > 255 {
				errs[k] = []string{"Not a valid string."}
			}
			out[k] = s
		case "edge_strategy_id":
			if string(v) == "null" {
				out[k] = (*int)(nil)
				continue
			}
			// Accepted as a JSON number or a decimal string.
			var n int
			var s string
			if json.Unmarshal(v, &n) != nil {
				if json.Unmarshal(v, &s) != nil {
					errs[k] = []string{"Not a valid integer."}
					continue
				}
				var err error
				if n, err = strconv.Atoi(s); err != nil {
					errs[k] = []string{"Not a valid integer."}
					continue
				}
			}
			known := false
			for _, e := range edgeStrategies {
				known = known || e.id == n
			}
			if !known {
				errs[k] = []string{"Edge strategy " + strconv.Itoa(n) + " does not exist."}
			}
			out[k] = &n
		default:
			errs[k] = []string{"Unknown field."}
		}
	}
	if create {
		if _, ok := raw["route_type"]; !ok {
			errs["route_type"] = []string{"Missing data for required field."}
		} else if t, _ := out["route_type"].(string); t != "sip-reg" && t != "" {
			if v, _ := out["value"].(string); v == "" {
				errs["value"] = []string{"Missing data for required field."}
			}
		}
	}
	return out, errs
}

type routeBody struct {
	Data struct {
		Type       string                     `json:"type"`
		ID         json.RawMessage            `json:"id"`
		Attributes map[string]json.RawMessage `json:"attributes"`
	} `json:"data"`
}

func applyRoute(rt *route, attrs map[string]any) {
	for k, v := range attrs {
		switch k {
		case "route_type":
			rt.routeType = v.(string)
		case "alias":
			rt.alias = v.(string)
		case "value":
			rt.value = v.(string)
		case "edge_strategy_id":
			rt.edgeStrategy = v.(*int)
		}
	}
}

func (f *Fake) createRoute(w http.ResponseWriter, r *http.Request) {
	var body routeBody
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	if body.Data.Type != "route" {
		f.validation(w, r, map[string][]string{"type": {"Must be route."}})
		return
	}
	attrs, errs := routeAttrs(body.Data.Attributes, true)
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	f.nextRoute++
	id := strconv.Itoa(firstCreatedRoute - 1 + f.nextRoute)
	f.routes[id] = true
	rt := &route{id: id}
	applyRoute(rt, attrs)
	if f.routeInfo == nil {
		f.routeInfo = map[string]*route{}
	}
	f.routeInfo[id] = rt
	obj := f.routeObjLocked(baseURL(r), id)
	f.mu.Unlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"data": obj})
}

func (f *Fake) writeRoute(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	rt := f.routeLocked(id)
	f.mu.Unlock()
	if rt == nil {
		f.writeErr(w, r, http.StatusNotFound, map[string]any{"detail": "Could not find that resource on your account.", "id": f.traceID(), "status": 404})
		return
	}
	if id == "0" {
		f.writeErr(w, r, http.StatusForbidden, map[string]any{"detail": "", "status": 403, "title": "ActionNotAuthorizedError"})
		return
	}
	if r.Method == http.MethodDelete {
		f.mu.Lock()
		if f.routeInUseLocked(id) {
			f.mu.Unlock()
			f.forbidden(w, r, "This Route has numbers still associated to it.", "Please disassociate all numbers before deleting.")
			return
		}
		delete(f.routes, id)
		delete(f.routeInfo, id)
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var body routeBody
	if err := readBody(r, &body); err != nil {
		f.badRequest(w, r, "Malformed JSON body.")
		return
	}
	if body.Data.Type != "route" {
		f.validation(w, r, map[string][]string{"type": {"Must be route."}})
		return
	}
	if len(body.Data.ID) > 0 {
		if got := strings.Trim(string(body.Data.ID), `"`); got != id {
			f.validation(w, r, map[string][]string{"id": {"Does not match the route in the URL."}})
			return
		}
	}
	attrs, errs := routeAttrs(body.Data.Attributes, false)
	if len(errs) > 0 {
		f.validation(w, r, errs)
		return
	}
	f.mu.Lock()
	applyRoute(rt, attrs)
	if rt.routeType != "sip-reg" && rt.value == "" {
		f.mu.Unlock()
		f.validation(w, r, map[string][]string{"value": {"Cannot be empty for a " + rt.routeType + " route."}})
		return
	}
	obj := f.routeObjLocked(baseURL(r), id)
	f.mu.Unlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"data": obj})
}

// routeInUseLocked reports whether a number uses the route.
func (f *Fake) routeInUseLocked(id string) bool {
	for _, n := range f.numbers {
		if (n.primaryRoute != nil && *n.primaryRoute == id) || (n.failRoute != nil && *n.failRoute == id) {
			return true
		}
	}
	return false
}
