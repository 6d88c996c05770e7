package portable_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/portgate/portgate/providers/portable"
)

// Every call gets a client span "provider.<Operation>" with the provider
// and operation as attributes (built once per client and operation).
func TestCallSpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c := portable.New(&core{}, portable.WithTracerProvider(tp))
	for range 2 {
		_, _ = c.GetPortOrder(context.Background(), "1")
		_, _ = c.CheckPortability(context.Background(), []string{"+13125550100"})
	}
	spans := rec.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans, want 4", len(spans))
	}
	for i, want := range []string{"GetPortOrder", "CheckPortability", "GetPortOrder", "CheckPortability"} {
		s := spans[i]
		if s.Name() != "provider."+want || s.SpanKind() != trace.SpanKindClient {
			t.Errorf("span %d: %q %v, want provider.%s client", i, s.Name(), s.SpanKind(), want)
		}
		got := map[attribute.Key]string{}
		for _, kv := range s.Attributes() {
			got[kv.Key] = kv.Value.String()
		}
		if got["portgate.provider"] != "core" || got["portgate.operation"] != want {
			t.Errorf("span %d attributes %v", i, s.Attributes())
		}
	}
}

// BenchmarkCallSpan: one call through the client with a recording span.
func BenchmarkCallSpan(b *testing.B) {
	c := portable.New(&core{}, portable.WithTracerProvider(sdktrace.NewTracerProvider()))
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		_, _ = c.GetPortOrder(ctx, "1")
	}
}

// WithoutSpans: calls start no span (none recorded, none allocated) and
// still work.
func TestWithoutSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c := portable.New(&core{}, portable.WithTracerProvider(tp), portable.WithoutSpans())
	if _, err := c.GetPortOrder(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	_, _ = c.CheckPortability(context.Background(), []string{"+13125550100"})
	if n := len(rec.Ended()) + len(rec.Started()); n != 0 {
		t.Fatalf("%d spans under WithoutSpans", n)
	}
	with := portable.New(&core{}, portable.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))))
	ctx := context.Background()
	if a, b := testing.AllocsPerRun(100, func() { _, _ = c.GetPortOrder(ctx, "1") }),
		testing.AllocsPerRun(100, func() { _, _ = with.GetPortOrder(ctx, "1") }); a >= b {
		t.Errorf("%v allocations per call without spans, %v with non-recording spans: want fewer", a, b)
	}
}
