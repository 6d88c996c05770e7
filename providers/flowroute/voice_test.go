package flowroute_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// routeStub answers /v2/routes with the documented JSON:API shapes and
// PATCH /v2/routes/{id} with 204 and no body (Flowroute does not document
// the PATCH answer: the adapter must not depend on the fake's guess).
func routeStub(t *testing.T, gotPatch *map[string]any) *flowroute.Provider {
	t.Helper()
	alias := "office"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v2/routes":
			// edge_strategy_id as a JSON number (as MCPD saw live), an
			// unknown route_type, a null alias.
			_, _ = io.WriteString(w, `{"data":[
 {"id":"0","type":"route","attributes":{"alias":"sip-reg","route_type":"sip-reg","value":null,"edge_strategy_id":null}},
 {"id":"98396","type":"route","attributes":{"alias":"`+alias+`","route_type":"host","value":"1.2.3.4:5060","edge_strategy_id":1}},
 {"id":"98397","type":"route","attributes":{"alias":null,"route_type":"lcr","value":"x","edge_strategy_id":"2"}}],
 "links":{"self":"https://api.flowroute.com/v2/routes?limit=200&offset=0"}}`)
		case r.Method == http.MethodPatch && r.URL.Path == "/v2/routes/98396":
			body, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(body, gotPatch)
			alias = "renamed"
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodDelete && r.URL.Path == "/v2/routes/98396":
			// As documented (N:delete-route).
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"errors":[{"id":"e1","status":403,"title":"This Route has numbers still associated to it.","detail":"Please disassociate all numbers before deleting."}]}`)
		case r.Method == http.MethodDelete && r.URL.Path == "/v2/routes/0":
			// Flowroute's documented bare 403 (S1).
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"errors":[{"detail":"","status":403,"title":"ActionNotAuthorizedError"}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"errors":[{"detail":"Could not find that resource on your account.","status":404}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "k", SecretKey: "s", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVoiceRoutesStub(t *testing.T) {
	var patch map[string]any
	p := routeStub(t, &patch)
	pg, err := p.ListVoiceRoutes(t.Context(), providers.ListQuery{Limit: 10})
	if err != nil || len(pg.Routes) != 3 {
		t.Fatalf("list: %+v %v", pg, err)
	}
	def, host, odd := pg.Routes[0], pg.Routes[1], pg.Routes[2]
	if !def.Default || def.Type != providers.VoiceRouteTypeSIPRegistration || def.Target != "" {
		t.Errorf("default route: %+v", def)
	}
	if host.Type != providers.VoiceRouteTypeSIPHost || host.Target != "1.2.3.4:5060" || host.EdgeStrategyID != "1" || host.DisplayName != "office" {
		t.Errorf("host route: %+v", host)
	}
	if odd.Type != providers.VoiceRouteTypeUnspecified || odd.ProviderType != "lcr" || odd.EdgeStrategyID != "2" {
		t.Errorf("unknown route_type must be kept raw: %+v", odd)
	}
	u, err := p.UpdateVoiceRoute(t.Context(), providers.VoiceRoute{ID: "98396", DisplayName: "renamed"}, []string{providers.FieldVoiceRouteDisplayName})
	if err != nil || u.DisplayName != "renamed" || u.Target != "1.2.3.4:5060" {
		t.Fatalf("update with a 204 answer: %+v %v", u, err)
	}
	data, _ := patch["data"].(map[string]any)
	if attrs, _ := data["attributes"].(map[string]any); data["type"] != "route" || data["id"] != "98396" || len(attrs) != 1 || attrs["alias"] != "renamed" {
		t.Errorf("PATCH body = %v", patch)
	}
	var pe *providers.Error
	if err := p.DeleteVoiceRoute(t.Context(), "98396"); !p.ErrorAs(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != "VOICE_ROUTE_IN_USE" {
		t.Errorf("delete in use: %v", err)
	}
	if err := p.DeleteVoiceRoute(t.Context(), "0"); !p.ErrorAs(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != "PROVIDER_PERMISSION_DENIED" {
		t.Errorf("delete default route: %v (%+v)", err, pe)
	}
	if _, err := p.GetVoiceRoute(t.Context(), "555"); providers.ErrorCode(err) != providers.CodeNotFound {
		t.Errorf("get unknown: %v", err)
	}
	if _, err := p.GetVoiceRoute(t.Context(), "../x"); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Errorf("get bad id: %v", err)
	}
}
