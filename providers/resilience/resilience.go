package resilience

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/portgate/portgate/providers"
)

// Reasons set on the errors this layer creates (see docs/errors.md).
const (
	ReasonCircuitOpen = "PROVIDER_CIRCUIT_OPEN"
	ReasonOverloaded  = "PROVIDER_OVERLOADED"
)

// errDefaultTimeout is the cancellation cause of the deadline this layer adds
// when the caller's context has none; it tells "our timeout" apart from the
// caller's own deadline.
var errDefaultTimeout = errors.New("resilience: provider default timeout")

// idempotent operations are read-only and may be retried.
var idempotent = map[providers.Operation]bool{
	providers.OpGetPortOrder:      true,
	providers.OpListPortOrders:    true,
	providers.OpListComments:      true,
	providers.OpListDocuments:     true,
	providers.OpGetNumber:         true,
	providers.OpListNumbers:       true,
	providers.OpCheckPortability:  true,
	providers.OpListPortingEvents: true,
	// issue 14 — buy: order reads (never CreateNumberOrder or ReleaseNumber)
	providers.OpGetNumberOrder:   true,
	providers.OpListNumberOrders: true,
	// issue 14 — voice
	providers.OpListVoiceRoutes: true, providers.OpGetVoiceRoute: true,
	providers.OpListMessagingProfiles: true, providers.OpGetMessagingProfile: true,
	// issue 14 — portout
	providers.OpListPortOuts: true, providers.OpGetPortOut: true, providers.OpGetPortOrderLOA: true,
	providers.OpListPortOutComments: true, providers.OpListPortOutRejectionCodes: true,
}

// Idempotent reports whether op is a read-only operation this layer retries.
func Idempotent(op providers.Operation) bool { return idempotent[op] }

// Option customizes Wrap.
type Option func(*Provider)

// WithLogger sets the logger used for breaker transitions (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(p *Provider) {
		if l != nil {
			p.log = l
		}
	}
}

// WithMetrics records breaker state, calls, retries and rejections in m.
func WithMetrics(m *Metrics) Option { return func(p *Provider) { p.metrics = m } }

// WithSleep replaces the backoff sleep (tests: record the delay, return at
// once). sleep must return early with ctx.Err() when ctx ends.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(p *Provider) {
		if sleep != nil {
			p.sleep = sleep
		}
	}
}

// WithJitter replaces the full-jitter draw: it must return a duration in
// [0, ceiling). Tests use it to make backoff deterministic.
func WithJitter(jitter func(ceiling time.Duration) time.Duration) Option {
	return func(p *Provider) {
		if jitter != nil {
			p.jitter = jitter
		}
	}
}

// Provider is the resilience policy of one provider: a breaker, retries, a
// default deadline and a bulkhead. The portable client (providers/portable)
// runs every driver call through Call. It starts no goroutines.
type Provider struct {
	inner   providers.Provider
	name    string
	pol     Policy
	cb      *gobreaker.CircuitBreaker[struct{}]
	log     *slog.Logger
	metrics *Metrics
	sleep   func(context.Context, time.Duration) error
	jitter  func(time.Duration) time.Duration

	sem       chan struct{}
	waiting   atomic.Int64
	openUntil atomic.Int64 // unix nanos; valid while the breaker is open

	budgetMu sync.Mutex
	tokens   float64
}

