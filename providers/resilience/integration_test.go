package resilience_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/httpx"
	"github.com/portgate/portgate/providers/resilience"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/chaos"
	"github.com/portgate/portgate/sandbox/flowroutefake"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// sleeps records backoff delays and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d
	s.d = nil
	return d
}

// world is both adapters against their fakes over real HTTP, each behind its
// own chaos injector and its own resilience wrapper.
type world struct {
	fr, tx   *resilience.Provider
	frChaos  *chaos.Injector
	txChaos  *chaos.Injector
	txFake   *telnyxfake.Fake
	frHits   atomic.Int64 // requests that reached the Flowroute chaos layer
	frSleeps *sleeps
	txSleeps *sleeps
	httpC    *http.Client
}

func newWorld(t *testing.T, pol resilience.Policy) *world {
	t.Helper()
	w := &world{frChaos: chaos.New(chaos.Faults{}, 1), txChaos: chaos.New(chaos.Faults{}, 2), frSleeps: &sleeps{}, txSleeps: &sleeps{}}
	frFake := flowroutefake.New(flowroutefake.Options{})
	t.Cleanup(frFake.Close)
	frInner := w.frChaos.Wrap(frFake)
	frSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.frHits.Add(1)
		frInner.ServeHTTP(rw, r)
	}))
	w.txFake = telnyxfake.New(telnyxfake.Options{})
	t.Cleanup(w.txFake.Close)
	txSrv := httptest.NewServer(w.txChaos.Wrap(w.txFake))
	w.httpC = httpx.NewClient(httpx.Options{})
	t.Cleanup(func() {
		w.httpC.CloseIdleConnections()
		frSrv.Close()
		txSrv.Close()
	})

	fr, err := flowroute.New(flowroute.Config{BaseURL: frSrv.URL, AccessKey: flowroutefake.DefaultAccessKey,
		SecretKey: flowroutefake.DefaultSecretKey, HTTPClient: w.httpC})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := telnyx.New(telnyx.Config{BaseURL: txSrv.URL + "/v2", APIKey: "sandbox", HTTPClient: w.httpC})
	if err != nil {
		t.Fatal(err)
	}
	quiet := resilience.WithLogger(slog.New(slog.DiscardHandler))
	zero := resilience.WithJitter(func(time.Duration) time.Duration { return 0 })
	w.fr = resilience.Wrap(fr, pol, quiet, zero, resilience.WithSleep(w.frSleeps.sleep))
	w.tx = resilience.Wrap(tx, pol, quiet, zero, resilience.WithSleep(w.txSleeps.sleep))
	return w
}

const num = "+13125550100"

func code(err error) providers.Code { return providers.ErrorCode(err) }

func mustGet(t *testing.T, p *resilience.Provider) {
	t.Helper()
	n, err := p.GetNumber(context.Background(), num)
	if err != nil || n == nil || n.PhoneNumber != num {
		t.Fatalf("%s GetNumber = %+v, %v", p.Name(), n, err)
	}
}

func waitBreaker(t *testing.T, p *resilience.Provider, want gobreaker.State) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for p.BreakerState() != want {
		select {
		case <-ctx.Done():
			t.Fatalf("%s breaker %v, want %v", p.Name(), p.BreakerState(), want)
		case <-tick.C:
		}
	}
}

