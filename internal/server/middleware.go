package server

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/uuid"
)

// RequestIDHeader is the gRPC metadata key (and HTTP header) that carries the
// request id. Callers may send one; otherwise the server generates it. It is
// always returned in the response header metadata and trailer.
const RequestIDHeader = "x-request-id"

// Names of the interceptors in the chain, outermost first.
const (
	MiddlewareRequestID = "requestid"
	MiddlewareLogging   = "logging"
	MiddlewareMetrics   = "metrics"
	MiddlewareRecovery  = "recovery"
	MiddlewareAuth      = "auth"
	MiddlewareValidate  = "validate"
)

// Validator checks a decoded request before its handler runs (e.g.
// service.CheckLimits); a non-nil error is returned to the caller as is.
type Validator func(ctx context.Context, req any) error

// Middleware is one named entry of the interceptor chain.
type Middleware struct {
	Name   string
	Unary  grpc.UnaryServerInterceptor
	Stream grpc.StreamServerInterceptor
}

// DefaultMiddleware returns the whole interceptor chain, outermost first:
//
//  1. requestid: reads x-request-id (or generates one) and echoes it back, so
//     every later entry (logs, panics) can name the request.
//  2. logging:   one line per finished call (method, code, duration, request id),
//     never payloads.
//  3. metrics:   grpc_server_* counters and histograms.
//  4. recovery:  a panic (in auth, validation or a handler) becomes
//     codes.Internal before logging and metrics see the call; the panic and
//     stack are logged here.
//  5. auth:      API key, scope and provider checks (internal/auth), so
//     refused calls are still logged and counted with their request id.
//     REST reaches it too: the gateway runs unary calls in-process behind
//     this same chain (streams over a loopback gRPC connection) and passes
//     the caller's Authorization / x-api-key header as incoming metadata. authn nil = no
//     authentication (sandbox without keys, or PORTGATE_AUTH=off): a
//     pass-through.
//  6. validate:  innermost, validate on every request message (unary and
//     each message a stream receives) before the handler and so before any
//     provider call; refusals are logged and counted like any error. After
//     auth, so an unauthenticated caller learns nothing about limits.
//
// The order is pinned by a test; change it only on purpose.
//
// panics (optional) counts recovered panics by gRPC method.
func DefaultMiddleware(logger *slog.Logger, metrics *grpcprom.ServerMetrics, panics *prometheus.CounterVec, authn *auth.Authenticator, validate Validator) ([]Middleware, error) {
	logOpts := []logging.Option{
		logging.WithLogOnEvents(logging.FinishCall),
		logging.WithFieldsFromContext(func(ctx context.Context) logging.Fields {
			if id := RequestIDFromContext(ctx); id != "" {
				return logging.Fields{"request_id", id}
			}
			return nil
		}),
	}
	if validate == nil {
		validate = func(context.Context, any) error { return nil }
	}
	recoverOpts := []recovery.Option{recovery.WithRecoveryHandlerContext(panicHandler(logger, panics))}
	chain := []Middleware{
		{Name: MiddlewareRequestID, Unary: requestIDUnary, Stream: requestIDStream},
		{
			Name:   MiddlewareLogging,
			Unary:  accessLogUnary(logger),
			Stream: logging.StreamServerInterceptor(slogAdapter(logger), logOpts...),
		},
		{Name: MiddlewareMetrics, Unary: metrics.UnaryServerInterceptor(), Stream: metrics.StreamServerInterceptor()},
		{
			Name:   MiddlewareRecovery,
			Unary:  recovery.UnaryServerInterceptor(recoverOpts...),
			Stream: recovery.StreamServerInterceptor(recoverOpts...),
		},
		authMiddleware(authn),
		{Name: MiddlewareValidate, Unary: validateUnary(validate), Stream: validateStream(validate)},
	}
	if err := checkMiddleware(chain); err != nil {
		return nil, err
	}
	return chain, nil
}

