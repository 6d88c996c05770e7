package telnyx_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// TestConnectionsStub: GET /v2/connections and /v2/messaging_profiles as
// the Telnyx documentation's examples show them (UUID-looking connection
// ids, an unknown record_type kept raw).
func TestConnectionsStub(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v2/connections":
			_, _ = io.WriteString(w, `{"data":[
 {"id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58","record_type":"ip_connection","active":true,"anchorsite_override":"Latency","connection_name":"string","created_at":"2018-02-02T22:25:27.521Z","updated_at":"2018-02-02T22:25:27.521Z","webhook_event_url":"https://example.com","outbound_voice_profile_id":"1293384261075731499"},
 {"id":"1293384261075731499","record_type":"mobile_voice_connection","active":false,"connection_name":"m"}],
 "meta":{"total_pages":1,"total_results":2,"page_number":1,"page_size":250}}`)
		case "/v2/messaging_profiles/4001767e-ce0f-4cae-9d5f-0d5e636e7809":
			_, _ = io.WriteString(w, `{"data":{"record_type":"messaging_profile","id":"4001767e-ce0f-4cae-9d5f-0d5e636e7809","name":"Profile for Messages","enabled":true,"webhook_url":"https://www.example.com/hooks","v1_secret":"rP1VamejkU2v0qIUxntqLW2c","created_at":"2019-01-23T18:10:02.574Z","updated_at":"2019-01-23T18:10:02.574Z"}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found","detail":"The requested resource or URL could not be found."}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	pg, err := p.ListVoiceRoutes(t.Context(), providers.ListQuery{Limit: 10})
	if err != nil || len(pg.Routes) != 2 {
		t.Fatalf("%+v %v", pg, err)
	}
	if r := pg.Routes[0]; r.ID != "6a09cdc3-8948-47f0-aa62-74ac943d6c58" || r.Type != providers.VoiceRouteTypeSIPHost || !r.Active || r.CreateTime.IsZero() {
		t.Errorf("%+v", r)
	}
	if r := pg.Routes[1]; r.Type != providers.VoiceRouteTypeUnspecified || r.ProviderType != "mobile_voice_connection" || r.Active {
		t.Errorf("%+v", r)
	}
	mp, err := p.GetMessagingProfile(t.Context(), "4001767e-ce0f-4cae-9d5f-0d5e636e7809")
	if err != nil || mp.Name != "Profile for Messages" || !mp.Enabled {
		t.Fatalf("%+v %v", mp, err)
	}
	_, err = p.GetVoiceRoute(t.Context(), "404")
	var pe *providers.Error
	if !p.ErrorAs(err, &pe) || pe.Code != providers.CodeNotFound || pe.Reason != "VOICE_ROUTE_NOT_FOUND" {
		t.Errorf("get unknown: %v", err)
	}
}
