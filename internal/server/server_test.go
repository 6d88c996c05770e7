package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestMiddlewareOrder(t *testing.T) {
	s, err := New(Config{GRPCAddr: BufconnAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	want := []string{MiddlewareRequestID, MiddlewareLogging, MiddlewareMetrics, MiddlewareDrain, MiddlewareRecovery, MiddlewareAuth, MiddlewareValidate}
	if got := s.Middleware(); !slices.Equal(got, want) {
		t.Fatalf("middleware order = %v, want %v", got, want)
	}
}

func TestCheckMiddlewareRejectsBadChains(t *testing.T) {
	u := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		return h(ctx, req)
	}
	st := func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return h(srv, ss)
	}
	for name, chain := range map[string][]Middleware{
		"duplicate": {{Name: "a", Unary: u, Stream: st}, {Name: "a", Unary: u, Stream: st}},
		"unnamed":   {{Unary: u, Stream: st}},
		"no stream": {{Name: "a", Unary: u}},
	} {
		if err := checkMiddleware(chain); err == nil {
			t.Errorf("%s: checkMiddleware accepted %v", name, MiddlewareNames(chain))
		}
	}
}

// The order matters in behaviour: recovery is inside logging and metrics, so a
// panic is logged and counted as Internal with the request id.
func TestPanicIsInternalLoggedAndCounted(t *testing.T) {
	var logs logBuffer
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: BufconnAddr, Logger: logs.logger(), Services: []Service{ts.service()}})
	conn := dial(t, s)

	_, err := invoke(withRequestID(t.Context(), "req-panic-1"), conn, "Panic", "secret-payload")
	if status.Code(err) != codes.Internal {
		t.Fatalf("Panic: got %v, want Internal", err)
	}

	panics := logs.lines(t, "panic in gRPC handler")
	if len(panics) != 1 {
		t.Fatalf("want 1 panic log line, got %d:\n%s", len(panics), logs.String())
	}
	if panics[0]["request_id"] != "req-panic-1" || !strings.Contains(panics[0]["stack"].(string), "goroutine") {
		t.Errorf("panic line lacks request id or stack: %v", panics[0])
	}
	finished := logs.lines(t, "finished call")
	if len(finished) != 1 {
		t.Fatalf("want exactly 1 line per call, got %d:\n%s", len(finished), logs.String())
	}
	f := finished[0]
	if f["grpc.code"] != "Internal" || f["request_id"] != "req-panic-1" || f["grpc.method"] != "Panic" || f["grpc.service"] != testServiceName {
		t.Errorf("finished line = %v", f)
	}
	if _, ok := f["grpc.time_ms"]; !ok {
		t.Errorf("finished line has no duration: %v", f)
	}
	if strings.Contains(logs.String(), "secret-payload") {
		t.Error("request payload leaked into logs")
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Panic", "grpc_code": "Internal"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Panic,Internal} = %v, want 1", got)
	}

	// Streams get the same chain.
	stream, err := conn.NewStream(t.Context(), &grpc.StreamDesc{ServerStreams: true}, "/"+testServiceName+"/Stream")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.String("panic")); err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	if err := stream.RecvMsg(new(wrapperspb.StringValue)); status.Code(err) != codes.Internal {
		t.Fatalf("stream panic: got %v, want Internal", err)
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Stream", "grpc_code": "Internal"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Stream,Internal} = %v, want 1", got)
	}
	for _, m := range []string{"Panic", "Stream"} {
		if got := counter(t, s.Registry(), "portgate_panics_recovered_total", map[string]string{"grpc_method": "/" + testServiceName + "/" + m}); got != 1 {
			t.Errorf("portgate_panics_recovered_total{%s} = %v, want 1", m, got)
		}
	}
}