// checkMiddleware rejects empty, duplicate or incomplete entries.
func checkMiddleware(chain []Middleware) error {
	seen := make(map[string]bool, len(chain))
	for i, m := range chain {
		if m.Name == "" {
			return fmt.Errorf("server: middleware %d has no name", i)
		}
		if seen[m.Name] {
			return fmt.Errorf("server: middleware %q listed twice", m.Name)
		}
		seen[m.Name] = true
		if m.Unary == nil || m.Stream == nil {
			return fmt.Errorf("server: middleware %q needs both unary and stream interceptors", m.Name)
		}
	}
	return nil
}

// MiddlewareNames returns the names of chain in order.
func MiddlewareNames(chain []Middleware) []string {
	names := make([]string, len(chain))
	for i, m := range chain {
		names[i] = m.Name
	}
	return names
}

func interceptorOptions(chain []Middleware) []grpc.ServerOption {
	unary := make([]grpc.UnaryServerInterceptor, len(chain))
	stream := make([]grpc.StreamServerInterceptor, len(chain))
	for i, m := range chain {
		unary[i] = m.Unary
		stream[i] = m.Stream
	}
	return []grpc.ServerOption{grpc.ChainUnaryInterceptor(unary...), grpc.ChainStreamInterceptor(stream...)}
}

// slogAdapter is the three-line slog adapter from go-grpc-middleware's examples.
func slogAdapter(l *slog.Logger) logging.Logger {
	return logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		l.Log(ctx, slog.Level(lvl), msg, fields...)
	})
}

func panicHandler(logger *slog.Logger, panics *prometheus.CounterVec) recovery.RecoveryHandlerFuncContext {
	return func(ctx context.Context, p any) error {
		method, _ := grpc.Method(ctx)
		if panics != nil {
			// Only registered methods reach the interceptors: a closed set.
			panics.WithLabelValues(method).Inc()
		}
		logger.ErrorContext(ctx, "panic in gRPC handler",
			"grpc.method", method,
			"request_id", RequestIDFromContext(ctx),
			"panic", fmt.Sprint(p),
			"stack", string(debug.Stack()),
		)
		return withErrorInfo(status.Error(codes.Internal, "internal error"))
	}
}

type requestIDKey struct{}

// RequestIDFromContext returns the request id the requestid interceptor
// attached to ctx, or "".
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID returns the caller's x-request-id when it is acceptable, otherwise a
// fresh random id.
func requestID(ctx context.Context) string {
	for _, v := range metadata.ValueFromIncomingContext(ctx, RequestIDHeader) {
		if validRequestID(v) {
			return v
		}
	}
	return uuid.New()
}

// validRequestID keeps caller-chosen ids short and log-safe.
func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '-', r == '_', r == '.', r == ':', r == '/', r == '+', r == '=':
		default:
			return false
		}
	}
	return true
}

func requestIDUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	id := requestID(ctx)
	md := metadata.Pairs(RequestIDHeader, id)
	// Errors only mean the header was already sent, which cannot happen before
	// the handler runs.
	_ = grpc.SetHeader(ctx, md)
	_ = grpc.SetTrailer(ctx, md)
	return handler(context.WithValue(ctx, requestIDKey{}, id), req)
}

func requestIDStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	id := requestID(ss.Context())
	md := metadata.Pairs(RequestIDHeader, id)
	_ = ss.SetHeader(md)
	ss.SetTrailer(md)
	return handler(srv, &requestIDStreamWrapper{ServerStream: ss, ctx: context.WithValue(ss.Context(), requestIDKey{}, id)})
}

type requestIDStreamWrapper struct {
	grpc.ServerStream
	ctx context.Context
}

func (w *requestIDStreamWrapper) Context() context.Context { return w.ctx }

// authMiddleware is the auth entry: authn's interceptors, or pass-throughs.
func authMiddleware(authn *auth.Authenticator) Middleware {
	if authn == nil {
		return Middleware{
			Name: MiddlewareAuth,
			Unary: func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				return h(ctx, req)
			},
			Stream: func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
				return h(srv, ss)
			},
		}
	}
	return Middleware{Name: MiddlewareAuth, Unary: authn.Unary, Stream: authn.Stream}
}

func validateUnary(v Validator) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := v(ctx, req); err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

func validateStream(v Validator) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		return handler(srv, &validatingStream{ServerStream: ss, v: v})
	}
}

type validatingStream struct {
	grpc.ServerStream
	v Validator
}

func (s *validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return s.v(s.Context(), m)
}