// Wrap puts p behind pol. Zero Policy fields take their defaults.
func Wrap(p providers.Provider, pol Policy, opts ...Option) *Provider {
	rp := &Provider{
		inner:  p,
		name:   p.Name(),
		pol:    pol.withDefaults(),
		log:    slog.Default(),
		sleep:  sleepCtx,
		jitter: fullJitter,
	}
	for _, o := range opts {
		o(rp)
	}
	rp.sem = make(chan struct{}, rp.pol.MaxConcurrent)
	rp.tokens = rp.pol.RetryBudgetBurst
	pol = rp.pol
	rp.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        rp.name,
		MaxRequests: pol.HalfOpenProbes,
		Interval:    pol.Interval,
		Timeout:     pol.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			if c.ConsecutiveFailures >= pol.ConsecutiveFailures {
				return true
			}
			counted := c.TotalSuccesses + c.TotalFailures
			return pol.FailureRatio <= 1 && counted >= pol.MinRequests &&
				float64(c.TotalFailures) >= pol.FailureRatio*float64(counted)
		},
		IsSuccessful:  isSuccessful,
		IsExcluded:    isExcluded,
		OnStateChange: rp.onStateChange,
	})
	rp.metrics.initProvider(rp.name)
	return rp
}

// Unwrap returns the wrapped provider.
func (p *Provider) Unwrap() providers.Provider { return p.inner }

// Name passes through.
func (p *Provider) Name() string { return p.inner.Name() }

// Capabilities passes through.
func (p *Provider) Capabilities() providers.Capabilities { return p.inner.Capabilities() }

// Policy returns the effective policy (defaults filled in).
func (p *Provider) Policy() Policy { return p.pol }

// BreakerState is the breaker's current state.
func (p *Provider) BreakerState() gobreaker.State { return p.cb.State() }

// Health is the provider's breaker state for ListProviders / health checks.
type Health struct {
	State     string    // "closed", "half-open" or "open"
	OpenUntil time.Time // when open: the earliest next half-open probe; zero otherwise
}

// Health reports the breaker state.
func (p *Provider) Health() Health {
	st := p.cb.State()
	h := Health{State: st.String()}
	if st == gobreaker.StateOpen {
		h.OpenUntil = time.Unix(0, p.openUntil.Load())
	}
	return h
}

// onStateChange runs under the breaker's lock: no calls back into p.cb.
func (p *Provider) onStateChange(name string, from, to gobreaker.State) {
	if to == gobreaker.StateOpen {
		p.openUntil.Store(time.Now().Add(p.pol.OpenTimeout).UnixNano())
	}
	p.metrics.setState(name, float64(to))
	p.log.Info("provider circuit breaker state change", "provider", name, "from", from.String(), "to", to.String())
}

// outcome classifies an attempt for the breaker.
type outcome int

const (
	outcomeSuccess outcome = iota
	outcomeFailure
	outcomeExcluded
)

