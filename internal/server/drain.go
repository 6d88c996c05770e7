package server

import (
	"context"
	"net"
	"time"

	"github.com/portgate/portgate/internal/reasons"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// MiddlewareDrain names the interceptor that answers calls cut off at the
// end of the shutdown grace period.
const MiddlewareDrain = "drain"

// shutdownRetryDelay is the RetryInfo given to calls cut off by shutdown:
// another instance (or this one, restarted) can take the call at once.
const shutdownRetryDelay = time.Second

// drainer ties every call's context to the server's drain context, and
// turns the error of a call cut off by it into UNAVAILABLE with RetryInfo.
//
// The tie is made once per connection, not per call: the gRPC server's
// connection contexts (connContexts, a stats handler's TagConn) and the
// REST server's base context (baseContext) end with the drain context, so
// every stream and request context derived from them ends with it too, and
// the interceptor has nothing to set up. A call whose context was not
// derived that way (found by the drainKey value) gets its own cancel
// context and AfterFunc, as every call did before.
type drainer struct{ ctx context.Context }

// drainKey marks a context that ends when the drainer's context does.
type drainKey struct{}

func (d *drainer) tied(ctx context.Context) bool { return ctx.Value(drainKey{}) == d }

func (d *drainer) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if !d.tied(ctx) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(d.ctx, cancel)
		defer stop()
	}
	resp, err := handler(ctx, req)
	if err != nil && d.ctx.Err() != nil {
		return nil, shuttingDown()
	}
	return resp, err
}

func (d *drainer) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if !d.tied(ss.Context()) {
		ctx, cancel := context.WithCancel(ss.Context())
		defer cancel()
		stop := context.AfterFunc(d.ctx, cancel)
		defer stop()
		ss = &requestIDStreamWrapper{ServerStream: ss, ctx: ctx}
	}
	err := handler(srv, ss)
	if err != nil && d.ctx.Err() != nil {
		return shuttingDown()
	}
	return err
}

// baseContext is the REST server's BaseContext: request contexts end with
// the drain context (one registration per connection).
func (d *drainer) baseContext(net.Listener) context.Context {
	return context.WithValue(d.ctx, drainKey{}, d)
}

// connContexts is a gRPC stats handler whose TagConn gives each
// connection a context that keeps the connection's values but ends with
// the drain context; the streams' contexts derive from it.
type connContexts struct{ d *drainer }

func (c connContexts) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return &drainedContext{Context: ctx, d: c.d}
}
func (connContexts) HandleConn(context.Context, stats.ConnStats) {}
func (connContexts) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (connContexts) HandleRPC(context.Context, stats.RPCStats) {}

// drainedContext has the values and deadline of Context and the
// cancellation of the drain context. Values it lacks are looked up in the
// drain context too, so context.WithCancel below it finds the drain
// context's canceler and registers with it (no goroutine per stream).
type drainedContext struct {
	context.Context
	d *drainer
}

func (c *drainedContext) Done() <-chan struct{} { return c.d.ctx.Done() }
func (c *drainedContext) Err() error            { return c.d.ctx.Err() }
func (c *drainedContext) Value(key any) any {
	if _, ok := key.(drainKey); ok {
		return c.d
	}
	if v := c.Context.Value(key); v != nil {
		return v
	}
	return c.d.ctx.Value(key)
}

func shuttingDown() error {
	st, err := status.New(codes.Unavailable, "the server is shutting down and cut this call off; retry it").WithDetails(
		&errdetails.ErrorInfo{Reason: ReasonShuttingDown, Domain: reasons.Domain},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(shutdownRetryDelay)},
	)
	if err != nil {
		return status.Error(codes.Unavailable, "the server is shutting down")
	}
	return st.Err()
}

// insertBefore returns chain with m inserted before the entry named name
// (at the end when there is none).
func insertBefore(chain []Middleware, name string, m Middleware) []Middleware {
	for i, c := range chain {
		if c.Name == name {
			out := append([]Middleware{}, chain[:i]...)
			out = append(out, m)
			return append(out, chain[i:]...)
		}
	}
	return append(chain, m)
}
