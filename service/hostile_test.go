package service_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// Hostile-client tests (issue 9, first section): each reproduces an attack
// through the public surface and asserts a clear 4xx, a server that still
// answers, and provider breakers that are still closed.

// stillHealthy asserts that the server answers over gRPC and REST and that
// no provider's circuit breaker opened.
func stillHealthy(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.provs.ListProviders(context.Background(), &pb.ListProvidersRequest{}); err != nil {
		t.Fatalf("server no longer answers gRPC: %v", err)
	}
	if code, body := rest(t, "GET", e.base+"/v1/providers", nil); code != 200 {
		t.Fatalf("server no longer answers REST: %d %v", code, body)
	}
	for name, p := range e.app.Providers {
		if st := p.Health().State; st != "closed" {
			t.Errorf("provider %s breaker is %s after a hostile request, want closed", name, st)
		}
	}
}

// wantRESTError asserts a google.rpc.Status JSON answer with the HTTP code and
// ErrorInfo reason, and returns its message.
func wantRESTError(t *testing.T, what string, code int, body map[string]any, wantCode int, wantReason string) string {
	t.Helper()
	ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo")
	msg, _ := body["message"].(string)
	if code != wantCode || ei == nil || ei["reason"] != wantReason || msg == "" {
		t.Fatalf("%s: got HTTP %d %v, want %d with ErrorInfo reason %s and a message", what, code, body, wantCode, wantReason)
	}
	return msg
}

// TestHostileFilterNesting: 100,000 "(" once blew the parser's stack (800,000
// killed the process). Now the filter is bounded in length and depth.
func TestHostileFilterNesting(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	deep := strings.Repeat("(", 100_000)
	// Short enough to pass the length bound, too deep for the depth bound.
	nested := strings.Repeat("(", 40) + `state = DRAFT` + strings.Repeat(")", 40)

	for _, f := range []string{deep, nested} {
		_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", Filter: f})
		st, ei := errorInfo(t, err)
		if st.Code() != codes.InvalidArgument || (ei.GetReason() != "INVALID_FILTER" && ei.GetReason() != "LIMIT_EXCEEDED") {
			t.Fatalf("gRPC port orders, %d-byte filter: %v %v", len(f), st.Code(), ei)
		}
		_, err = e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/-", Filter: f})
		if st, _ := errorInfo(t, err); st.Code() != codes.InvalidArgument {
			t.Fatalf("gRPC numbers, %d-byte filter: %v", len(f), err)
		}
		for _, path := range []string{"/v1/providers/flowroute/portOrders", "/v1/providers/telnyx/numbers"} {
			code, body := rest(t, "GET", e.base+path+"?filter="+url.QueryEscape(f), nil)
			if code != 400 {
				t.Fatalf("REST %s, %d-byte filter: %d %v", path, len(f), code, body)
			}
		}
	}
	_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", Filter: nested})
	if st, _ := errorInfo(t, err); !strings.Contains(st.Message(), "nest") {
		t.Errorf("depth error does not say what is wrong: %q", st.Message())
	}
	// Nesting within the bound still works.
	ok := strings.Repeat("(", 30) + `state = DRAFT` + strings.Repeat(")", 30)
	if _, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", Filter: ok}); err != nil {
		t.Fatalf("30 levels of nesting: %v", err)
	}
	stillHealthy(t, e)
}
