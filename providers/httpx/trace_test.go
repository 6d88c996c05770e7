package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// A provider call made with a TracerProvider gets one client span, child
// of the caller's span, named by method and host only (paths carry phone
// numbers and order ids), with the HTTP semantic-convention attributes; it
// ends when the body is closed, is an error for a 4xx/5xx answer or a
// transport failure, and no trace header reaches the provider (README:
// the trace context stays inside portgate).
func TestClientSpanAndNoPropagation(t *testing.T) {
	var gotHeaders http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHeaders = r.Header.Clone()
		if r.URL.Path == "/v2/numbers/missing" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c := NewClient(Options{TracerProvider: tp})
	defer c.CloseIdleConnections()
	host := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(host)

	ctx, parent := tp.Tracer("test").Start(context.Background(), "caller")
	get := func(path string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		req.SetBasicAuth("key", "secret")
		return c.Do(req)
	}
	resp, err := get("/v2/numbers/13125550100?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Ended()) != 0 {
		t.Fatalf("span ended before the body was read")
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for k := range gotHeaders {
		if l := strings.ToLower(k); l == "traceparent" || l == "tracestate" || l == "baggage" {
			t.Errorf("trace header %s sent to the provider", k)
		}
	}
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans ended, want 1", len(spans))
	}
	s := spans[0]
	if s.Name() != "provider GET "+host || s.SpanKind() != trace.SpanKindClient {
		t.Errorf("span %q kind %v, want %q client", s.Name(), s.SpanKind(), "provider GET "+host)
	}
	if s.Parent().SpanID() != parent.SpanContext().SpanID() || s.SpanContext().TraceID() != parent.SpanContext().TraceID() {
		t.Errorf("span is not a child of the caller's span")
	}
	p, _ := strconv.Atoi(port)
	want := map[attribute.Key]attribute.Value{
		"http.request.method":       attribute.StringValue("GET"),
		"url.full":                  attribute.StringValue(srv.URL + "/v2/numbers/13125550100?limit=1"), // no user info
		"server.address":            attribute.StringValue("127.0.0.1"),
		"server.port":               attribute.IntValue(p),
		"network.protocol.version":  attribute.StringValue("1.1"),
		"http.response.status_code": attribute.IntValue(200),
	}
	got := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		got[kv.Key] = kv.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attribute %s = %v, want %v", k, got[k].String(), v.String())
		}
	}
	if s.Status().Code != codes.Unset {
		t.Errorf("status %v for a 200", s.Status())
	}

	resp, err = get("/v2/numbers/missing")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	s = rec.Ended()[1]
	got = map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		got[kv.Key] = kv.Value
	}
	if s.Status().Code != codes.Error || got["error.type"].AsString() != "503" || got["http.response.status_code"].AsInt64() != 503 {
		t.Errorf("503: status %v, attributes %v", s.Status(), s.Attributes())
	}

	srv.Close()
	if _, err := get("/gone"); err == nil {
		t.Fatal("no error from a closed server")
	}
	s = rec.Ended()[2]
	if s.Status().Code != codes.Error || s.Status().Description == "" {
		t.Errorf("transport error: status %v", s.Status())
	}
	parent.End()
}

// TestClientSpanAbsentWithoutTracerProvider: no provider, no span work.
func TestClientSpanAbsentWithoutTracerProvider(t *testing.T) {
	c := NewClient(Options{})
	if _, ok := c.Transport.(*CappedTransport).Base.(*http.Transport); !ok {
		t.Fatalf("base transport %T, want *http.Transport", c.Transport.(*CappedTransport).Base)
	}
}

var errStub = errors.New("stub")

// stubRT answers every request with a small 200 and no network.
type stubRT struct{}

func (stubRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/fail" {
		return nil, errStub
	}
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{},
		Body: io.NopCloser(strings.NewReader(`{}`)), ContentLength: 2, Request: r}, nil
}

// BenchmarkTracedRoundTrip is the client-side tracing cost of one provider
// call (a recording span, no network):
//
//	go test -run '^$' -bench TracedRoundTrip -benchmem ./providers/httpx/
func BenchmarkTracedRoundTrip(b *testing.B) {
	tp := sdktrace.NewTracerProvider() // recording spans, exported nowhere
	c := NewClient(Options{TracerProvider: tp, Base: stubRT{}})
	ctx, parent := tp.Tracer("bench").Start(context.Background(), "caller")
	defer parent.End()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.flowroute.com/v2/portorders/123", nil)
	b.ReportAllocs()
	for range b.N {
		resp, err := c.Transport.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
