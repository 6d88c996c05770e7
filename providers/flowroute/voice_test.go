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
	if _, err := p.GetVoiceRoute(t.Context(), "555"); providers.ErrorCode(err) != providers.CodeNotFound {
		t.Errorf("get unknown: %v", err)
	}
	if _, err := p.GetVoiceRoute(t.Context(), "../x"); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Errorf("get bad id: %v", err)
	}
}
