package httpx

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// tracerName is the instrumentation scope of provider client spans.
const tracerName = "github.com/portgate/portgate/providers/httpx"

// tracingTransport gives every provider request a client span, as
// otelhttp's transport did (same span name, kind and HTTP semantic-
// convention attributes, v1.43.0), without the work nobody records:
// otelhttp computed metric attribute sets and wrapped request bodies for
// its HTTP client metrics on every call even with no meter configured,
// and cloned the request to inject trace headers — portgate injects none
// (the trace context stays inside portgate), so the request goes to the
// base transport as it is.
type tracingTransport struct {
	base   http.RoundTripper
	tracer trace.Tracer
	name   atomic.Pointer[spanName] // the last name built: one client talks to one host
}

type spanName struct{ method, host, name string }

// clientSpan is the start options of every provider request's span
// (built once: an option per call costs allocations).
var clientSpan = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}

// spanName is "provider METHOD host": method and host only, since paths
// carry phone numbers and order ids.
func (t *tracingTransport) spanName(r *http.Request) string {
	if n := t.name.Load(); n != nil && n.method == r.Method && n.host == r.URL.Host {
		return n.name
	}
	n := &spanName{method: r.Method, host: r.URL.Host, name: "provider " + r.Method + " " + r.URL.Host}
	t.name.Store(n)
	return n.name
}

// RoundTrip implements http.RoundTripper.
func (t *tracingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, span := t.tracer.Start(r.Context(), t.spanName(r), clientSpan...)
	if !span.IsRecording() {
		span.End()
		return t.base.RoundTrip(r)
	}
	span.SetAttributes(requestAttrs(r)...)
	res, err := t.base.RoundTrip(r)
	if err != nil {
		span.SetAttributes(semconv.ErrorType(err))
		span.SetStatus(codes.Error, err.Error())
		span.End()
		return res, err
	}
	span.SetAttributes(responseAttrs(res)...)
	if res.StatusCode < 100 || res.StatusCode >= 600 {
		span.SetStatus(codes.Error, "Invalid HTTP status code "+strconv.Itoa(res.StatusCode))
	} else if res.StatusCode >= 400 {
		span.SetStatus(codes.Error, "")
	}
	if res.Body == nil || res.Body == http.NoBody {
		span.End()
		return res, nil
	}
	res.Body = &tracedBody{rc: res.Body, span: span}
	return res, nil
}

// CloseIdleConnections forwards to the base transport.
func (t *tracingTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// requestAttrs are otelhttp's client request attributes: method, url.full
// without user info, server address and port (when not the scheme's
// default), protocol name (when not http) and version.
func requestAttrs(r *http.Request) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = appendMethod(attrs, r.Method)
	u := *r.URL
	u.User = nil
	host, port := hostPort(r.URL.Host)
	if host == "" && port < 0 {
		host, port = hostPort(r.Header.Get("Host"))
	}
	attrs = append(attrs, semconv.URLFull(u.String()), semconv.ServerAddress(host))
	def := 80
	if r.URL.Scheme == "https" {
		def = 443
	}
	if port > 0 && port != def {
		attrs = append(attrs, semconv.ServerPort(port))
	}
	return appendProto(attrs, r.Proto)
}

// responseAttrs: status code, error.type for 4xx/5xx, protocol.
func responseAttrs(res *http.Response) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 4)
	if res.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(res.StatusCode))
	}
	if res.StatusCode >= 400 && res.StatusCode < 600 {
		attrs = append(attrs, semconv.ErrorTypeKey.String(strconv.Itoa(res.StatusCode)))
	}
	return appendProto(attrs, res.Proto)
}

var methods = map[string]attribute.KeyValue{
	http.MethodConnect: semconv.HTTPRequestMethodConnect,
	http.MethodDelete:  semconv.HTTPRequestMethodDelete,
	http.MethodGet:     semconv.HTTPRequestMethodGet,
	http.MethodHead:    semconv.HTTPRequestMethodHead,
	http.MethodOptions: semconv.HTTPRequestMethodOptions,
	http.MethodPatch:   semconv.HTTPRequestMethodPatch,
	http.MethodPost:    semconv.HTTPRequestMethodPost,
	http.MethodPut:     semconv.HTTPRequestMethodPut,
	http.MethodTrace:   semconv.HTTPRequestMethodTrace,
}

func appendMethod(attrs []attribute.KeyValue, m string) []attribute.KeyValue {
	if m == "" {
		return append(attrs, semconv.HTTPRequestMethodGet) // net/http: "" means GET
	}
	if a, ok := methods[m]; ok {
		return append(attrs, a)
	}
	if a, ok := methods[strings.ToUpper(m)]; ok {
		return append(attrs, a, semconv.HTTPRequestMethodOriginal(m))
	}
	return append(attrs, semconv.HTTPRequestMethodOther, semconv.HTTPRequestMethodOriginal(m))
}

func appendProto(attrs []attribute.KeyValue, proto string) []attribute.KeyValue {
	name, version, _ := strings.Cut(proto, "/")
	if name = strings.ToLower(name); name != "" && name != "http" {
		attrs = append(attrs, semconv.NetworkProtocolName(name))
	}
	if version != "" {
		attrs = append(attrs, semconv.NetworkProtocolVersion(version))
	}
	return attrs
}

// hostPort splits "host:port", "[v6]:port" or "host"; port -1 = none.
func hostPort(hp string) (string, int) {
	if hp == "" {
		return "", -1
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 && !strings.Contains(hp[i:], "]") {
		p, err := strconv.ParseUint(hp[i+1:], 10, 16)
		host := strings.TrimSuffix(strings.TrimPrefix(hp[:i], "["), "]")
		if err != nil {
			return host, -1
		}
		return host, int(p)
	}
	return strings.TrimSuffix(strings.TrimPrefix(hp, "["), "]"), -1
}

// tracedBody ends the span at the end of the body or when it is closed,
// whichever comes first; a read error marks the span failed.
type tracedBody struct {
	rc    io.ReadCloser
	span  trace.Span
	ended atomic.Bool
}

func (b *tracedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	switch err {
	case nil:
	case io.EOF:
		b.end()
	default:
		b.span.SetAttributes(semconv.ErrorType(err))
		b.span.SetStatus(codes.Error, err.Error())
	}
	return n, err
}

func (b *tracedBody) Close() error {
	b.end()
	return b.rc.Close()
}

func (b *tracedBody) end() {
	if b.ended.CompareAndSwap(false, true) {
		b.span.End()
	}
}
