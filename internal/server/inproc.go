package server

import (
	"context"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// The REST gateway reaches unary RPCs in-process: inprocConn is the
// grpc.ClientConnInterface the generated RegisterXHandlerClient functions
// call. Invoke looks up the method the services registered and runs it
// behind the very interceptor chain the gRPC server runs (requestid, logging,
// metrics, drain, recovery, auth, validate), with the caller's headers as
// incoming metadata and the handler's header/trailer metadata handed back to
// the gateway — the same call a loopback gRPC hop would make, without a second
// HTTP/2 client and server, TLS and proto encoding per REST request.
// Streaming RPCs still take the loopback hop (NewStream).

// inprocMethod is one registered unary method.
type inprocMethod struct {
	impl    any
	handler grpc.MethodHandler
}

// recordingRegistrar registers services on the gRPC server and remembers
// their unary methods for in-process calls.
type recordingRegistrar struct {
	grpc.ServiceRegistrar
	methods map[string]inprocMethod
}

func (r *recordingRegistrar) RegisterService(sd *grpc.ServiceDesc, impl any) {
	r.ServiceRegistrar.RegisterService(sd, impl)
	for _, m := range sd.Methods {
		r.methods["/"+sd.ServiceName+"/"+m.MethodName] = inprocMethod{impl: impl, handler: m.Handler}
	}
}

// inflight counts in-process calls so shutdown waits for them as
// GracefulStop waits for gRPC calls; after close it admits no new call.
type inflight struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when closed && n == 0
}

func newInflight() *inflight { return &inflight{idle: make(chan struct{})} }

func (f *inflight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

func (f *inflight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.closed && f.n == 0 {
		close(f.idle)
	}
}

// close admits no new call and returns a channel closed once none runs.
func (f *inflight) close() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		if f.n == 0 {
			close(f.idle)
		}
	}
	return f.idle
}

type inprocConn struct {
	methods  map[string]inprocMethod
	unary    grpc.UnaryServerInterceptor // the whole chain
	inflight *inflight
	// stream opens streaming calls (the loopback hop).
	stream func() (grpc.ClientConnInterface, error)
	// tracer makes the RPC's server span, named and attributed like
	// otelgrpc's, so a REST call's trace still shows the RPC.
	tracer trace.Tracer
	// idOnly: spans do not record (Config.IDOnlySpans), so no attributes.
	idOnly bool
}

var _ grpc.ClientConnInterface = (*inprocConn)(nil)

func (c *inprocConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	m, ok := c.methods[method]
	if !ok {
		return status.Errorf(codes.Unimplemented, "unknown method %s", method)
	}
	in, ok := args.(proto.Message)
	out, ok2 := reply.(proto.Message)
	if !ok || !ok2 {
		return status.Errorf(codes.Internal, "in-process call %s: messages are not protobuf", method)
	}
	// The request crosses as bytes, as over the wire: the handler gets its
	// own copy and the same encoding checks (e.g. UTF-8) apply.
	b, err := proto.Marshal(in)
	if err != nil {
		return status.Errorf(codes.Internal, "grpc: error while marshaling: %v", err)
	}
	if !c.inflight.enter() {
		return status.Error(codes.Unavailable, "the server is shutting down")
	}
	defer c.inflight.leave()

	md, _ := metadata.FromOutgoingContext(ctx)
	ctx = metadata.NewIncomingContext(metadata.NewOutgoingContext(ctx, nil), md)
	ctx, span := c.startSpan(ctx, method)
	defer span.End()
	st := &inprocStream{method: method}
	ctx = grpc.NewContextWithServerTransportStream(ctx, st)
	dec := func(v any) error {
		if err := proto.Unmarshal(b, v.(proto.Message)); err != nil {
			return status.Errorf(codes.Internal, "grpc: error unmarshalling request: %v", err)
		}
		return nil
	}
	resp, err := m.handler(m.impl, ctx, dec, c.unary)
	st.deliver(opts)
	if err != nil {
		if _, ok := status.FromError(err); !ok {
			err = status.FromContextError(err).Err()
		}
		endSpan(span, status.Convert(err))
		return err
	}
	endSpan(span, nil)
	r, ok := resp.(proto.Message)
	if !ok {
		return status.Errorf(codes.Internal, "in-process call %s: response is not protobuf", method)
	}
	proto.Reset(out)
	proto.Merge(out, r)
	return nil
}

