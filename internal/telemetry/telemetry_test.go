package telemetry

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestLogHandlerAddsTraceIDs(t *testing.T) {
	var b bytes.Buffer
	l := slog.New(LogHandler(slog.NewTextHandler(&b, nil))).With("k", "v")
	l.InfoContext(context.Background(), "outside")
	if strings.Contains(b.String(), "trace_id") {
		t.Errorf("trace id without a span: %s", b.String())
	}
	tp, err := NewTracerProvider("")
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	defer span.End()
	b.Reset()
	l.InfoContext(ctx, "inside")
	sc := trace.SpanContextFromContext(ctx)
	if out := b.String(); !strings.Contains(out, "trace_id="+sc.TraceID().String()) || !strings.Contains(out, "span_id="+sc.SpanID().String()) || !strings.Contains(out, "k=v") {
		t.Errorf("line = %s", out)
	}
}

// Without an exporter or a span processor nobody reads a span's attributes,
// events or timing: spans must not record (a recording span costs a dozen
// allocations per call for nothing) but still carry ids for logs — also when
// the caller sampled its trace. With an exporter they record.
func TestSpansRecordOnlyWhenConsumed(t *testing.T) {
	tp, err := NewTracerProvider("")
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Shutdown(context.Background())
	parent := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled, Remote: true,
	})
	for name, ctx := range map[string]context.Context{
		"root":                  context.Background(),
		"sampled remote parent": trace.ContextWithRemoteSpanContext(context.Background(), parent),
	} {
		_, span := tp.Tracer("t").Start(ctx, "op")
		if span.IsRecording() {
			t.Errorf("%s: span records with nothing to export it", name)
		}
		if sc := span.SpanContext(); !sc.IsValid() {
			t.Errorf("%s: span has no ids: %v", name, sc)
		}
		span.End()
	}
	_, span := tp.Tracer("t").Start(trace.ContextWithRemoteSpanContext(context.Background(), parent), "op")
	if got := span.SpanContext().TraceID(); got != parent.TraceID() {
		t.Errorf("trace id %v, want the caller's %v", got, parent.TraceID())
	}
	span.End()

	exp, err := NewTracerProvider("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // nothing to flush to a closed port
		_ = exp.Shutdown(ctx)
	}()
	_, span = exp.Tracer("t").Start(context.Background(), "op")
	if !span.IsRecording() {
		t.Error("with an exporter, spans must record")
	}
	span.End()
}