// attemptError carries an attempt's error and its classification through
// gobreaker's Execute, whose IsSuccessful/IsExcluded see only the error.
type attemptError struct {
	err     error
	outcome outcome
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

func isSuccessful(err error) bool {
	if err == nil {
		return true
	}
	var ae *attemptError
	return errors.As(err, &ae) && ae.outcome == outcomeSuccess
}

func isExcluded(err error) bool {
	if err == nil {
		return false // without errors.As, whose target escapes (one allocation per call)
	}
	var ae *attemptError
	return errors.As(err, &ae) && ae.outcome == outcomeExcluded
}

// classify decides how an attempt's error counts for the breaker. callerCtx is
// the context the caller passed in (before this layer's default deadline).
func classify(callerCtx context.Context, err error) outcome {
	if callerCtx.Err() != nil {
		// The caller cancelled or its own deadline passed: says nothing
		// about the provider's health.
		return outcomeExcluded
	}
	switch providers.ErrorCode(err) {
	case providers.CodeUnavailable, providers.CodeBadResponse, providers.CodeRateLimited,
		providers.CodeUnknown, providers.CodeDeadlineExceeded,
		providers.CodeCircuitOpen, providers.CodeOverloaded:
		// DeadlineExceeded with the caller's context still alive is our
		// default timeout or the adapter's own transport timeout.
		return outcomeFailure
	case providers.CodeCanceled:
		// Cancelled by something other than the caller: not a health signal.
		return outcomeExcluded
	}
	// InvalidArgument, NotFound, AlreadyExists, FailedPrecondition,
	// Unimplemented, AuthFailed: the provider answered, correctly.
	return outcomeSuccess
}

// normalize turns this layer's own default timeout into CodeUnavailable: it
// is the provider not answering, not the caller's deadline.
func (p *Provider) normalize(callerCtx, callCtx context.Context, err error) error {
	if callerCtx.Err() == nil && callCtx.Err() != nil && context.Cause(callCtx) == errDefaultTimeout {
		switch providers.ErrorCode(err) {
		case providers.CodeDeadlineExceeded, providers.CodeCanceled:
			return &providers.Error{Code: providers.CodeUnavailable, Provider: p.name,
				Message: fmt.Sprintf("no answer within %s", p.pol.DefaultTimeout), Err: err}
		}
	}
	return err
}

func (p *Provider) circuitOpenError(cause error) *providers.Error {
	retryAfter := min(p.pol.OpenTimeout, time.Second) // half-open, probe in flight
	if !errors.Is(cause, gobreaker.ErrTooManyRequests) {
		if d := time.Until(time.Unix(0, p.openUntil.Load())); d > 0 {
			retryAfter = d
		}
	}
	retryAfter = max(retryAfter, time.Millisecond)
	return &providers.Error{Code: providers.CodeCircuitOpen, Reason: ReasonCircuitOpen, Provider: p.name,
		Message:    fmt.Sprintf("circuit breaker open; retry in %s", retryAfter.Round(time.Millisecond)),
		RetryAfter: retryAfter, Err: cause}
}

func (p *Provider) overloadedError(msg string) *providers.Error {
	return &providers.Error{Code: providers.CodeOverloaded, Reason: ReasonOverloaded, Provider: p.name,
		Message: msg, RetryAfter: p.pol.QueueTimeout}
}

// acquire takes a bulkhead slot, waiting in the bounded queue at most
// QueueTimeout. callerCtx tells the caller's cancellation apart from ours.
func (p *Provider) acquire(callerCtx, callCtx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		p.metrics.slot(p.name, 1)
		return nil
	default:
	}
	if p.waiting.Add(1) > int64(p.pol.MaxQueue) {
		p.waiting.Add(-1)
		return p.overloadedError(fmt.Sprintf("%d calls in flight and %d waiting", p.pol.MaxConcurrent, p.pol.MaxQueue))
	}
	p.metrics.queue(p.name, 1)
	defer func() { p.waiting.Add(-1); p.metrics.queue(p.name, -1) }()
	t := time.NewTimer(p.pol.QueueTimeout)
	defer t.Stop()
	select {
	case p.sem <- struct{}{}:
		p.metrics.slot(p.name, 1)
		return nil
	case <-t.C:
		return p.overloadedError(fmt.Sprintf("no free slot within %s", p.pol.QueueTimeout))
	case <-callCtx.Done():
		if err := callerCtx.Err(); err != nil {
			return providers.AsError(p.name, err)
		}
		return p.overloadedError("no free slot before the default deadline")
	}
}

func (p *Provider) release() { <-p.sem; p.metrics.slot(p.name, -1) }

// deposit adds one call's share to the retry budget.
func (p *Provider) deposit() {
	p.budgetMu.Lock()
	p.tokens = min(p.tokens+p.pol.RetryBudget, p.pol.RetryBudgetBurst)
	p.budgetMu.Unlock()
}

// spend takes one retry token, reporting false when the budget is exhausted.
func (p *Provider) spend() bool {
	p.budgetMu.Lock()
	defer p.budgetMu.Unlock()
	if p.tokens < 1 {
		return false
	}
	p.tokens--
	return true
}

