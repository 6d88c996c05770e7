package resilience

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/portgate/portgate/providers"
)

// scripted is an in-test provider: it counts calls and answers from a
// script of errors (then fallback). With hang set it blocks until its ctx
// ends; entered (if set) receives once per call before it answers.
type scripted struct {
	providers.Unimplemented
	mu        sync.Mutex
	calls     int
	script    []error
	fallback  error
	hang      bool
	block     chan struct{} // when non-nil, calls wait for it (or ctx)
	entered   chan struct{}
	deadlines []bool
}

func newScripted() *scripted {
	return &scripted{Unimplemented: providers.Unimplemented{ProviderName: "fake"}}
}

func (s *scripted) Name() string { return "fake" }
func (s *scripted) Capabilities() providers.Capabilities {
	return providers.Capabilities{Operations: []providers.Operation{providers.OpGetNumber}, PortabilityBatchLimit: 7}
}

func (s *scripted) set(fallback error, script ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback, s.script = fallback, script
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *scripted) answer(ctx context.Context) error {
	s.mu.Lock()
	s.calls++
	_, hasDL := ctx.Deadline()
	s.deadlines = append(s.deadlines, hasDL)
	err := s.fallback
	if len(s.script) > 0 {
		err, s.script = s.script[0], s.script[1:]
	}
	hang, block, entered := s.hang, s.block, s.entered
	s.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (s *scripted) GetNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	if err := s.answer(ctx); err != nil {
		return nil, err
	}
	return &providers.Number{PhoneNumber: e164}, nil
}

func (s *scripted) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	if err := s.answer(ctx); err != nil {
		return nil, err
	}
	return &providers.NumberUpdateResult{}, nil
}

func (s *scripted) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := s.answer(ctx); err != nil {
		return nil, err
	}
	return &providers.PortOrder{ID: id}, nil
}

func perr(code providers.Code) error {
	return &providers.Error{Code: code, Provider: "fake", Message: code.String()}
}

func rateLimited(after time.Duration) error {
	return &providers.Error{Code: providers.CodeRateLimited, Provider: "fake", RetryAfter: after, Message: "slow down"}
}

// recorder is a sleep hook that records delays and returns at once.
type recorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delays = append(r.delays, d)
	return ctx.Err()
}

func (r *recorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.delays...)
}

func noJitter(time.Duration) time.Duration { return 0 }

func wantCode(t *testing.T, err error, want providers.Code) *providers.Error {
	t.Helper()
	if got := providers.ErrorCode(err); got != want || err == nil {
		t.Fatalf("error = %v (code %v), want code %v", err, got, want)
	}
	var pe *providers.Error
	if !errors.As(err, &pe) {
		return nil
	}
	return pe
}

func getNumber(p *Provider) error {
	_, err := p.GetNumber(context.Background(), "+13125550100")
	return err
}

func TestPassThrough(t *testing.T) {
	p := Wrap(newScripted(), Policy{})
	if p.Name() != "fake" || p.Capabilities().PortabilityBatchLimit != 7 {
		t.Fatalf("Name/Capabilities not passed through: %q %+v", p.Name(), p.Capabilities())
	}
	n, err := p.GetNumber(context.Background(), "+13125550100")
	if err != nil || n.PhoneNumber != "+13125550100" {
		t.Fatalf("GetNumber = %+v, %v", n, err)
	}
	if got := p.Policy(); got != DefaultPolicy() {
		t.Fatalf("zero policy did not take defaults: %+v", got)
	}
	// Unimplemented passes through and does not trip the breaker.
	for range 10 {
		_, err := p.ListDocuments(context.Background(), "1")
		wantCode(t, err, providers.CodeUnimplemented)
	}
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatal("Unimplemented tripped the breaker")
	}
}

