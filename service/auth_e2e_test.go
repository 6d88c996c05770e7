package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
)

// testKeys: one key per role of the outcome matrix.
var testKeys = map[string]struct{ scopes, providers string }{
	"writer":   {"porting.read,porting.write,numbers.read", ""},
	"writer2":  {"porting.write", ""},
	"reader":   {"porting.read", ""},
	"telnyx":   {"porting.read,porting.write,events.read", "telnyx"},
	"admin":    {"admin", ""},
	"readonly": {"numbers.read", ""},
}

// secretOf is the presented secret of key id (deterministic per test run).
func secretOf(id string) string { return "pgk_test_secret_for_" + id + "_0123456789abcdef" }

func keyLines(t testing.TB) []auth.Key {
	t.Helper()
	var src string
	for id, k := range testKeys {
		h, err := auth.HashKey(secretOf(id))
		if err != nil {
			t.Fatal(err)
		}
		src += id + ":" + h + ":" + k.scopes + ":" + k.providers + "\n"
	}
	keys, err := auth.ParseKeys(src)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func withKey(id string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+secretOf(id))
}

// Two callers that happen to pick the same request_id for the same request
// get two separate outcomes: idempotency records are scoped to the key.
// (Before: the second caller got the first caller's port order back.)
func TestIdempotencyScopedPerCaller(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	req := &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber("")), RequestId: "5f0b3b1e-8c2a-4d7e-9a55-0c6a3b2d1e0f"}
	first, err := e.porting.CreatePortOrder(withKey("writer"), req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.porting.CreatePortOrder(withKey("writer"), req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Fatalf("same caller retry: %s, then %s (want the first answer)", first.GetName(), again.GetName())
	}
	other, err := e.porting.CreatePortOrder(withKey("writer2"), req)
	if err != nil {
		t.Fatal(err)
	}
	if other.GetName() == first.GetName() {
		t.Fatalf("another key with the same request_id got the first caller's order %s", first.GetName())
	}
}

type authCase struct {
	name   string
	key    string // "" = none; "unknown" = a key not configured
	method string // REST
	path   string
	body   any
	call   func(ctx context.Context, e *env) error // gRPC
	code   codes.Code
	reason string
}

func authCases() []authCase {
	listOrders := func(parent string) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent})
			return err
		}
	}
	return []authCase{
		{"no key", "", "GET", "/v1/providers/flowroute/portOrders", nil, listOrders("providers/flowroute"), codes.Unauthenticated, auth.ReasonKeyMissing},
		{"unknown key", "unknown", "GET", "/v1/providers/flowroute/portOrders", nil, listOrders("providers/flowroute"), codes.Unauthenticated, auth.ReasonKeyInvalid},
		{"wrong scope", "readonly", "GET", "/v1/providers/flowroute/portOrders", nil, listOrders("providers/flowroute"), codes.PermissionDenied, auth.ReasonScopeMissing},
		{"read key writes", "reader", "POST", "/v1/providers/flowroute/portOrders/1:cancel", map[string]any{},
			func(ctx context.Context, e *env) error {
				_, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: "providers/flowroute/portOrders/1"})
				return err
			}, codes.PermissionDenied, auth.ReasonScopeMissing},
		{"wrong provider", "telnyx", "GET", "/v1/providers/flowroute/portOrders", nil, listOrders("providers/flowroute"), codes.PermissionDenied, auth.ReasonProviderNotAllowed},
		{"limited key on providers/-", "telnyx", "GET", "/v1/providers/-/portOrders", nil, listOrders("providers/-"), codes.PermissionDenied, auth.ReasonProviderNotAllowed},
		{"limited key, portability on every provider", "telnyx", "POST", "/v1/providers/-:checkPortability", map[string]any{"phoneNumbers": []string{"+13125550100"}},
			func(ctx context.Context, e *env) error {
				_, err := e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: []string{"+13125550100"}})
				return err
			}, codes.PermissionDenied, auth.ReasonProviderNotAllowed},
		{"limited key, update names another provider", "telnyx", "PATCH", "/v1/providers/flowroute/portOrders/1", map[string]any{"customerReference": "x"},
			func(ctx context.Context, e *env) error {
				_, err := e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: &pb.PortOrder{Name: "providers/flowroute/portOrders/1", CustomerReference: "x"}})
				return err
			}, codes.PermissionDenied, auth.ReasonProviderNotAllowed},
		{"good key", "writer", "GET", "/v1/providers/flowroute/portOrders", nil, listOrders("providers/flowroute"), codes.OK, ""},
		{"limited key on its provider", "telnyx", "GET", "/v1/providers/telnyx/portOrders", nil, listOrders("providers/telnyx"), codes.OK, ""},
		{"admin", "admin", "GET", "/v1/providers/-/portOrders", nil, listOrders("providers/-"), codes.OK, ""},
		{"list providers needs only a key", "readonly", "GET", "/v1/providers", nil,
			func(ctx context.Context, e *env) error {
				_, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{})
				return err
			}, codes.OK, ""},
	}
}