// With an admin address, /metrics and /debug/pprof live there and not on the
// REST listener; pprof is off unless enabled.
func TestAdminListenerAndPprof(t *testing.T) {
	ts := newTestService()
	c := httpClient(t)
	for _, tc := range []struct {
		name               string
		admin, pprof       bool
		metricsOn, pprofOn string // "http", "admin" or ""
	}{
		{"defaults", false, false, "http", ""},
		{"pprof on the HTTP listener", false, true, "http", "http"},
		{"admin without pprof", true, false, "admin", ""},
		{"admin with pprof", true, true, "admin", "admin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Services: []Service{ts.service()}, Pprof: tc.pprof}
			if tc.admin {
				cfg.AdminAddr = "127.0.0.1:0"
			}
			s := startServer(t, cfg)
			bases := map[string]string{"http": "http://" + s.HTTPAddr()}
			if tc.admin {
				bases["admin"] = "http://" + s.AdminAddr()
			}
			for name, base := range bases {
				resp, body := get(t, c, base+"/metrics")
				if on := tc.metricsOn == name; on != (resp.StatusCode == http.StatusOK && strings.Contains(string(body), "go_goroutines")) {
					t.Errorf("%s /metrics: %d (want served: %v)", name, resp.StatusCode, on)
				}
				resp, body = get(t, c, base+"/debug/pprof/")
				if on := tc.pprofOn == name; on != (resp.StatusCode == http.StatusOK && strings.Contains(string(body), "goroutine")) {
					t.Errorf("%s /debug/pprof/: %d (want served: %v)", name, resp.StatusCode, on)
				}
			}
		})
	}
}

func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue metric
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

func TestRequestID(t *testing.T) {
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: BufconnAddr, Services: []Service{ts.service()}})
	conn := dial(t, s)

	for _, tc := range []struct {
		name, sent string
		want       func(string) bool
	}{
		{"generated", "", uuidRE.MatchString},
		{"caller's", "abc-123", func(s string) bool { return s == "abc-123" }},
		{"unsafe replaced", "bad id;drop", uuidRE.MatchString},
		{"too long replaced", strings.Repeat("a", 129), uuidRE.MatchString},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.sent != "" {
				ctx = withRequestID(ctx, tc.sent)
			}
			var header, trailer metadata.MD
			got, err := invoke(ctx, conn, "Echo", "x", grpc.Header(&header), grpc.Trailer(&trailer))
			if err != nil {
				t.Fatal(err)
			}
			id := strings.TrimPrefix(got, "x|")
			if !tc.want(id) {
				t.Errorf("request id in handler = %q", id)
			}
			if h := header.Get(RequestIDHeader); len(h) != 1 || h[0] != id {
				t.Errorf("response header %s = %v, want %q", RequestIDHeader, h, id)
			}
			if tr := trailer.Get(RequestIDHeader); len(tr) != 1 || tr[0] != id {
				t.Errorf("response trailer %s = %v, want %q", RequestIDHeader, tr, id)
			}
		})
	}

	// Stream handlers see it too.
	stream, err := conn.NewStream(withRequestID(t.Context(), "stream-1"), &grpc.StreamDesc{ServerStreams: true}, "/"+testServiceName+"/Stream")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.String("hi")); err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	out := new(wrapperspb.StringValue)
	if err := stream.RecvMsg(out); err != nil || out.GetValue() != "stream-1" {
		t.Fatalf("stream request id = %q, %v", out.GetValue(), err)
	}
	if err := stream.RecvMsg(out); err != io.EOF {
		t.Fatalf("stream end: %v", err)
	}
}

func TestHealthAndReflection(t *testing.T) {
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: BufconnAddr, Services: []Service{ts.service()}})
	conn := dial(t, s)

	hc := healthpb.NewHealthClient(conn)
	for _, svc := range []string{"", testServiceName} {
		resp, err := hc.Check(t.Context(), &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health %q = %v, %v", svc, resp.GetStatus(), err)
		}
	}
	if _, err := hc.Check(t.Context(), &healthpb.HealthCheckRequest{Service: "nope.v1.Nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("health of unknown service: %v", err)
	}

	rc, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := rc.Recv()
	if err != nil {
		t.Fatal(err)
	}
	_ = rc.CloseSend()
	var names []string
	for _, svc := range resp.GetListServicesResponse().GetService() {
		names = append(names, svc.GetName())
	}
	for _, want := range []string{testServiceName, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"} {
		if !slices.Contains(names, want) {
			t.Errorf("reflection lists %v, missing %s", names, want)
		}
	}
}