func TestBreakerOpensAfterConsecutiveFailures(t *testing.T) {
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{ConsecutiveFailures: 3, MaxAttempts: 1, OpenTimeout: time.Hour},
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithMetrics(m))

	for i := range 3 {
		if p.BreakerState() != gobreaker.StateClosed {
			t.Fatalf("breaker opened after %d failures", i)
		}
		wantCode(t, getNumber(p), providers.CodeUnavailable)
	}
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatalf("breaker %v after 3 failures, want open", p.BreakerState())
	}
	pe := wantCode(t, getNumber(p), providers.CodeCircuitOpen)
	if pe.Reason != ReasonCircuitOpen || pe.Provider != "fake" || pe.RetryAfter <= 0 || pe.RetryAfter > time.Hour {
		t.Fatalf("circuit open error = %+v", pe)
	}
	// Writes are rejected too.
	_, err := p.UpdateNumber(context.Background(), providers.NumberUpdate{})
	wantCode(t, err, providers.CodeCircuitOpen)
	if n := s.count(); n != 3 {
		t.Fatalf("provider calls = %d, want 3 (none while open)", n)
	}
	h := p.Health()
	if h.State != "open" || !h.OpenUntil.After(time.Now()) {
		t.Fatalf("Health = %+v", h)
	}
	if v := metricValue(m.breakerState.WithLabelValues("fake")); v != 2 {
		t.Fatalf("breaker gauge = %v, want 2", v)
	}
	if v := metricValue(m.rejections.WithLabelValues("fake", "GetNumber", "CircuitOpen")); v != 1 {
		t.Fatalf("rejections = %v, want 1", v)
	}
	if v := metricValue(m.calls.WithLabelValues("fake", "GetNumber", "Unavailable")); v != 3 {
		t.Fatalf("calls{Unavailable} = %v, want 3", v)
	}
	if n := strings.Count(logs.String(), "circuit breaker state change"); n != 1 ||
		!strings.Contains(logs.String(), "provider=fake from=closed to=open") {
		t.Fatalf("transition logs:\n%s", logs.String())
	}
}

func TestBreakerTripsOnRatio(t *testing.T) {
	s := newScripted()
	s.set(nil, nil, perr(providers.CodeBadResponse), nil, perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{ConsecutiveFailures: 100, FailureRatio: 0.5, MinRequests: 4, MaxAttempts: 1, OpenTimeout: time.Hour})
	for range 3 {
		_ = getNumber(p)
	}
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatal("tripped before MinRequests")
	}
	_ = getNumber(p)
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatal("2 failures of 4 did not trip a 0.5 ratio")
	}
}

// waitState polls the breaker until it reaches want: half-open is entered
// lazily once OpenTimeout has passed, which is the behaviour under test.
func waitState(t *testing.T, p *Provider, want gobreaker.State) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for p.BreakerState() != want {
		select {
		case <-ctx.Done():
			t.Fatalf("breaker still %v, want %v", p.BreakerState(), want)
		case <-tick.C:
		}
	}
}

func TestBreakerHalfOpenThenCloses(t *testing.T) {
	var logs bytes.Buffer
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{ConsecutiveFailures: 2, MaxAttempts: 1, OpenTimeout: 50 * time.Millisecond},
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	_, _ = getNumber(p), getNumber(p)
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatal("not open")
	}
	waitState(t, p, gobreaker.StateHalfOpen)

	// A failed probe reopens.
	wantCode(t, getNumber(p), providers.CodeUnavailable)
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatalf("failed probe left breaker %v", p.BreakerState())
	}
	waitState(t, p, gobreaker.StateHalfOpen)

	// While the single probe is in flight, others are turned away.
	s.set(nil)
	s.mu.Lock()
	s.block, s.entered = make(chan struct{}), make(chan struct{}, 1)
	block := s.block
	s.mu.Unlock()
	probe := make(chan error, 1)
	go func() { probe <- getNumber(p) }()
	<-s.entered
	pe := wantCode(t, getNumber(p), providers.CodeCircuitOpen)
	if pe.RetryAfter <= 0 {
		t.Fatalf("half-open rejection RetryAfter = %v", pe.RetryAfter)
	}
	callsBefore := s.count()
	close(block)
	if err := <-probe; err != nil {
		t.Fatalf("probe: %v", err)
	}
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatalf("successful probe left breaker %v", p.BreakerState())
	}
	if callsBefore != 4 {
		t.Fatalf("provider calls = %d, want 4 (2 trips, 1 failed probe, 1 successful probe)", callsBefore)
	}
	for _, tr := range []string{"from=closed to=open", "from=open to=half-open", "from=half-open to=open", "from=half-open to=closed"} {
		if !strings.Contains(logs.String(), tr) {
			t.Errorf("no %q in logs:\n%s", tr, logs.String())
		}
	}
}