// The outcome matrix over gRPC (bufconn): the interceptor.
func TestAuthMatrixGRPC(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	for _, tc := range authCases() {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			switch tc.key {
			case "":
			case "unknown":
				ctx = metadata.AppendToOutgoingContext(ctx, "x-api-key", "pgk_not_a_configured_key_0123456789abcdef")
			default:
				ctx = withKey(tc.key)
			}
			err := tc.call(ctx, e)
			if tc.code == codes.OK {
				if err != nil {
					t.Fatalf("want OK, got %v", err)
				}
				return
			}
			st, ei := errorInfo(t, err)
			if st.Code() != tc.code || ei.GetReason() != tc.reason || ei.GetDomain() != "portgate.dev" {
				t.Errorf("got %v %s/%s (%s), want %v %s", st.Code(), ei.GetDomain(), ei.GetReason(), st.Message(), tc.code, tc.reason)
			}
		})
	}
	// Health is open; reflection is on by default and open.
	if _, err := healthpb.NewHealthClient(e.conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health without a key: %v", err)
	}
	if err := reflect(e); err != nil {
		t.Errorf("reflection (on) without a key: %v", err)
	}
	// The streaming RPC is covered too: a limited key watching another
	// provider's order is refused when the request is read.
	stream, err := e.porting.WatchPortOrderEvents(withKey("telnyx"), &pb.WatchPortOrderEventsRequest{Parent: "providers/flowroute/portOrders/1"})
	if err == nil {
		_, err = stream.Recv()
	}
	if st, ei := errorInfo(t, err); st.Code() != codes.PermissionDenied || ei.GetReason() != auth.ReasonProviderNotAllowed {
		t.Errorf("watch: %v %s", st.Code(), ei.GetReason())
	}
	stream, err = e.porting.WatchPortOrderEvents(withKey("reader"), &pb.WatchPortOrderEventsRequest{Parent: "providers/flowroute/portOrders/1"})
	if err == nil {
		_, err = stream.Recv()
	}
	if st, ei := errorInfo(t, err); st.Code() != codes.PermissionDenied || ei.GetReason() != auth.ReasonScopeMissing {
		t.Errorf("watch without events.read: %v %s", st.Code(), ei.GetReason())
	}
}

func reflect(e *env) error {
	rc, err := reflectionpb.NewServerReflectionClient(e.conn).ServerReflectionInfo(context.Background())
	if err != nil {
		return err
	}
	// A Send error of io.EOF means the server ended the stream; its status
	// comes from Recv.
	if err := rc.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil && err != io.EOF {
		return err
	}
	_, err = rc.Recv()
	_ = rc.CloseSend()
	return err
}

// The same matrix over REST through the real gateway: the key travels as
// "Authorization: Bearer" or "x-api-key" and reaches the same interceptor.
func TestAuthMatrixREST(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	for _, tc := range authCases() {
		for _, header := range []string{"Authorization", "X-Api-Key"} {
			t.Run(tc.name+"/"+header, func(t *testing.T) {
				var rd io.Reader
				if tc.body != nil {
					b, _ := json.Marshal(tc.body)
					rd = bytes.NewReader(b)
				}
				req, _ := http.NewRequest(tc.method, e.base+tc.path, rd)
				req.Header.Set("Content-Type", "application/json")
				secret := ""
				switch tc.key {
				case "":
				case "unknown":
					secret = "pgk_not_a_configured_key_0123456789abcdef"
				default:
					secret = secretOf(tc.key)
				}
				if secret != "" {
					if header == "Authorization" {
						req.Header.Set(header, "Bearer "+secret)
					} else {
						req.Header.Set(header, secret)
					}
				}
				resp, err := restClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				var body map[string]any
				_ = json.Unmarshal(raw, &body)
				want := map[codes.Code]int{codes.OK: 200, codes.Unauthenticated: 401, codes.PermissionDenied: 403}[tc.code]
				if resp.StatusCode != want {
					t.Fatalf("HTTP %d %s, want %d", resp.StatusCode, raw, want)
				}
				if tc.code == codes.OK {
					return
				}
				ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo")
				if ei["reason"] != tc.reason || ei["domain"] != "portgate.dev" {
					t.Errorf("ErrorInfo %v, want reason %s", ei, tc.reason)
				}
				if bytes.Contains(raw, []byte(secret)) && secret != "" {
					t.Errorf("the answer echoes the key: %s", raw)
				}
			})
		}
	}
	resp, err := restClient.Get(e.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz without a key: %d", resp.StatusCode)
	}
}

// Reflection can be switched off; health stays open.
func TestReflectionOff(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t); c.DisableReflection = true })
	if err := reflect(e); status.Code(err) != codes.Unimplemented {
		t.Errorf("reflection off: %v, want Unimplemented", err)
	}
	if _, err := healthpb.NewHealthClient(e.conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health without a key: %v", err)
	}
}

// A sandbox without keys serves everyone and says so in ListProviders; with
// keys it does not.
func TestSandboxWithoutKeysSaysSo(t *testing.T) {
	open := startWith(t, func(*config.Config) {})
	resp, err := open.provs.ListProviders(context.Background(), &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.GetAuthenticationDisabled() || resp.GetSecurityNotice() == "" {
		t.Errorf("open sandbox: authentication_disabled=%v notice=%q", resp.GetAuthenticationDisabled(), resp.GetSecurityNotice())
	}
	closed := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	resp, err = closed.provs.ListProviders(withKey("reader"), &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetAuthenticationDisabled() || resp.GetSecurityNotice() != "" {
		t.Errorf("with keys: authentication_disabled=%v notice=%q", resp.GetAuthenticationDisabled(), resp.GetSecurityNotice())
	}
}

// A provider-limited key sees only its providers in ListProviders (so a
// client can tell which provider to name instead of providers/-).
func TestListProvidersForLimitedKey(t *testing.T) {
	e := startWith(t, func(c *config.Config) { c.Keys = keyLines(t) })
	resp, err := e.provs.ListProviders(withKey("telnyx"), &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range resp.GetProviders() {
		names = append(names, p.GetName())
	}
	if len(names) != 1 || names[0] != "providers/telnyx" {
		t.Errorf("limited key lists %v, want [providers/telnyx]", names)
	}
	resp, err = e.provs.ListProviders(withKey("reader"), &pb.ListProvidersRequest{})
	if err != nil || len(resp.GetProviders()) != 2 {
		t.Errorf("unlimited key: %v %v", resp.GetProviders(), err)
	}
}