func TestIntegrationOutageIsolation(t *testing.T) {
	// OpenTimeout leaves room for the 20 checked calls below to run while the
	// breaker is still open on a loaded 2-core -race run (50ms did not).
	w := newWorld(t, resilience.Policy{ConsecutiveFailures: 3, OpenTimeout: 400 * time.Millisecond,
		DefaultTimeout: 300 * time.Millisecond, MaxAttempts: 2})
	mustGet(t, w.fr)
	mustGet(t, w.tx)

	// Flowroute answers 503: its breaker opens; Telnyx keeps working.
	w.frChaos.Set(chaos.Faults{ErrorRate: 1})
	for i := 0; w.fr.BreakerState() == gobreaker.StateClosed; i++ {
		if i == 10 {
			t.Fatal("breaker did not open after 10 failing calls")
		}
		_, err := w.fr.GetNumber(context.Background(), num)
		if c := code(err); c != providers.CodeUnavailable && c != providers.CodeCircuitOpen {
			t.Fatalf("flowroute during 503s: %v", err)
		}
		mustGet(t, w.tx)
	}
	if w.fr.BreakerState() != gobreaker.StateOpen {
		t.Fatalf("flowroute breaker %v", w.fr.BreakerState())
	}
	hits := w.frHits.Load()
	for range 20 {
		_, err := w.fr.GetNumber(context.Background(), num)
		if code(err) != providers.CodeCircuitOpen {
			t.Fatalf("open breaker answered %v", err)
		}
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.RetryAfter <= 0 || pe.Provider != flowroute.Name {
			t.Fatalf("circuit open error %+v", pe)
		}
		mustGet(t, w.tx)
	}
	if w.frHits.Load() != hits {
		t.Fatal("open breaker let requests through to Flowroute")
	}
	if w.tx.BreakerState() != gobreaker.StateClosed {
		t.Fatal("Telnyx breaker moved during the Flowroute outage")
	}

	// Half-open probe into a hang: our default deadline ends it, it counts as
	// a failure and the breaker reopens.
	w.frChaos.Set(chaos.Faults{Hang: true})
	waitBreaker(t, w.fr, gobreaker.StateHalfOpen)
	_, err := w.fr.GetNumber(context.Background(), num)
	if code(err) != providers.CodeUnavailable {
		t.Fatalf("hung probe: %v", err)
	}
	if w.fr.BreakerState() != gobreaker.StateOpen {
		t.Fatalf("hung probe left breaker %v", w.fr.BreakerState())
	}
	mustGet(t, w.tx)

	// Clear the fault: half-open, one good probe, closed.
	w.frChaos.Set(chaos.Faults{})
	waitBreaker(t, w.fr, gobreaker.StateHalfOpen)
	mustGet(t, w.fr)
	if w.fr.BreakerState() != gobreaker.StateClosed {
		t.Fatalf("after a good probe: %v", w.fr.BreakerState())
	}
	mustGet(t, w.fr)
	mustGet(t, w.tx)
}

func TestIntegrationRateLimit(t *testing.T) {
	w := newWorld(t, resilience.Policy{ConsecutiveFailures: 100, MaxAttempts: 3, DefaultTimeout: time.Minute})

	// Telnyx read: 429 Retry-After 2s once → retried after (at least) 2s → ok.
	w.txFake.FailNext(http.StatusTooManyRequests, 1, 2*time.Second)
	mustGet(t, w.tx)
	if d := w.txSleeps.take(); len(d) != 1 || d[0] != 2*time.Second {
		t.Fatalf("telnyx read backoff = %v, want [2s]", d)
	}

	// Telnyx write: surfaces with RetryAfter, not retried.
	w.txFake.FailNext(http.StatusTooManyRequests, 1, 3*time.Second)
	_, err := w.tx.UpdateNumber(context.Background(), providers.NumberUpdate{
		Number: providers.Number{PhoneNumber: num, Tags: []string{"x"}}, Mask: []string{providers.FieldNumberTags}})
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Code != providers.CodeRateLimited || pe.RetryAfter != 3*time.Second {
		t.Fatalf("telnyx write 429 = %v (%+v)", err, pe)
	}
	if d := w.txSleeps.take(); len(d) != 0 {
		t.Fatalf("write was retried: %v", d)
	}

	// Flowroute read behind a permanent chaos 429: every retry waits the
	// Retry-After, then the 429 surfaces.
	w.frChaos.Set(chaos.Faults{RateLimitRate: 1, RetryAfter: 2 * time.Second})
	hits := w.frHits.Load()
	_, err = w.fr.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{})
	if !errors.As(err, &pe) || pe.Code != providers.CodeRateLimited || pe.RetryAfter != 2*time.Second {
		t.Fatalf("flowroute read 429 = %v", err)
	}
	if d := w.frSleeps.take(); len(d) != 2 || d[0] != 2*time.Second || d[1] != 2*time.Second {
		t.Fatalf("flowroute read backoff = %v, want [2s 2s]", d)
	}
	if n := w.frHits.Load() - hits; n != 3 {
		t.Fatalf("flowroute attempts = %d, want 3", n)
	}
	// Flowroute write: one attempt.
	hits = w.frHits.Load()
	_, err = w.fr.CancelPortOrder(context.Background(), "42000")
	if !errors.As(err, &pe) || pe.Code != providers.CodeRateLimited || pe.RetryAfter != 2*time.Second {
		t.Fatalf("flowroute write 429 = %v", err)
	}
	if n := w.frHits.Load() - hits; n != 1 {
		t.Fatalf("flowroute write attempts = %d, want 1", n)
	}

	// A Retry-After beyond the caller's deadline is not slept.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = w.fr.GetNumber(ctx, num)
	if code(err) != providers.CodeRateLimited {
		t.Fatalf("429 with short deadline = %v", err)
	}
	if d := w.frSleeps.take(); len(d) != 0 {
		t.Fatalf("slept past the deadline: %v", d)
	}
}