func TestBusinessErrorsDoNotTrip(t *testing.T) {
	s := newScripted()
	codes := []providers.Code{providers.CodeInvalidArgument, providers.CodeNotFound, providers.CodeAlreadyExists,
		providers.CodeFailedPrecondition, providers.CodeAuthFailed, providers.CodeUnimplemented}
	p := Wrap(s, Policy{ConsecutiveFailures: 2, MaxAttempts: 3, OpenTimeout: time.Hour})
	for _, c := range codes {
		s.set(perr(c))
		for range 3 {
			wantCode(t, getNumber(p), c)
		}
	}
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatal("business errors tripped the breaker")
	}
	if n := s.count(); n != 3*len(codes) {
		t.Fatalf("calls = %d, want %d (business errors are not retried)", n, 3*len(codes))
	}
	// A business error between two failures resets the consecutive count.
	s.set(nil, perr(providers.CodeUnavailable), perr(providers.CodeNotFound), perr(providers.CodeUnavailable))
	p = Wrap(s, Policy{ConsecutiveFailures: 2, MaxAttempts: 1, OpenTimeout: time.Hour})
	_, _, _ = getNumber(p), getNumber(p), getNumber(p)
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatal("NotFound did not count as success")
	}
}

func TestCallerCancellationExcluded(t *testing.T) {
	s := newScripted()
	s.hang = true
	s.entered = make(chan struct{}, 1)
	p := Wrap(s, Policy{ConsecutiveFailures: 2, MaxAttempts: 3, OpenTimeout: time.Hour})

	for range 4 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := p.GetNumber(ctx, "+13125550100"); done <- err }()
		<-s.entered
		cancel()
		wantCode(t, <-done, providers.CodeCanceled)
	}
	// The caller's own deadline passing is excluded too.
	for range 2 {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Millisecond))
		done := make(chan error, 1)
		go func() { _, err := p.GetNumber(ctx, "+13125550100"); done <- err }()
		<-s.entered
		wantCode(t, <-done, providers.CodeDeadlineExceeded)
		cancel()
	}
	if st := p.BreakerState(); st != gobreaker.StateClosed {
		t.Fatalf("caller cancellations moved breaker to %v", st)
	}
	c := p.cb.Counts()
	if c.TotalExclusions != 6 || c.TotalSuccesses != 0 || c.TotalFailures != 0 {
		t.Fatalf("counts = %+v, want 6 exclusions, no success/failure", c)
	}
	if n := s.count(); n != 6 {
		t.Fatalf("calls = %d: cancelled reads were retried", n)
	}

	// Excluded, not success: failure, cancel, failure still trips at 2.
	s.mu.Lock()
	s.hang = false
	s.mu.Unlock()
	s.set(perr(providers.CodeUnavailable))
	p = Wrap(s, Policy{ConsecutiveFailures: 2, MaxAttempts: 1, OpenTimeout: time.Hour})
	go func() { <-s.entered }()
	_ = getNumber(p)
	s.mu.Lock()
	s.hang = true
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := p.GetNumber(ctx, "+13125550100"); done <- err }()
	<-s.entered
	cancel()
	<-done
	s.mu.Lock()
	s.hang = false
	s.mu.Unlock()
	go func() { <-s.entered }()
	_ = getNumber(p)
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatal("cancellation counted as success (reset the consecutive failures)")
	}
}