// startSpan starts the server span otelgrpc would: "pkg.Service/Method",
// kind server, rpc.* attributes.
func (c *inprocConn) startSpan(ctx context.Context, method string) (context.Context, trace.Span) {
	name := strings.TrimPrefix(method, "/")
	if c.idOnly {
		return c.tracer.Start(ctx, name, serverSpan...)
	}
	svc, m, _ := strings.Cut(name, "/")
	return c.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("rpc.system", "grpc"),
		attribute.String("rpc.service", svc),
		attribute.String("rpc.method", m),
	))
}

// endSpan records the status code as otelgrpc does: server-side failures
// (not caller errors) mark the span as an error.
func endSpan(span trace.Span, st *status.Status) {
	if !span.IsRecording() {
		return
	}
	code := codes.OK
	if st != nil {
		code = st.Code()
	}
	span.SetAttributes(attribute.Int64("rpc.grpc.status_code", int64(code)))
	switch code {
	case codes.Unknown, codes.DeadlineExceeded, codes.Unimplemented, codes.Internal, codes.Unavailable, codes.DataLoss:
		span.SetStatus(otelcodes.Error, st.Message())
	}
}

func (c *inprocConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cc, err := c.stream()
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "gateway stream connection: %v", err)
	}
	return cc.NewStream(ctx, desc, method, opts...)
}

// inprocStream is the grpc.ServerTransportStream of an in-process call:
// it names the method (grpc.Method) and collects header and trailer
// metadata (grpc.SetHeader, SendHeader, SetTrailer).
type inprocStream struct {
	method string

	mu      sync.Mutex
	header  metadata.MD
	trailer metadata.MD
}

func (s *inprocStream) Method() string { return s.method }

func (s *inprocStream) SetHeader(md metadata.MD) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.header = joinLower(s.header, md)
	return nil
}

func (s *inprocStream) SendHeader(md metadata.MD) error { return s.SetHeader(md) }

func (s *inprocStream) SetTrailer(md metadata.MD) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trailer = joinLower(s.trailer, md)
	return nil
}

// deliver hands the collected metadata to the caller's Header and Trailer
// call options.
func (s *inprocStream) deliver(opts []grpc.CallOption) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = s.header
		case *grpc.HeaderCallOption:
			*o.HeaderAddr = s.header
		case grpc.TrailerCallOption:
			*o.TrailerAddr = s.trailer
		case *grpc.TrailerCallOption:
			*o.TrailerAddr = s.trailer
		}
	}
}

// joinLower appends md to dst with lower-case keys, as the wire would.
func joinLower(dst, md metadata.MD) metadata.MD {
	if dst == nil {
		dst = make(metadata.MD, len(md))
	}
	for k, v := range md {
		k = strings.ToLower(k)
		dst[k] = append(dst[k], v...)
	}
	return dst
}

// chainUnary runs interceptors outermost first around handler, like
// grpc.ChainUnaryInterceptor.
func chainUnary(ics []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		return ics[0](ctx, req, info, chainedHandler(ics, 0, info, handler))
	}
}

func chainedHandler(ics []grpc.UnaryServerInterceptor, cur int, info *grpc.UnaryServerInfo, final grpc.UnaryHandler) grpc.UnaryHandler {
	if cur == len(ics)-1 {
		return final
	}
	return func(ctx context.Context, req any) (any, error) {
		return ics[cur+1](ctx, req, info, chainedHandler(ics, cur+1, info, final))
	}
}
