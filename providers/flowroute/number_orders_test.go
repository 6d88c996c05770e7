package flowroute_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// The adapter against a stub answering as Flowroute documents purchase
// (201 with the number) and release (204; untitled 404), not the fake.

const docBoughtNumber = `{"data":{"id":"12065550100","type":"number","attributes":{"value":"12065550100","alias":null,
 "cnam_lookups_enabled":false,"messaging_enabled":false,"number_type":"longcode","rate_center":"sttl","state":"wa",
 "iso_country":"US","rate_type":"local","monthly_cost":1.25,"setup_cost":1.0,"inbound_rate":0.012,"tier":"Standard",
 "status":"PURCHASED"},"links":{"self":"https://api.flowroute.com/v2/numbers/12065550100"},
 "relationships":{"primary_route":{"data":null},"failover_route":{"data":null}}},"included":[]}`

func stubFlowroute(t *testing.T, h http.HandlerFunc) (*flowroute.Provider, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+string(b))
		mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "acc12345", SecretKey: "secret0123456789secret0123456789", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

func TestPurchaseAgainstDocumentedShapes(t *testing.T) {
	p, seen := stubFlowroute(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, docBoughtNumber)
	})
	res, err := p.PurchaseNumber(t.Context(), providers.NumberPurchase{PhoneNumber: "+12065550100", CNAMLookupsEnabled: true})
	if err != nil || res.Number.PhoneNumber != "+12065550100" || res.Number.Status != "PURCHASED" || len(res.Failures) != 0 {
		t.Fatalf("purchase: %+v %v", res, err)
	}
	if got := seen(); len(got) != 1 || got[0] != `POST /v2/numbers/12065550100 {"cnam_lookups_enabled":true}` {
		t.Errorf("requests: %q", got)
	}
	// Without options no body is sent.
	if _, err := p.PurchaseNumber(t.Context(), providers.NumberPurchase{PhoneNumber: "+12065550100"}); err != nil {
		t.Fatal(err)
	}
	if got := seen(); got[1] != "POST /v2/numbers/12065550100 " {
		t.Errorf("request without options: %q", got[1])
	}
}

func TestPurchaseNotAvailable(t *testing.T) {
	p, _ := stubFlowroute(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"errors":[{"detail":"Could not find that resource on your account.","id":"7fc8c70a-ca58-430c-b383-000000000001","status":404}]}`)
	})
	_, err := p.PurchaseNumber(t.Context(), providers.NumberPurchase{PhoneNumber: "+12065550100"})
	if providers.ErrorCode(err) != providers.CodeNotFound {
		t.Fatalf("404 purchase: %v, want NotFound", err)
	}
}

func TestReleaseAgainstDocumentedShapes(t *testing.T) {
	p, seen := stubFlowroute(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "application/vnd.api+json")
			_, _ = io.WriteString(w, docBoughtNumber)
		case http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	n, err := p.ReleaseNumber(t.Context(), "+12065550100")
	if err != nil || n.PhoneNumber != "+12065550100" || n.Status != "" {
		t.Fatalf("release: %+v %v", n, err)
	}
	if got := seen(); len(got) != 2 || got[1] != "DELETE /v2/numbers/12065550100 " {
		t.Errorf("requests: %q", got)
	}
}
