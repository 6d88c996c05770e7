package testserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGRPCHealthAndReflection(t *testing.T) {
	ts := Start(t)
	resp, err := healthpb.NewHealthClient(ts.Conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", resp.GetStatus(), err)
	}
	rc, err := reflectionpb.NewServerReflectionClient(ts.Conn).ServerReflectionInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "grpc.health.v1.Health"}}); err != nil {
		t.Fatal(err)
	}
	r, err := rc.Recv()
	if err != nil {
		t.Fatal(err)
	}
	_ = rc.CloseSend()
	if len(r.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
		t.Fatalf("reflection returned no descriptor: %v", r)
	}
}

func getJSON(t *testing.T, ts *TestServer, path string, into any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.HTTPURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("GET %s: %d %q is not JSON: %v", path, resp.StatusCode, body, err)
	}
	return resp
}

func TestRESTPlainRoutesAndGatewayMounted(t *testing.T) {
	ts := StartWithOptions(t, Options{
		OpenAPI:        []byte(`{"swagger":"2.0"}`),
		ProviderHealth: func() map[string]string { return map[string]string{"flowroute": "SERVING"} },
	})

	var hz struct {
		Status    string            `json:"status"`
		Providers map[string]string `json:"providers"`
	}
	if resp := getJSON(t, ts, "/healthz", &hz); resp.StatusCode != 200 || hz.Status != "SERVING" || hz.Providers["flowroute"] != "SERVING" {
		t.Errorf("healthz: %d %+v", resp.StatusCode, hz)
	}
	var doc map[string]any
	if resp := getJSON(t, ts, "/openapi.json", &doc); resp.StatusCode != 200 || doc["swagger"] != "2.0" {
		t.Errorf("openapi: %d %v", resp.StatusCode, doc)
	}
	var st struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	resp := getJSON(t, ts, "/v1/providers/flowroute/portOrders/1", &st)
	if resp.StatusCode != http.StatusNotFound || st.Code != int(codes.NotFound) {
		t.Errorf("unknown gateway path: %d %+v", resp.StatusCode, st)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("gateway error content type %q", resp.Header.Get("Content-Type"))
	}
}

// A second server in the same test gets its own registry and listeners.
func TestTwoServersSideBySide(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.HTTPURL == b.HTTPURL {
		t.Fatalf("both servers on %s", a.HTTPURL)
	}
	for _, ts := range []*TestServer{a, b} {
		if _, err := healthpb.NewHealthClient(ts.Conn).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
			t.Error(err)
		}
	}
}
