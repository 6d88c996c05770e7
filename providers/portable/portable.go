// Package portable is the one client every caller of a provider uses (after
// google/go-cloud's portable types: blob.Bucket over blob/driver.Bucket).
//
// A Client wraps one driver (a providers.Provider) and does, once and the
// same way for every provider:
//
//   - argument validation against the driver's declared Capabilities (batch
//     limits, updatable fields, document size, id shape), before any call;
//   - capability checks: an optional operation whose interface the driver
//     does not implement (providers.Commenter, providers.DocumentStore, ...)
//     or does not declare is a PROVIDER_CAPABILITY_MISSING error;
//   - the resilience policy (breaker, deadline, bulkhead, retries of reads;
//     providers/resilience), when one is configured;
//   - one span per call (metrics are recorded by the resilience policy);
//   - error wrapping: every error returned is a *providers.Error naming the
//     provider (context errors keep their codes).
//
// service/ calls only this type; adapters implement only the driver side.
package portable

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/resilience"
)

// Client is the portable provider client. It is safe for concurrent use.
type Client struct {
	drv    providers.Provider
	name   string
	caps   providers.Capabilities
	guard  *resilience.Provider
	tracer trace.Tracer
	spans  map[providers.Operation]spanStart // read-only after New
	closed atomic.Bool                       // Close was called (close.go)
}

// Option customizes New.
type Option func(*Client)

// WithResilience runs every call through g (breaker, retries, bulkhead,
// default deadline, call metrics). Without it calls go straight to the driver.
func WithResilience(g *resilience.Provider) Option { return func(c *Client) { c.guard = g } }

// WithTracerProvider sets where spans go (default: the otel global).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *Client) {
		if tp != nil {
			c.tracer = tp.Tracer(tracerName)
		}
	}
}

// WithoutSpans starts no call span at all: for a TracerProvider whose spans
// never record (nothing exports them), where a call span would only be
// allocated, given ids and dropped; log lines during the call carry the
// caller's span ids instead.
func WithoutSpans() Option { return func(c *Client) { c.tracer = nil } }

const tracerName = "github.com/portgate/portgate/providers/portable"

// New wraps drv. The capabilities are read once: an optional operation
// counts only when drv declares it and implements its interface.
func New(drv providers.Provider, opts ...Option) *Client {
	c := &Client{drv: drv, name: drv.Name(), tracer: otel.GetTracerProvider().Tracer(tracerName)}
	caps := drv.Capabilities()
	ops := make([]providers.Operation, 0, len(caps.Operations))
	for _, op := range caps.Operations {
		if providers.Implements(drv, op) && voiceOpUsable(caps, op) {
			ops = append(ops, op)
		}
	}
	caps.Operations = ops
	c.caps = caps
	for _, o := range opts {
		o(c)
	}
	c.spans = make(map[providers.Operation]spanStart, len(ops))
	for _, op := range ops {
		c.spans[op] = c.newSpanStart(op)
	}
	return c
}

// noSpan stands in for a call span under WithoutSpans: every method is a
// no-op.
var noSpan = trace.SpanFromContext(context.Background())

// startSpan starts op's call span (noSpan under WithoutSpans).
func (c *Client) startSpan(ctx context.Context, op providers.Operation) (context.Context, trace.Span) {
	if c.tracer == nil {
		return ctx, noSpan
	}
	sp, ok := c.spans[op]
	if !ok {
		sp = c.newSpanStart(op)
	}
	return c.tracer.Start(ctx, sp.name, sp.opts...)
}

// spanStart is a call span's name and start options: the same for every
// call of one operation on one client, so built once (New).
type spanStart struct {
	name string
	opts []trace.SpanStartOption
}

func (c *Client) newSpanStart(op providers.Operation) spanStart {
	return spanStart{name: "provider." + string(op), opts: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("portgate.provider", c.name), attribute.String("portgate.operation", string(op)))}}
}

// Name is the provider's resource id ("flowroute").
func (c *Client) Name() string { return c.name }

// Capabilities are the driver's declared capabilities, Operations limited
// to those it implements.
func (c *Client) Capabilities() providers.Capabilities {
	caps := c.caps
	caps.Operations = slices.Clone(caps.Operations)
	return caps
}

// Supports reports whether op can be called.
func (c *Client) Supports(op providers.Operation) bool { return c.caps.Supports(op) }

// Health is the resilience policy's breaker state ("closed" without one).
func (c *Client) Health() resilience.Health {
	if c.guard == nil {
		return resilience.Health{State: "closed"}
	}
	return c.guard.Health()
}

// Resilience returns the policy calls run through (nil = none).
func (c *Client) Resilience() *resilience.Provider { return c.guard }

// As exposes the driver's provider-specific types: i is a pointer to a type
// the adapter documents (for example *providers.Doer for its HTTP client).
// It reports false for a nil i or a driver without escape hatches.
func (c *Client) As(i any) bool {
	if i == nil {
		return false
	}
	a, ok := c.drv.(providers.Aser)
	return ok && a.As(i)
}

// ErrorAs sets i from err, an error this client returned: first as a
// provider-neutral type (**providers.Error), then as the driver documents.
func (c *Client) ErrorAs(err error, i any) bool {
	if err == nil || i == nil {
		return false
	}
	if pe, ok := i.(**providers.Error); ok {
		return errors.As(err, pe)
	}
	a, ok := c.drv.(providers.Aser)
	return ok && a.ErrorAs(err, i)
}

func (c *Client) missing(op providers.Operation) error {
	return providers.CapabilityMissing(c.name, op)
}

func (c *Client) invalid(field, format string, args ...any) error {
	return &providers.Error{Code: providers.CodeInvalidArgument, Provider: c.name, Reason: "INVALID_ARGUMENT",
		Message:    fmt.Sprintf(field+": "+format, args...),
		Violations: []providers.FieldViolation{{Field: field, Description: fmt.Sprintf(format, args...)}}}
}

// requireID refuses an empty or (where the driver declares a shape) a
// malformed port order id before any call.
func (c *Client) requireID(id string) error {
	if id == "" {
		return c.invalid("id", "a port order id is required")
	}
	if err := c.caps.PortOrderID.Check(c.name, "port order", id); err != nil {
		return err
	}
	return nil
}

// run is every call: closed check, capability, span, resilience, error wrapping.
func run[T any](c *Client, ctx context.Context, op providers.Operation, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := c.closedErr(); err != nil {
		return zero, err
	}
	if !c.caps.Supports(op) {
		return zero, c.missing(op)
	}
	ctx, span := c.startSpan(ctx, op)
	defer span.End()
	var res T
	var err error
	if c.guard != nil {
		res, err = resilience.Call(c.guard, ctx, op, fn)
	} else {
		res, err = fn(ctx)
	}
	if err != nil {
		pe := providers.AsError(c.name, err)
		if pe.Provider == "" {
			pe.Provider = c.name
		}
		span.SetStatus(codes.Error, pe.Code.String())
		span.SetAttributes(attribute.String("portgate.provider_error_code", pe.Code.String()))
		return zero, pe
	}
	return res, nil
}
