package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	pb "github.com/portgate/portgate/gen/portgate/v1"

	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/telemetry"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startTraced builds and starts a sandbox app whose JSON log lines go to
// logs, with opts (span processors), and stops it when the test ends.
func startTraced(t *testing.T, logs *syncBuffer, opts app.Options) *app.App {
	t.Helper()
	logger := slog.New(telemetry.LogHandler(slog.NewJSONHandler(logs, nil)))
	a, err := app.BuildWith(config.Config{Mode: config.ModeSandbox, GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ShutdownGrace: time.Second, DefaultRegion: "US"},
		logger, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Server.Shutdown(context.Background()) })
	return a
}

// getNumberREST sends GET numbers/+13125550100 to a's REST listener with
// the caller's traceparent.
func getNumberREST(t *testing.T, a *app.App, traceparent string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+a.Server.HTTPAddr()+"/v1/providers/telnyx/numbers/+13125550100", nil)
	req.Header.Set("traceparent", traceparent)
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// A REST caller's traceparent reaches the gRPC side across the gateway's
// loopback hop: the REST span, the gRPC server span and the provider HTTP
// call's client span share the caller's trace id, and the call's log line
// carries it.
func TestTraceparentReachesGRPCAndProviderCall(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	var logs syncBuffer
	a := startTraced(t, &logs, app.Options{SpanProcessors: []sdktrace.SpanProcessor{sdktrace.NewSimpleSpanProcessor(exp)}})

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	getNumberREST(t, a, "00-"+traceID+"-00f067aa0ba902b7-01")

	// The gRPC server span ends just after the answer is sent: wait for it.
	var server, provider, rest bool
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !(server && provider && rest) && time.Now().Before(deadline) {
		server, provider, rest = false, false, false
		for _, s := range exp.GetSpans() {
			if s.SpanContext.TraceID().String() != traceID {
				continue
			}
			switch {
			case s.SpanKind == trace.SpanKindServer && s.Name == "portgate.v1.Numbers/GetNumber":
				server = true
			case s.SpanKind == trace.SpanKindClient && s.Name == "portgate.v1.Numbers/GetNumber":
				// the gateway's hop
			case s.SpanKind == trace.SpanKindClient:
				provider = true
			case s.SpanKind == trace.SpanKindServer && s.Name == "REST GET":
				rest = true
			}
		}
		if !(server && provider && rest) {
			<-tick.C
		}
	}
	if !server || !provider || !rest {
		var names []string
		for _, s := range exp.GetSpans() {
			names = append(names, s.SpanKind.String()+" "+s.Name+" "+s.SpanContext.TraceID().String())
		}
		t.Fatalf("spans in trace %s: REST %v, gRPC server %v, provider call %v; all spans: %v", traceID, rest, server, provider, names)
	}

	found := false
	sc := bufio.NewScanner(bytes.NewReader([]byte(logs.String())))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "finished call" {
			if line["trace_id"] != traceID {
				t.Errorf("finished-call line without the trace id: %s", sc.Text())
			}
			found = true
		}
	}
	if !found {
		t.Fatalf("no finished-call line:\n%s", logs.String())
	}
}

// With no exporter (the default), spans do not record, yet a caller's trace
// still reaches the log lines: a gRPC caller's and a REST caller's
// traceparent give the call's "finished call" line the caller's trace id
// and a span id of its own.
func TestTraceIDsInLogsWithoutExporter(t *testing.T) {
	var logs syncBuffer
	a := startTraced(t, &logs, app.Options{})

	const restTrace, grpcTrace = "4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c"
	getNumberREST(t, a, "00-"+restTrace+"-00f067aa0ba902b7-01")

	conn, err := grpc.NewClient(a.Server.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "traceparent", "00-"+grpcTrace+"-b7ad6b7169203331-01")
	_, _ = pb.NewNumbersClient(conn).GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/+13125550100"})

	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader([]byte(logs.String())))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != "finished call" {
			continue
		}
		id, _ := line["trace_id"].(string)
		span, _ := line["span_id"].(string)
		if len(span) != 16 || span == "00f067aa0ba902b7" || span == "b7ad6b7169203331" {
			t.Errorf("span_id %q: want a span of the call's own: %s", span, sc.Text())
		}
		seen[id] = true
	}
	if !seen[restTrace] || !seen[grpcTrace] {
		t.Fatalf("finished-call lines with the callers' trace ids: REST %v, gRPC %v\n%s", seen[restTrace], seen[grpcTrace], logs.String())
	}
}
