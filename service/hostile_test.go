package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
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

// restRaw sends body as is (nil = none) and requires a JSON answer.
func restRaw(t *testing.T, method, rawURL string, body io.Reader) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := restClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: HTTP %d with a non-JSON body %q (want google.rpc.Status)", method, rawURL, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// repeatReader yields b forever.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestHostileRESTBodyLimit: a body over the cap (16 MiB by default) is
// refused with 413 before it is read whole — with a Content-Length and
// without one (chunked).
func TestHostileRESTBodyLimit(t *testing.T) {
	e := start(t)
	const size = 20 << 20
	huge := func() io.Reader {
		return io.MultiReader(strings.NewReader(`{"customerReference":"`), io.LimitReader(repeatReader('a'), size), strings.NewReader(`"}`))
	}
	url := e.base + "/v1/providers/telnyx/portOrders"
	// bytes.Reader: the client sends a Content-Length.
	b, _ := io.ReadAll(huge())
	code, body := restRaw(t, "POST", url, bytes.NewReader(b))
	msg := wantRESTError(t, "sized body", code, body, 413, "REQUEST_TOO_LARGE")
	if !strings.Contains(msg, "16777216") {
		t.Errorf("message does not name the limit: %q", msg)
	}
	// A plain reader: chunked, no Content-Length.
	code, body = restRaw(t, "POST", url, struct{ io.Reader }{huge()})
	wantRESTError(t, "chunked body", code, body, 413, "REQUEST_TOO_LARGE")
	stillHealthy(t, e)

	// PORTGATE_MAX_REQUEST_BYTES moves the cap.
	small := startWith(t, func(c *config.Config) { c.MaxRequestBytes = 1 << 20 })
	b = append([]byte(`{"customerReference":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	code, body = restRaw(t, "POST", small.base+"/v1/providers/telnyx/portOrders", bytes.NewReader(append(b, `"}`...)))
	if msg := wantRESTError(t, "1 MiB cap", code, body, 413, "REQUEST_TOO_LARGE"); !strings.Contains(msg, "1048576") {
		t.Errorf("message does not name the configured limit: %q", msg)
	}
	stillHealthy(t, small)
}

// TestHostileRESTInvalidUTF8: invalid UTF-8 in the path or the query is the
// caller's mistake (400), not an internal error.
func TestHostileRESTInvalidUTF8(t *testing.T) {
	e := start(t)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/v1/providers/telnyx/portOrders/%ff", ""},
		{"GET", "/v1/providers/telnyx/portOrders?filter=%ff", ""},
		{"GET", "/v1/providers/-/numbers?pageToken=%ff", ""},
		{"PATCH", "/v1/providers/telnyx/portOrders/1?updateMask=%ff", `{}`},
	} {
		var rd io.Reader
		if c.body != "" {
			rd = strings.NewReader(c.body)
		}
		code, body := restRaw(t, c.method, e.base+c.path, rd)
		msg := wantRESTError(t, c.method+" "+c.path, code, body, 400, "INVALID_REQUEST")
		if !strings.Contains(msg, "UTF-8") {
			t.Errorf("%s: message does not say what is wrong: %q", c.path, msg)
		}
	}
	stillHealthy(t, e)
}

// TestHostileRESTPathsAndBodies: unclean paths, trailing garbage, broken
// escapes, unknown routes, methods and custom verbs all answer a
// google.rpc.Status with an actionable message (restRaw fails on non-JSON).
func TestHostileRESTPathsAndBodies(t *testing.T) {
	e := start(t)
	created := func() int {
		resp, err := e.porting.ListPortOrders(context.Background(), &pb.ListPortOrdersRequest{Parent: "providers/-", PageSize: 250})
		if err != nil {
			t.Fatal(err)
		}
		return len(resp.GetPortOrders())
	}
	before := created()
	order, _ := protojson.Marshal(validOrder(freshNumber("")))
	for _, c := range []struct {
		name, method, path, body string
		code                     int
		reason, msg              string
	}{
		{"dot-dot", "GET", "/v1/providers/../providers", "", 400, "INVALID_REQUEST", "segment"},
		{"dot-dot id", "GET", "/v1/providers/flowroute/portOrders/..", "", 400, "INVALID_REQUEST", "segment"},
		{"double slash", "GET", "/v1//providers", "", 400, "INVALID_REQUEST", "segment"},
		{"trailing garbage", "POST", "/v1/providers/flowroute/portOrders", string(order) + ` xyz`, 400, "INVALID_REQUEST", "after the JSON"},
		{"two objects", "POST", "/v1/providers/flowroute/portOrders", string(order) + string(order), 400, "INVALID_REQUEST", "after the JSON"},
		{"lone surrogate", "POST", "/v1/providers/flowroute/portOrders", `{"customerReference":"\ud800"}`, 400, "INVALID_REQUEST", "surrogate"},
		{"unknown route", "GET", "/v1/nothing/here", "", 404, "ROUTE_NOT_FOUND", "/v1/nothing/here"},
		{"wrong method", "DELETE", "/v1/providers/flowroute/portOrders/1", "", 405, "METHOD_NOT_ALLOWED", "DELETE"},
		{"wrong method on ops route", "POST", "/healthz", "", 405, "METHOD_NOT_ALLOWED", "GET"},
		{"unknown verb", "POST", "/v1/providers/flowroute/portOrders/1:frobnicate", `{}`, 404, "ROUTE_NOT_FOUND", ":frobnicate"},
		{"verb on GET", "GET", "/v1/providers/flowroute/portOrders/1:submit", "", 404, "ROUTE_NOT_FOUND", ":submit"},
		{"verb on GET telnyx", "GET", "/v1/providers/telnyx/portOrders/abc:cancel", "", 404, "ROUTE_NOT_FOUND", ":cancel"},
		{"unknown query parameter", "GET", "/v1/providers/flowroute/portOrders?fitler=state%3DDRAFT", "", 400, "INVALID_REQUEST", "pageSize, pageToken, filter"},
		{"colon in the id", "POST", "/v1/providers/flowroute/portOrders/1:submit:cancel", `{}`, 400, "INVALID_REQUEST", "':'"},
		{"colon in the parent", "GET", "/v1/providers/flow:route/portOrders", "", 400, "INVALID_REQUEST", "':'"},
	} {
		var rd io.Reader
		if c.body != "" {
			rd = strings.NewReader(c.body)
		}
		code, body := restRaw(t, c.method, e.base+c.path, rd)
		msg := wantRESTError(t, c.name, code, body, c.code, c.reason)
		if !strings.Contains(msg, c.msg) {
			t.Errorf("%s: message %q does not mention %q", c.name, msg, c.msg)
		}
		if strings.Contains(msg, "unexpected EOF") {
			t.Errorf("%s: message %q is not actionable", c.name, msg)
		}
	}
	if after := created(); after != before {
		t.Errorf("refused requests created %d port orders", after-before)
	}
	stillHealthy(t, e)
}

// TestHostileFieldLimits: oversized strings, lists and documents are refused
// with INVALID_ARGUMENT and BadRequest before any provider call. A 10 MB
// customer_reference once reached Telnyx (431 → 500), and seventeen orders
// with 1 MB references opened the Telnyx breaker for everyone.
func TestHostileFieldLimits(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	count := func(prov string) int {
		resp, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/" + prov, PageSize: 250})
		if err != nil {
			t.Fatalf("list %s: %v", prov, err)
		}
		return len(resp.GetPortOrders())
	}
	before := count("telnyx")

	// gRPC: a 10 MB customer_reference.
	o := validOrder(freshNumber(""))
	o.CustomerReference = strings.Repeat("r", 10_000_000)
	_, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: o})
	st, ei := errorInfo(t, err)
	br := badRequest(st)
	if st.Code() != codes.InvalidArgument || ei.GetReason() != "LIMIT_EXCEEDED" || br == nil ||
		br.GetFieldViolations()[0].GetField() != "port_order.customer_reference" ||
		!strings.Contains(br.GetFieldViolations()[0].GetDescription(), "at most 256") {
		t.Fatalf("10 MB customer_reference: %v %v %v", st.Code(), ei, br)
	}

	// REST: seventeen orders with 1 MB references.
	for i := 0; i < 17; i++ {
		o := validOrder(freshNumber(""))
		o.CustomerReference = strings.Repeat("r", 1<<20)
		b, _ := protojson.Marshal(o)
		code, body := restRaw(t, "POST", e.base+"/v1/providers/telnyx/portOrders", bytes.NewReader(b))
		wantRESTError(t, "1 MB customer_reference", code, body, 400, "LIMIT_EXCEEDED")
		if i == 0 {
			v, _ := detail(body, "type.googleapis.com/google.rpc.BadRequest")["fieldViolations"].([]any)
			if len(v) != 1 || v[0].(map[string]any)["field"] != "port_order.customer_reference" {
				t.Fatalf("REST BadRequest: %v", body)
			}
		}
	}

	// Lists: 10,001 numbers in a portability check, one oversized entry.
	many := make([]string, 10001)
	for i := range many {
		many[i] = "+13125550100"
	}
	_, err = e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: many})
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "LIMIT_EXCEEDED" ||
		badRequest(st).GetFieldViolations()[0].GetField() != "phone_numbers" {
		t.Fatalf("10001 numbers: %v", err)
	}
	_, err = e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: []string{"+13125550100", strings.Repeat("1", 100)}})
	if st, _ := errorInfo(t, err); st.Code() != codes.InvalidArgument || badRequest(st).GetFieldViolations()[0].GetField() != "phone_numbers[1]" {
		t.Fatalf("100-byte number: %v", err)
	}

	// Documents: 10 MiB of content at most, whatever the provider.
	created, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: created.GetName(),
		Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_LOA, Filename: "loa.pdf", Content: make([]byte, 10<<20+1)}})
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "DOCUMENT_TOO_LARGE" {
		t.Fatalf("10 MiB + 1 document: %v", err)
	}

	// Streams are checked too.
	stream, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: strings.Repeat("p", 300)})
	if err == nil {
		_, err = stream.Recv()
	}
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "LIMIT_EXCEEDED" {
		t.Fatalf("stream with a 300-byte parent: %v", err)
	}

	if after := count("telnyx"); after != before+1 {
		t.Errorf("telnyx has %d new orders, want 1 (refused requests must not reach the provider)", after-before)
	}
	stillHealthy(t, e)
}
