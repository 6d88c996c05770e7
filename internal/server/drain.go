package server

import (
	"context"
	"github.com/portgate/portgate/internal/reasons"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
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
type drainer struct{ ctx context.Context }

func (d *drainer) unary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(d.ctx, cancel)
	defer stop()
	resp, err := handler(ctx, req)
	if err != nil && d.ctx.Err() != nil {
		return nil, shuttingDown()
	}
	return resp, err
}

func (d *drainer) stream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, cancel := context.WithCancel(ss.Context())
	defer cancel()
	stop := context.AfterFunc(d.ctx, cancel)
	defer stop()
	err := handler(srv, &requestIDStreamWrapper{ServerStream: ss, ctx: ctx})
	if err != nil && d.ctx.Err() != nil {
		return shuttingDown()
	}
	return err
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