// backoff is the delay after failed attempt n (1-based): full jitter under
// min(MaxBackoff, BaseBackoff·2^(n-1)), floored at the provider's RetryAfter.
func (p *Provider) backoff(n int, err error) time.Duration {
	ceiling := p.pol.BaseBackoff
	for i := 1; i < n && ceiling < p.pol.MaxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.pol.MaxBackoff)
	d := p.jitter(ceiling)
	var pe *providers.Error
	if errors.As(err, &pe) && pe.RetryAfter > d {
		d = pe.RetryAfter
	}
	return d
}

func retryableCode(err error) bool {
	switch providers.ErrorCode(err) {
	case providers.CodeUnavailable, providers.CodeRateLimited:
		return true
	}
	return false
}

func codeLabel(err error) string {
	if err == nil {
		return "OK"
	}
	return providers.ErrorCode(err).String()
}

// Call runs fn, one attempt of operation op, through the breaker, the
// default deadline, the bulkhead and (for read-only operations) retries.
func Call[T any](p *Provider, ctx context.Context, op providers.Operation, fn func(context.Context) (T, error)) (T, error) {
	return call(p, ctx, op, fn)
}

// call runs one operation through breaker, deadline, bulkhead and retries.
func call[T any](p *Provider, ctx context.Context, op providers.Operation, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	opName := string(op)
	start := time.Now()
	p.deposit()

	// Fast path: an open breaker answers before queueing for a slot.
	if p.cb.State() == gobreaker.StateOpen {
		err := p.circuitOpenError(gobreaker.ErrOpenState)
		p.metrics.reject(p.name, opName, err.Code.String())
		p.metrics.call(p.name, opName, err.Code.String(), start)
		return zero, err
	}

	callCtx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeoutCause(ctx, p.pol.DefaultTimeout, errDefaultTimeout)
		defer cancel()
	}

	if err := p.acquire(ctx, callCtx); err != nil {
		if providers.ErrorCode(err) == providers.CodeOverloaded {
			p.metrics.reject(p.name, opName, codeLabel(err))
		}
		p.metrics.call(p.name, opName, codeLabel(err), start)
		return zero, err
	}
	defer p.release()

	for attempt := 1; ; attempt++ {
		var res T
		_, err := p.cb.Execute(func() (struct{}, error) {
			r, err := fn(callCtx)
			if err != nil {
				err = p.normalize(ctx, callCtx, err)
				return struct{}{}, &attemptError{err: err, outcome: classify(ctx, err)}
			}
			res = r
			return struct{}{}, nil
		})
		if err == nil {
			p.metrics.call(p.name, opName, "OK", start)
			return res, nil
		}
		var ae *attemptError
		if !errors.As(err, &ae) {
			// ErrOpenState / ErrTooManyRequests: no provider call was made.
			ce := p.circuitOpenError(err)
			p.metrics.reject(p.name, opName, ce.Code.String())
			p.metrics.call(p.name, opName, ce.Code.String(), start)
			return zero, ce
		}
		err = ae.err
		if !p.shouldRetry(ctx, callCtx, op, attempt, err) {
			p.metrics.call(p.name, opName, codeLabel(err), start)
			return zero, err
		}
		delay := p.backoff(attempt, err)
		if dl, ok := callCtx.Deadline(); ok && delay >= time.Until(dl) {
			// Sleeping would run past the deadline: answer now.
			p.metrics.call(p.name, opName, codeLabel(err), start)
			return zero, err
		}
		if !p.spend() {
			p.metrics.call(p.name, opName, codeLabel(err), start)
			return zero, err
		}
		p.metrics.retry(p.name, opName, codeLabel(err))
		if p.sleep(callCtx, delay) != nil {
			p.metrics.call(p.name, opName, codeLabel(err), start)
			return zero, err
		}
	}
}

func (p *Provider) shouldRetry(callerCtx, callCtx context.Context, op providers.Operation, attempt int, err error) bool {
	return idempotent[op] && attempt < p.pol.MaxAttempts && retryableCode(err) &&
		callerCtx.Err() == nil && callCtx.Err() == nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}