func get(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestHTTPRoutes(t *testing.T) {
	ts := newTestService()
	s := startServer(t, Config{
		GRPCAddr:       "127.0.0.1:0",
		HTTPAddr:       "127.0.0.1:0",
		Services:       []Service{ts.service()},
		OpenAPI:        []byte(`{"openapi":"3.0.0"}`),
		ProviderHealth: func() map[string]string { return map[string]string{"flowroute": "SERVING", "telnyx": "OPEN_CIRCUIT"} },
	})
	if strings.HasSuffix(s.GRPCAddr(), ":0") || strings.HasSuffix(s.HTTPAddr(), ":0") {
		t.Fatalf("addresses not resolved: %s %s", s.GRPCAddr(), s.HTTPAddr())
	}
	// Port 0 TCP listeners dial fine.
	if _, err := invoke(t.Context(), dial(t, s), "Echo", "tcp"); err != nil {
		t.Fatalf("Echo over TCP: %v", err)
	}
	c := httpClient(t)
	base := "http://" + s.HTTPAddr()

	resp, body := get(t, c, base+"/openapi.json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || string(body) != `{"openapi":"3.0.0"}` {
		t.Errorf("openapi: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	resp, body = get(t, c, base+"/healthz")
	var hz struct {
		Status    string
		Providers map[string]string
	}
	if err := json.Unmarshal(body, &hz); err != nil || resp.StatusCode != 200 || hz.Status != "SERVING" || hz.Providers["telnyx"] != "OPEN_CIRCUIT" {
		t.Errorf("healthz: %d %s (%v)", resp.StatusCode, body, err)
	}

	resp, body = get(t, c, base+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `grpc_server_handled_total{grpc_code="OK",grpc_method="Echo"`) {
		t.Errorf("metrics: %d, no Echo counter in\n%.2000s", resp.StatusCode, body)
	}

	// The gateway mux is mounted: unknown API paths get a google.rpc.Status.
	resp, body = get(t, c, base+"/v1/nothing/here")
	var st struct {
		Code    int
		Message string
	}
	if err := json.Unmarshal(body, &st); err != nil || resp.StatusCode != 404 || st.Code != int(codes.NotFound) {
		t.Errorf("unknown path: %d %s", resp.StatusCode, body)
	}
}

func TestGatewayGoesThroughInterceptorsAndKeepsDetails(t *testing.T) {
	var logs logBuffer
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Logger: logs.logger(), Services: []Service{ts.service()}})
	c := httpClient(t)
	base := "http://" + s.HTTPAddr()

	resp, body := get(t, c, base+"/v1/test/Echo?value=hello", "X-Request-Id", "rest-1")
	if resp.StatusCode != 200 || string(body) != `"hello|rest-1"` {
		t.Fatalf("Echo over REST: %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Request-Id"); got != "rest-1" {
		t.Errorf("X-Request-Id response header = %q", got)
	}

	resp, body = get(t, c, base+"/v1/test/Fail")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("Fail over REST: %d %s", resp.StatusCode, body)
	}
	if !uuidRE.MatchString(resp.Header.Get("X-Request-Id")) {
		t.Errorf("generated X-Request-Id = %q", resp.Header.Get("X-Request-Id"))
	}
	var st struct {
		Code    int              `json:"code"`
		Message string           `json:"message"`
		Details []map[string]any `json:"details"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if st.Code != int(codes.InvalidArgument) || st.Message != "phone number is not valid" || len(st.Details) != 2 {
		t.Fatalf("error body = %s", body)
	}
	info, bad := st.Details[0], st.Details[1]
	if info["@type"] != "type.googleapis.com/google.rpc.ErrorInfo" || info["reason"] != "INVALID_PHONE_NUMBER" || info["domain"] != "portgate.dev" {
		t.Errorf("ErrorInfo detail = %v", info)
	}
	// lowerCamelCase JSON names.
	if bad["@type"] != "type.googleapis.com/google.rpc.BadRequest" || !strings.Contains(string(body), `"fieldViolations":[{"field":"port_order.phone_numbers[3]"`) {
		t.Errorf("BadRequest detail = %v", bad)
	}

	// Both REST calls ran through the gRPC interceptor chain.
	finished := logs.lines(t, "finished call")
	if len(finished) != 2 || finished[0]["request_id"] != "rest-1" || finished[1]["grpc.code"] != "InvalidArgument" {
		t.Errorf("REST calls not logged by the gRPC chain:\n%s", logs.String())
	}
}

func TestGracefulShutdownDrainsInFlight(t *testing.T) {
	ts := newTestService()
	var closed []string
	s, err := New(Config{
		GRPCAddr: BufconnAddr,
		HTTPAddr: "127.0.0.1:0",
		Services: []Service{ts.service()},
		Closers:  []io.Closer{namedCloser("first", &closed, nil), namedCloser("second", &closed, nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	conn := dial(t, s)
	c := httpClient(t)
	hc := healthpb.NewHealthClient(conn)

	result := make(chan error, 1)
	go func() {
		got, err := invoke(context.Background(), conn, "Block", "")
		if err == nil && got != "released" {
			err = errors.New("unexpected reply " + got)
		}
		result <- err
	}()
	<-ts.entered

	// Watch health on a stream so we see NOT_SERVING while the RPC drains.
	watchCtx, stopWatch := context.WithCancel(t.Context())
	defer stopWatch()
	watch, err := hc.Watch(watchCtx, &healthpb.HealthCheckRequest{Service: testServiceName})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("watch: %v %v", r.GetStatus(), err)
	}

	shutdown := make(chan error, 1)
	go func() { shutdown <- s.Shutdown(context.Background()) }()

	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("watch after shutdown began: %v %v", r.GetStatus(), err)
	}
	stopWatch() // an open Watch stream would hold GracefulStop for the whole grace
	// /healthz answers 503 while the gRPC side drains (HTTP stops after gRPC).
	resp, body := get(t, c, "http://"+s.HTTPAddr()+"/healthz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"NOT_SERVING"`) {
		t.Errorf("healthz during shutdown: %d %s", resp.StatusCode, body)
	}
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) before the in-flight RPC finished", err)
	default:
	}

	close(ts.release)
	if err := <-result; err != nil {
		t.Errorf("in-flight RPC: %v", err)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := s.Wait(); err != nil {
		t.Errorf("Wait: %v", err)
	}
	if !slices.Equal(closed, []string{"second", "first"}) {
		t.Errorf("closers ran as %v, want reverse order", closed)
	}
	// Idempotent.
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	if !slices.Equal(closed, []string{"second", "first"}) {
		t.Errorf("closers ran again: %v", closed)
	}
	if _, err := invoke(t.Context(), conn, "Echo", ""); status.Code(err) != codes.Unavailable {
		t.Errorf("call after shutdown: %v", err)
	}
}

// A call still running when the grace period ends is cut off with
// UNAVAILABLE and RetryInfo (so a client retries elsewhere), and Shutdown
// reports the forced stop (the process then exits non-zero).
func TestShutdownForcesStopAfterGrace(t *testing.T) {
	ts := newTestService()
	s, err := New(Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Services: []Service{ts.service()}, ShutdownGrace: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	conn := dial(t, s)
	result := make(chan error, 1)
	go func() {
		_, err := invoke(context.Background(), conn, "Block", "")
		result <- err
	}()
	<-ts.entered
	rest := make(chan *http.Response, 1)
	go func() {
		resp, err := httpClient(t).Get("http://" + s.HTTPAddr() + "/v1/test/Block")
		if err != nil {
			t.Errorf("REST call: %v", err)
		}
		rest <- resp
	}()
	<-ts.entered
	if err := s.Shutdown(context.Background()); !errors.Is(err, ErrForcedShutdown) {
		t.Fatalf("Shutdown = %v, want ErrForcedShutdown", err)
	}
	err = <-result
	st := status.Convert(err)
	if st.Code() != codes.Unavailable {
		t.Fatalf("cut-off RPC: %v, want UNAVAILABLE", err)
	}
	var retry *errdetails.RetryInfo
	var info *errdetails.ErrorInfo
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.RetryInfo:
			retry = d
		case *errdetails.ErrorInfo:
			info = d
		}
	}
	if retry == nil || retry.GetRetryDelay().AsDuration() <= 0 || info.GetReason() != ReasonShuttingDown {
		t.Errorf("cut-off RPC details: %v", st.Details())
	}
	if resp := <-rest; resp != nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "RetryInfo") || !strings.Contains(string(body), ReasonShuttingDown) {
			t.Errorf("cut-off REST call: %d %s", resp.StatusCode, body)
		}
	}
}

