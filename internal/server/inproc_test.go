package server

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/portgate/portgate/internal/auth"
)

// REST reaches unary RPCs in-process: no gRPC connection is made, yet every
// interceptor runs — request id (echoed), logging (one line), metrics
// (counted), recovery (panic → 500), validate (refusal before the handler) and
// auth (refusal) — and streams still work over the loopback hop.
func TestGatewayInProcessRunsEveryInterceptorWithoutAConnection(t *testing.T) {
	var logs logBuffer
	ts := newTestService()
	validate := func(_ context.Context, req any) error {
		if req.(*wrapperspb.StringValue).GetValue() == "too-long" {
			return status.Error(codes.InvalidArgument, "value is too long")
		}
		return nil
	}
	s := startServer(t, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Logger: logs.logger(),
		Services: []Service{ts.service()}, Validate: validate})
	c := httpClient(t)
	base := "http://" + s.HTTPAddr()

	resp, body := get(t, c, base+"/v1/test/Echo?value=hi", "X-Request-Id", "inproc-1")
	if resp.StatusCode != 200 || string(body) != `"hi|inproc-1"` || resp.Header.Get("X-Request-Id") != "inproc-1" {
		t.Fatalf("Echo: %d %s, X-Request-Id %q", resp.StatusCode, body, resp.Header.Get("X-Request-Id"))
	}
	resp, body = get(t, c, base+"/v1/test/Panic", "X-Request-Id", "inproc-2")
	if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("X-Request-Id") != "inproc-2" {
		t.Fatalf("Panic: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, c, base+"/v1/test/Echo?value=too-long")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "value is too long") {
		t.Fatalf("validate: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, c, base+"/v1/test/Nope")
	if resp.StatusCode != http.StatusNotImplemented {
		t.Fatalf("unknown method: %d %s", resp.StatusCode, body)
	}

	s.mu.Lock()
	state := s.gwConn.GetState()
	s.mu.Unlock()
	if state != connectivity.Idle {
		t.Errorf("gateway connection state = %v after unary REST calls, want Idle (never connected)", state)
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Echo", "grpc_code": "OK"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Echo,OK} = %v, want 1", got)
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Echo", "grpc_code": "InvalidArgument"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Echo,InvalidArgument} = %v, want 1", got)
	}
	if got := counter(t, s.Registry(), "portgate_panics_recovered_total", map[string]string{"grpc_method": "/" + testServiceName + "/Panic"}); got != 1 {
		t.Errorf("portgate_panics_recovered_total{Panic} = %v, want 1", got)
	}
	finished := logs.lines(t, "finished call")
	if len(finished) != 3 || finished[0]["request_id"] != "inproc-1" || finished[1]["grpc.code"] != "Internal" || finished[2]["grpc.code"] != "InvalidArgument" {
		t.Errorf("want one line per call:\n%s", logs.String())
	}
	if p := logs.lines(t, "panic in gRPC handler"); len(p) != 1 || p[0]["grpc.method"] != "/"+testServiceName+"/Panic" || p[0]["request_id"] != "inproc-2" {
		t.Errorf("panic line: %v", p)
	}

	// Streams take the loopback hop, with the same chain.
	resp, body = get(t, c, base+"/v1/test-stream?value=x", "X-Request-Id", "inproc-3")
	if resp.StatusCode != 200 || string(body) != `"inproc-3"` {
		t.Fatalf("stream over REST: %d %s", resp.StatusCode, body)
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Stream", "grpc_code": "OK"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Stream,OK} = %v, want 1", got)
	}
}

// Auth runs for in-process calls and sees the caller's headers.
func TestGatewayInProcessAuth(t *testing.T) {
	hash, err := auth.HashKey("pg_test_key_for_inproc_0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.ParseKeys("ci:" + hash + ":admin:\n")
	if err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: BufconnAddr, HTTPAddr: "127.0.0.1:0", Services: []Service{ts.service()}, Auth: authn})
	c := httpClient(t)
	// The test service has no auth rule: refused, closed, with a request id.
	resp, body := get(t, c, "http://"+s.HTTPAddr()+"/v1/test/Echo?value=hi", "X-Request-Id", "auth-1", "Authorization", "Bearer pg_test_key_for_inproc_0123456789abcdef")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), auth.ReasonMethodNotAllowed) || resp.Header.Get("X-Request-Id") != "auth-1" {
		t.Fatalf("unruled method over REST: %d %s", resp.StatusCode, body)
	}
	if got := counter(t, s.Registry(), "grpc_server_handled_total", map[string]string{"grpc_method": "Echo", "grpc_code": "PermissionDenied"}); got != 1 {
		t.Errorf("grpc_server_handled_total{Echo,PermissionDenied} = %v, want 1", got)
	}
}

// With TLS, unary REST calls work in-process and streams over the hop, which
// pins the server's own certificate.
func TestGatewayInProcessWithTLS(t *testing.T) {
	cert, _, err := hopCertificate()
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestService()
	s := startServer(t, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Services: []Service{ts.service()},
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // test: self-signed
	t.Cleanup(c.CloseIdleConnections)
	base := "https://" + s.HTTPAddr()
	if resp, body := get(t, c, base+"/v1/test/Echo?value=hi", "X-Request-Id", "tls-1"); resp.StatusCode != 200 || string(body) != `"hi|tls-1"` {
		t.Fatalf("Echo over TLS: %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, c, base+"/v1/test-stream?value=x", "X-Request-Id", "tls-2"); resp.StatusCode != 200 || string(body) != `"tls-2"` {
		t.Fatalf("stream over TLS: %d %s", resp.StatusCode, body)
	}
}

// After shutdown began, no new in-process call is admitted, and shutdown waits
// for running ones.
func TestInflightRefusesAfterClose(t *testing.T) {
	f := newInflight()
	if !f.enter() {
		t.Fatal("enter before close refused")
	}
	idle := f.close()
	select {
	case <-idle:
		t.Fatal("idle with a call running")
	default:
	}
	if f.enter() {
		t.Fatal("enter after close admitted")
	}
	f.leave()
	<-idle
}
