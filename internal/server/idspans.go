package server

import (
	"context"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
)

// When spans do not record (Config.IDOnlySpans: no exporter and no span
// processor, so nothing reads a span's name, attributes, events or timing),
// otelgrpc's and otelhttp's instrumentation computes all of that for
// nothing: attribute sets, message events, copies of the incoming metadata,
// a wrapped response writer (issue 13). These thin replacements do the part
// that is still used — continue the caller's trace context and give the
// call a span with ids, which the log lines carry (trace_id, span_id) — and
// nothing else. With recording spans, otelgrpc and otelhttp are used as
// before.

// idSpanHandler is the gRPC server's stats handler in IDOnlySpans mode.
type idSpanHandler struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

func (h idSpanHandler) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	ctx = h.prop.Extract(ctx, incomingCarrier{ctx})
	ctx, _ = h.tracer.Start(ctx, strings.TrimPrefix(info.FullMethodName, "/"), serverSpan...)
	return ctx
}

func (h idSpanHandler) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if _, ok := s.(*stats.End); ok {
		trace.SpanFromContext(ctx).End()
	}
}

func (idSpanHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (idSpanHandler) HandleConn(context.Context, stats.ConnStats)                       {}

var serverSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer)}

// incomingCarrier reads propagation headers from a call's incoming
// metadata one key at a time (metadata.FromIncomingContext would copy all
// of it).
type incomingCarrier struct{ ctx context.Context }

func (c incomingCarrier) Get(key string) string {
	if v := metadata.ValueFromIncomingContext(c.ctx, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (incomingCarrier) Set(string, string) {}
func (incomingCarrier) Keys() []string     { return nil }

// idSpanHTTP is the REST server's tracing in IDOnlySpans mode: the
// caller's traceparent is continued and the request gets a span with ids;
// /healthz, /metrics and /debug/ are not traced (as with otelhttp).
func idSpanHTTP(h http.Handler, tracer trace.Tracer, prop propagation.TextMapPropagator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tracedPath(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		ctx := prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := tracer.Start(ctx, "REST", serverSpan...)
		defer span.End()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// tracedPath: the operator routes are not traced.
func tracedPath(p string) bool {
	return p != "/healthz" && p != "/metrics" && !strings.HasPrefix(p, "/debug/")
}

// tracerName names the tracer of the spans this package starts.
const tracerName = "github.com/portgate/portgate/internal/server"