// Calls over gRPC and REST (in-process) get contexts that end with the
// drain context through their connection's (gRPC) or the HTTP server's base
// context, so the drain interceptor sets nothing up per call; the cut-off
// itself is TestShutdownForcesStopAfterGrace.
func TestCallsTiedToDrainPerConnection(t *testing.T) {
	ts := newTestService()
	s, err := New(Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Services: []Service{ts.service()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	conn := dial(t, s)
	if got, err := invoke(t.Context(), conn, "Tied", ""); err != nil || got != "true" {
		t.Errorf("gRPC call tied = %q, %v", got, err)
	}
	resp, body := get(t, httpClient(t), "http://"+s.HTTPAddr()+"/v1/test/Tied")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "true") {
		t.Errorf("REST call tied: %d %s", resp.StatusCode, body)
	}
}

func TestShutdownReportsCloserErrors(t *testing.T) {
	var closed []string
	boom := errors.New("boom")
	s, err := New(Config{GRPCAddr: BufconnAddr, Closers: []io.Closer{namedCloser("a", &closed, boom), namedCloser("b", &closed, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	// Shutdown without Start still releases resources.
	if err := s.Shutdown(context.Background()); !errors.Is(err, boom) {
		t.Errorf("Shutdown = %v, want boom", err)
	}
	if !slices.Equal(closed, []string{"b", "a"}) {
		t.Errorf("closed %v", closed)
	}
	if err := s.Start(t.Context()); err == nil {
		t.Error("Start after Shutdown succeeded")
	}
}

func TestStartFailureReleasesListeners(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	s, err := New(Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: busy.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "HTTP listen") {
		t.Fatalf("Start with busy HTTP port = %v", err)
	}
	grpcAddr := s.GRPCAddr()
	l, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		t.Fatalf("gRPC listener %s not released: %v", grpcAddr, err)
	}
	_ = l.Close()
	if err := s.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	reg := prometheus.NewRegistry()
	noop := func(grpc.ServiceRegistrar) {}
	for name, cfg := range map[string]Config{
		"no addr":      {},
		"no name":      {GRPCAddr: BufconnAddr, Services: []Service{{Register: noop}}},
		"duplicate":    {GRPCAddr: BufconnAddr, Services: []Service{{Name: "a.B", Register: noop}, {Name: "a.B", Register: noop}}},
		"no register":  {GRPCAddr: BufconnAddr, Services: []Service{{Name: "a.B"}}},
		"registry use": {GRPCAddr: BufconnAddr, Registry: reg},
	} {
		if name == "registry use" {
			first, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Shutdown(context.Background())
		}
		if s, err := New(cfg); err == nil {
			_ = s.Shutdown(context.Background())
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func namedCloser(name string, log *[]string, err error) io.Closer {
	return closerFunc(func() error { *log = append(*log, name); return err })
}

// A listener dying under a serving server takes the whole server down and
// Wait reports why.
func TestServeFailureShutsDownAndIsReported(t *testing.T) {
	var logs logBuffer
	s, err := New(Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Logger: logs.logger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	_ = s.httpLis.Close() // simulate the HTTP listener failing
	err = s.Wait()
	if err == nil || !strings.Contains(err.Error(), "http") {
		t.Fatalf("Wait = %v, want the HTTP serve error", err)
	}
	if s.serving.Load() {
		t.Error("still serving after a listener failed")
	}
	if len(logs.lines(t, "server stopped unexpectedly")) != 1 {
		t.Errorf("failure not logged:\n%s", logs.String())
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown after failure: %v", err)
	}
}
