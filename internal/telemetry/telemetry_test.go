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