func TestDefaultDeadline(t *testing.T) {
	s := newScripted()
	s.hang = true
	p := Wrap(s, Policy{DefaultTimeout: 20 * time.Millisecond, ConsecutiveFailures: 1, MaxAttempts: 3, OpenTimeout: time.Hour})
	// No caller deadline: ours applies; its expiry is the provider timing
	// out (Unavailable), counts as a failure and is not retried past it.
	pe := wantCode(t, getNumber(p), providers.CodeUnavailable)
	if !errors.Is(pe, context.DeadlineExceeded) {
		t.Fatalf("cause lost: %v", pe.Err)
	}
	if p.BreakerState() != gobreaker.StateOpen {
		t.Fatal("our timeout did not count as a failure")
	}
	if n := s.count(); n != 1 {
		t.Fatalf("calls = %d, want 1", n)
	}

	// With a caller deadline, that one is used as is.
	s2 := newScripted()
	p2 := Wrap(s2, Policy{DefaultTimeout: time.Nanosecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if _, err := p2.GetNumber(ctx, "+13125550100"); err != nil {
		t.Fatalf("caller deadline replaced by default: %v", err)
	}
	// 1ns default: this provider ignores ctx and answers anyway; only check
	// that a deadline was attached.
	_, _ = p2.GetNumber(context.Background(), "+13125550100")
	s2.mu.Lock()
	defer s2.mu.Unlock()
	if !s.deadlines[0] || !s2.deadlines[0] || !s2.deadlines[1] {
		t.Fatalf("provider saw no deadline: %v %v", s.deadlines, s2.deadlines)
	}
}

func TestReadsRetried(t *testing.T) {
	rec := &recorder{}
	s := newScripted()
	s.set(nil, perr(providers.CodeUnavailable), rateLimited(1500*time.Millisecond))
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	p := Wrap(s, Policy{MaxAttempts: 3}, WithSleep(rec.sleep), WithJitter(noJitter), WithMetrics(m))
	if err := getNumber(p); err != nil {
		t.Fatalf("GetNumber after 2 retryable errors: %v", err)
	}
	if n := s.count(); n != 3 {
		t.Fatalf("calls = %d, want 3", n)
	}
	if d := rec.got(); len(d) != 2 || d[0] != 0 || d[1] != 1500*time.Millisecond {
		t.Fatalf("delays = %v, want [0 1.5s] (Retry-After is the floor)", d)
	}
	if v := metricValue(m.retries.WithLabelValues("fake", "GetNumber", "RateLimited")); v != 1 {
		t.Fatalf("retries{RateLimited} = %v", v)
	}

	// Exhausted attempts return the last error.
	s.set(perr(providers.CodeUnavailable), rateLimited(time.Second))
	wantCode(t, getNumber(p), providers.CodeUnavailable)
	if n := s.count(); n != 6 {
		t.Fatalf("calls = %d, want 6", n)
	}
}

func TestBackoffIsExponentialFullJitter(t *testing.T) {
	rec := &recorder{}
	var ceilings []time.Duration
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{MaxAttempts: 6, BaseBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, ConsecutiveFailures: 100},
		WithSleep(rec.sleep), WithJitter(func(c time.Duration) time.Duration { ceilings = append(ceilings, c); return c / 2 }))
	wantCode(t, getNumber(p), providers.CodeUnavailable)
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}
	if len(ceilings) != len(want) {
		t.Fatalf("ceilings = %v, want %v", ceilings, want)
	}
	for i := range want {
		if ceilings[i] != want[i] || rec.got()[i] != want[i]/2 {
			t.Fatalf("ceilings = %v delays = %v, want ceilings %v", ceilings, rec.got(), want)
		}
	}
	// The default jitter stays under the ceiling.
	for range 1000 {
		if d := fullJitter(time.Millisecond); d < 0 || d >= time.Millisecond {
			t.Fatalf("fullJitter = %v", d)
		}
	}
}

func TestNotRetried(t *testing.T) {
	rec := &recorder{}
	s := newScripted()
	p := Wrap(s, Policy{MaxAttempts: 5, ConsecutiveFailures: 100}, WithSleep(rec.sleep), WithJitter(noJitter))

	// Writes: never, whatever the code; a 429 surfaces with its RetryAfter.
	s.set(perr(providers.CodeUnavailable))
	_, err := p.UpdateNumber(context.Background(), providers.NumberUpdate{})
	wantCode(t, err, providers.CodeUnavailable)
	s.set(rateLimited(3 * time.Second))
	_, err = p.CancelPortOrder(context.Background(), "1")
	if pe := wantCode(t, err, providers.CodeRateLimited); pe.RetryAfter != 3*time.Second {
		t.Fatalf("RetryAfter = %v", pe.RetryAfter)
	}
	// Reads: not on malformed responses or unknown errors.
	s.set(perr(providers.CodeBadResponse))
	wantCode(t, getNumber(p), providers.CodeBadResponse)
	s.set(errors.New("boom"))
	wantCode(t, getNumber(p), providers.CodeUnknown)
	if n := s.count(); n != 4 || len(rec.got()) != 0 {
		t.Fatalf("calls = %d sleeps = %v, want 4 calls and no sleeps", n, rec.got())
	}
}

func TestNoRetryPastDeadline(t *testing.T) {
	rec := &recorder{}
	s := newScripted()
	s.set(rateLimited(time.Hour))
	p := Wrap(s, Policy{MaxAttempts: 5}, WithSleep(rec.sleep), WithJitter(noJitter))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := p.GetNumber(ctx, "+13125550100")
	if pe := wantCode(t, err, providers.CodeRateLimited); pe.RetryAfter != time.Hour {
		t.Fatalf("RetryAfter = %v", pe.RetryAfter)
	}
	if n := s.count(); n != 1 || len(rec.got()) != 0 {
		t.Fatalf("calls = %d sleeps = %v: slept past the deadline", n, rec.got())
	}
	// Same with the default deadline.
	p = Wrap(s, Policy{MaxAttempts: 5, DefaultTimeout: time.Minute}, WithSleep(rec.sleep), WithJitter(noJitter))
	wantCode(t, getNumber(p), providers.CodeRateLimited)
	if n := s.count(); n != 2 || len(rec.got()) != 0 {
		t.Fatalf("calls = %d sleeps = %v: slept past the default deadline", n, rec.got())
	}
}

