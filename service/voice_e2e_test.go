package service_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestREADMEVoiceRouting walks the README's "route a number" curl tour over
// REST: create a Flowroute route, assign it, read the number back, refuse
// to delete the route in use; pick a Telnyx connection, assign it, read
// back; list messaging profiles; set the port-out PIN (never echoed);
// Telnyx route creation is capability-missing.
func TestREADMEVoiceRouting(t *testing.T) {
	e := start(t)
	b := e.base + "/v1/"

	// Flowroute
	code, r := rest(t, http.MethodPost, b+"providers/flowroute/voiceRoutes",
		map[string]any{"type": "SIP_URI", "target": "sip:desk@pbx.example.com", "displayName": "front desk"})
	route, _ := r["name"].(string)
	if code != http.StatusOK || !strings.HasPrefix(route, "providers/flowroute/voiceRoutes/") || r["type"] != "SIP_URI" || r["providerType"] != "uri" {
		t.Fatalf("create route: %d %v", code, r)
	}
	code, n := rest(t, http.MethodPatch, b+"providers/flowroute/numbers/13125550102?updateMask=voiceRoute", map[string]any{"voiceRoute": route})
	if code != http.StatusOK || n["voiceRoute"] != route || n["connectionId"] != strings.TrimPrefix(route, "providers/flowroute/voiceRoutes/") {
		t.Fatalf("assign route: %d %v", code, n)
	}
	code, n = rest(t, http.MethodGet, b+"providers/flowroute/numbers/13125550102", nil)
	if code != http.StatusOK || n["voiceRoute"] != route {
		t.Fatalf("read back: %d %v", code, n)
	}
	code, l := rest(t, http.MethodGet, b+"providers/flowroute/voiceRoutes", nil)
	routes, _ := l["voiceRoutes"].([]any)
	found, def := false, false
	for _, x := range routes {
		m := x.(map[string]any)
		found = found || m["name"] == route
		def = def || (m["name"] == "providers/flowroute/voiceRoutes/0" && m["defaultRoute"] == true)
	}
	if code != http.StatusOK || !found || !def {
		t.Fatalf("list routes: %d %v", code, l)
	}
	code, errBody := rest(t, http.MethodDelete, b+route, nil)
	if ei := detail(errBody, "type.googleapis.com/google.rpc.ErrorInfo"); code != http.StatusBadRequest || ei["reason"] != "VOICE_ROUTE_IN_USE" {
		t.Fatalf("delete in use: %d %v", code, errBody)
	}

	// Telnyx
	code, l = rest(t, http.MethodGet, b+"providers/telnyx/voiceRoutes", nil)
	conns, _ := l["voiceRoutes"].([]any)
	if code != http.StatusOK || len(conns) < 2 {
		t.Fatalf("list connections: %d %v", code, l)
	}
	conn := conns[1].(map[string]any)["name"].(string)
	code, n = rest(t, http.MethodPatch, b+"providers/telnyx/numbers/13125550102?updateMask=voiceRoute", map[string]any{"voiceRoute": conn})
	if code != http.StatusOK || n["voiceRoute"] != conn {
		t.Fatalf("assign connection: %d %v", code, n)
	}
	code, n = rest(t, http.MethodGet, b+"providers/telnyx/numbers/13125550102", nil)
	if code != http.StatusOK || n["voiceRoute"] != conn {
		t.Fatalf("read back: %d %v", code, n)
	}
	code, l = rest(t, http.MethodGet, b+"providers/telnyx/messagingProfiles", nil)
	if profiles, _ := l["messagingProfiles"].([]any); code != http.StatusOK || len(profiles) == 0 {
		t.Fatalf("messaging profiles: %d %v", code, l)
	}
	code, n = rest(t, http.MethodPatch, b+"providers/telnyx/numbers/13125550102?updateMask=portOutPin", map[string]any{"portOutPin": "4729"})
	if _, echoed := n["portOutPin"]; code != http.StatusOK || n["portOutPinSet"] != true || echoed {
		t.Fatalf("port-out pin: %d %v", code, n)
	}
	code, errBody = rest(t, http.MethodPost, b+"providers/telnyx/voiceRoutes", map[string]any{"type": "SIP_HOST", "target": "pbx.example.com"})
	if ei := detail(errBody, "type.googleapis.com/google.rpc.ErrorInfo"); code != http.StatusNotImplemented || errBody["code"] != float64(12) || ei["reason"] != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("telnyx create: %d %v", code, errBody)
	}
}

// A retried CreateVoiceRoute (same request_id) answers the first route and
// creates no second one.
func TestCreateVoiceRouteIdempotent(t *testing.T) {
	e := start(t)
	const id = "6f1c2a9e-3b7d-4e21-9a5f-0c8d7e6b5a41"
	body := map[string]any{"type": "SIP_HOST", "target": "retry.example.com", "displayName": "retry"}
	count := func() int {
		_, l := rest(t, http.MethodGet, e.base+"/v1/providers/flowroute/voiceRoutes?pageSize=200", nil)
		n := 0
		for _, x := range l["voiceRoutes"].([]any) {
			if x.(map[string]any)["target"] == "retry.example.com" {
				n++
			}
		}
		return n
	}
	code, first := rest(t, http.MethodPost, e.base+"/v1/providers/flowroute/voiceRoutes?requestId="+id, body)
	if code != http.StatusOK {
		t.Fatalf("%d %v", code, first)
	}
	code, again := rest(t, http.MethodPost, e.base+"/v1/providers/flowroute/voiceRoutes?requestId="+id, body)
	if code != http.StatusOK || again["name"] != first["name"] || count() != 1 {
		t.Fatalf("retry: %d %v (first %v), %d routes", code, again, first, count())
	}
}