func TestIntegrationMalformedNeverZeroSuccess(t *testing.T) {
	w := newWorld(t, resilience.Policy{ConsecutiveFailures: 100, MaxAttempts: 3})
	w.frChaos.Set(chaos.Faults{MalformedRate: 1})
	w.txChaos.Set(chaos.Faults{MalformedRate: 1})
	for _, p := range []*resilience.Provider{w.fr, w.tx} {
		n, err := p.GetNumber(context.Background(), num)
		checkMalformed(t, p.Name()+" GetNumber", n == nil, err)
		page, err := p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{})
		checkMalformed(t, p.Name()+" ListNumbers", page == nil, err)
		orders, err := p.ListPortOrders(context.Background(), providers.PortOrderFilter{}, providers.ListQuery{})
		checkMalformed(t, p.Name()+" ListPortOrders", orders == nil, err)
		res, err := p.CheckPortability(context.Background(), []string{num})
		checkMalformed(t, p.Name()+" CheckPortability", res == nil, err)
	}
	if d := w.frSleeps.take(); len(d) != 0 {
		t.Fatalf("malformed responses were retried: %v", d)
	}
}

func checkMalformed(t *testing.T, what string, nilResult bool, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: malformed JSON gave a success", what)
	}
	if c := code(err); c != providers.CodeBadResponse && c != providers.CodeUnavailable {
		t.Fatalf("%s: code %v (%v), want BadResponse or Unavailable", what, c, err)
	}
	if !nilResult {
		t.Fatalf("%s: non-nil result beside the error", what)
	}
}

// TestOversizedResponseIsBadResponse: the capped client's refusal reaches the
// caller as BadResponse (not retried: the same body would come back), for
// both adapters.
func TestOversizedResponseIsBadResponse(t *testing.T) {
	capped := httpx.NewClient(httpx.Options{MaxResponseBytes: 64})
	defer capped.CloseIdleConnections()
	ff := flowroutefake.New(flowroutefake.Options{})
	defer ff.Close()
	fs := httptest.NewServer(ff)
	defer fs.Close()
	tf := telnyxfake.New(telnyxfake.Options{})
	defer tf.Close()
	ts := httptest.NewServer(tf)
	defer ts.Close()
	fr, err := flowroute.New(flowroute.Config{BaseURL: fs.URL, AccessKey: flowroutefake.DefaultAccessKey, SecretKey: flowroutefake.DefaultSecretKey, HTTPClient: capped})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := telnyx.New(telnyx.Config{BaseURL: ts.URL + "/v2", APIKey: "sandbox", HTTPClient: capped})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []providers.Provider{fr, tx} {
		_, err := p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{Limit: 10})
		if code := providers.ErrorCode(err); code != providers.CodeBadResponse {
			t.Errorf("%s: oversized body: %v (%v), want BadResponse", p.Name(), code, err)
		}
	}
}