func TestRetryBudget(t *testing.T) {
	rec := &recorder{}
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{MaxAttempts: 3, ConsecutiveFailures: 100, RetryBudget: 0.5, RetryBudgetBurst: 1},
		WithSleep(rec.sleep), WithJitter(noJitter))
	_ = getNumber(p) // bucket 1 (full) → 1 retry → 0 tokens; attempt 3 finds 0
	if n := s.count(); n != 2 {
		t.Fatalf("first call: %d attempts, want 2", n)
	}
	_ = getNumber(p) // +0.5 → no retry
	if n := s.count(); n != 3 {
		t.Fatalf("second call: %d attempts total, want 3", n)
	}
	_ = getNumber(p) // +0.5 → 1 token → 1 retry
	if n := s.count(); n != 5 {
		t.Fatalf("third call: %d attempts total, want 5", n)
	}
}

func TestRetriesGoThroughBreaker(t *testing.T) {
	rec := &recorder{}
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{MaxAttempts: 3, ConsecutiveFailures: 2, OpenTimeout: time.Hour}, WithSleep(rec.sleep), WithJitter(noJitter))
	pe := wantCode(t, getNumber(p), providers.CodeCircuitOpen)
	if pe.RetryAfter <= 0 {
		t.Fatalf("RetryAfter = %v", pe.RetryAfter)
	}
	if n := s.count(); n != 2 {
		t.Fatalf("calls = %d, want 2 (third attempt rejected by the open breaker)", n)
	}
}

func TestBulkhead(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	s := newScripted()
	s.block, s.entered = make(chan struct{}), make(chan struct{}, 4)
	p := Wrap(s, Policy{MaxConcurrent: 1, MaxQueue: 1, QueueTimeout: time.Hour}, WithMetrics(m))

	first, second := make(chan error, 1), make(chan error, 1)
	go func() { first <- getNumber(p) }()
	<-s.entered // holds the only slot
	go func() { second <- getNumber(p) }()
	waitFor(t, func() bool { return p.waiting.Load() == 1 })
	for name, want := range map[string]float64{"portgate_provider_bulkhead_in_flight": 1, "portgate_provider_bulkhead_queue_depth": 1} {
		if v, ok := gathered(t, reg, name, map[string]string{"provider": "fake"}); !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}

	pe := wantCode(t, getNumber(p), providers.CodeOverloaded)
	if pe.Reason != ReasonOverloaded || pe.RetryAfter <= 0 || pe.Provider != "fake" {
		t.Fatalf("overloaded error = %+v", pe)
	}
	if v := metricValue(m.rejections.WithLabelValues("fake", "GetNumber", "Overloaded")); v != 1 {
		t.Fatalf("rejections = %v", v)
	}
	close(s.block)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatalf("queued call: %v", err)
	}
	<-s.entered
	if p.BreakerState() != gobreaker.StateClosed {
		t.Fatal("overload tripped the breaker")
	}
	for _, name := range []string{"portgate_provider_bulkhead_in_flight", "portgate_provider_bulkhead_queue_depth"} {
		if v, ok := gathered(t, reg, name, map[string]string{"provider": "fake"}); !ok || v != 0 {
			t.Errorf("%s after the calls = %v (present %v), want 0", name, v, ok)
		}
	}
	mfs, _ := reg.Gather()
	var observed uint64
	for _, mf := range mfs {
		if mf.GetName() == "portgate_provider_call_duration_seconds" {
			for _, m := range mf.GetMetric() {
				observed += m.GetHistogram().GetSampleCount()
			}
		}
	}
	if observed != 3 {
		t.Errorf("call duration observations = %d, want 3 (two served, one rejected)", observed)
	}
}

func TestBulkheadQueueTimeoutAndNoQueue(t *testing.T) {
	for _, tc := range []struct {
		name string
		pol  Policy
	}{
		{"queue timeout", Policy{MaxConcurrent: 1, MaxQueue: 1, QueueTimeout: 5 * time.Millisecond}},
		{"no queue", Policy{MaxConcurrent: 1, MaxQueue: -1, QueueTimeout: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted()
			s.block, s.entered = make(chan struct{}), make(chan struct{}, 1)
			p := Wrap(s, tc.pol)
			first := make(chan error, 1)
			go func() { first <- getNumber(p) }()
			<-s.entered
			wantCode(t, getNumber(p), providers.CodeOverloaded)
			close(s.block)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if n := s.count(); n != 1 {
				t.Fatalf("calls = %d", n)
			}
		})
	}
}

func TestBulkheadCallerCancelWhileQueued(t *testing.T) {
	s := newScripted()
	s.block, s.entered = make(chan struct{}), make(chan struct{}, 1)
	p := Wrap(s, Policy{MaxConcurrent: 1, MaxQueue: 1, QueueTimeout: time.Hour})
	first := make(chan error, 1)
	go func() { first <- getNumber(p) }()
	<-s.entered
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() { _, err := p.GetNumber(ctx, "+13125550100"); second <- err }()
	waitFor(t, func() bool { return p.waiting.Load() == 1 })
	cancel()
	wantCode(t, <-second, providers.CodeCanceled)
	close(s.block)
	<-first
}

func TestOpenBreakerDoesNotQueue(t *testing.T) {
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{MaxConcurrent: 1, MaxQueue: -1, ConsecutiveFailures: 1, MaxAttempts: 1, OpenTimeout: time.Hour})
	_ = getNumber(p)
	for range 100 {
		wantCode(t, getNumber(p), providers.CodeCircuitOpen)
	}
}

func TestMetricsRegisterTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := NewMetrics(reg), NewMetrics(reg)
	if a.calls != b.calls {
		t.Fatal("second NewMetrics did not reuse the registered collectors")
	}
	// A provider wrapped with the second Metrics must show up in the
	// registry: its gauge series exists at 0 (closed) from Wrap on, and its
	// breaker opening is visible as 2. Reading through reg (not through b's
	// own collector) is what can tell a reused collector from an orphan.
	s := newScripted()
	s.set(perr(providers.CodeUnavailable))
	p := Wrap(s, Policy{ConsecutiveFailures: 1, MaxAttempts: 1, OpenTimeout: time.Hour}, WithMetrics(b))
	if v, ok := gathered(t, reg, "portgate_provider_breaker_state", map[string]string{"provider": "fake"}); !ok || v != 0 {
		t.Fatalf("breaker gauge after Wrap = %v (present %v), want 0 present", v, ok)
	}
	wantCode(t, getNumber(p), providers.CodeUnavailable)
	if v, ok := gathered(t, reg, "portgate_provider_breaker_state", map[string]string{"provider": "fake"}); !ok || v != 2 {
		t.Fatalf("breaker gauge after trip = %v (present %v), want 2", v, ok)
	}
}

// gathered returns the value of the series name{labels} from reg.
func gathered(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue series
				}
			}
			switch {
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			}
		}
	}
	return 0, false
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not reached")
		case <-tick.C:
		}
	}
}

// Every label value of the resilience metrics comes from a closed set:
// provider names, operation names and outcome codes. Calls carrying phone
// numbers, order ids and keys leave none of them in a label.
func TestMetricLabelsAreAClosedSet(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	s := newScripted()
	s.set(nil, perr(providers.CodeUnavailable), perr(providers.CodeInvalidArgument), perr(providers.CodeNotFound))
	p := Wrap(s, Policy{MaxAttempts: 2, BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, WithMetrics(m))
	secrets := []string{"+13125550199", "5551234", "order-8e4b1c", "KEYsecret123"}
	for _, sec := range secrets {
		_, _ = p.GetNumber(context.Background(), sec)
		_, _ = p.CancelPortOrder(context.Background(), sec)
		_, _ = p.UpdateNumber(context.Background(), providers.NumberUpdate{Number: providers.Number{PhoneNumber: sec}})
	}
	allowed := map[string]map[string]bool{"provider": {"fake": true}, "op": {}, "code": {"OK": true}}
	for _, op := range providers.AllOperations {
		allowed["op"][string(op)] = true
	}
	for c := providers.CodeUnknown; c <= providers.CodeDeadlineExceeded; c++ {
		allowed["code"][c.String()] = true
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(mfs) < 5 {
		t.Fatalf("only %d metric families", len(mfs))
	}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			for _, lp := range mt.GetLabel() {
				set, ok := allowed[lp.GetName()]
				if !ok || !set[lp.GetValue()] {
					t.Errorf("%s{%s=%q}: label value outside the closed set", mf.GetName(), lp.GetName(), lp.GetValue())
				}
			}
		}
	}
}
