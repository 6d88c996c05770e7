package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness serves ok behind the injector and counts what reached ok.
type harness struct {
	inj     *Injector
	srv     *httptest.Server
	reached atomic.Int64
	entered chan struct{} // one value per request the server started handling
	done    chan struct{} // one value per finished request (wrapped handler returned)
}

func newHarness(t *testing.T, f Faults, seed int64) *harness {
	t.Helper()
	h := &harness{inj: New(f, seed), entered: make(chan struct{}, 1024), done: make(chan struct{}, 1024)}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"id":"1"}}`)
	})
	wrapped := h.inj.Wrap(ok)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.entered <- struct{}{}
		defer func() { h.done <- struct{}{} }()
		wrapped.ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

type result struct {
	status     int
	body       string
	retryAfter string
	err        error
}

func (h *harness) get(ctx context.Context) result {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+"/v2/numbers", nil)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: string(b), retryAfter: resp.Header.Get("Retry-After"), err: err}
}

func TestNoFaultsPassThrough(t *testing.T) {
	h := newHarness(t, Faults{}, 1)
	for range 20 {
		if r := h.get(context.Background()); r.err != nil || r.status != 200 || r.body != `{"data":{"id":"1"}}` {
			t.Fatalf("got %+v", r)
		}
	}
	if h.reached.Load() != 20 {
		t.Fatalf("reached = %d", h.reached.Load())
	}
}

func TestErrorRate(t *testing.T) {
	h := newHarness(t, Faults{ErrorRate: 1}, 1)
	r := h.get(context.Background())
	if r.status != http.StatusServiceUnavailable || r.body != Body503 {
		t.Fatalf("got %+v", r)
	}
	var env struct {
		Errors []struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || len(env.Errors) != 1 || env.Errors[0].Status != 503 || env.Errors[0].Detail != "chaos" {
		t.Fatalf("body %q: %+v %v", r.body, env, err)
	}
	if h.reached.Load() != 0 {
		t.Fatal("failed request reached the handler")
	}

	// A fractional rate fails some, passes others, reproducibly per seed.
	seq := func(seed int64) string {
		h := newHarness(t, Faults{ErrorRate: 0.5}, seed)
		var b strings.Builder
		for range 200 {
			if h.get(context.Background()).status == 503 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, c := seq(42), seq(42), seq(43)
	if a != b {
		t.Fatal("same seed, different fault sequence")
	}
	if a == c {
		t.Fatal("different seeds, same fault sequence")
	}
	if n := strings.Count(a, "x"); n < 60 || n > 140 {
		t.Fatalf("%d of 200 failed at rate 0.5", n)
	}
}

func TestErrorBurst(t *testing.T) {
	h := newHarness(t, Faults{ErrorBurst: 3}, 1)
	for i := range 3 {
		if r := h.get(context.Background()); r.status != 503 {
			t.Fatalf("request %d: %+v", i, r)
		}
		if left := h.inj.Faults().ErrorBurst; left != 2-i {
			t.Fatalf("burst left = %d", left)
		}
	}
	for range 3 {
		if r := h.get(context.Background()); r.status != 200 {
			t.Fatalf("after burst: %+v", r)
		}
	}
	h.inj.Set(Faults{ErrorBurst: 1})
	if r := h.get(context.Background()); r.status != 503 {
		t.Fatalf("Set did not restart the burst: %+v", r)
	}
}

func TestReset(t *testing.T) {
	h := newHarness(t, Faults{ResetRate: 1}, 1)
	r := h.get(context.Background())
	if r.err == nil {
		t.Fatalf("reset answered %+v", r)
	}
	if h.reached.Load() != 0 {
		t.Fatal("reset request reached the handler")
	}
}

func TestHangReturnsWhenClientGivesUp(t *testing.T) {
	h := newHarness(t, Faults{Hang: true}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan result, 1)
	go func() { got <- h.get(ctx) }()
	<-h.entered
	select {
	case r := <-got:
		t.Fatalf("hang answered: %+v", r)
	case <-h.done:
		t.Fatal("hanging handler returned before the client gave up")
	default:
	}
	cancel()
	if r := <-got; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("client err = %v", r.err)
	}
	waitDone(t, h)
	if h.reached.Load() != 0 {
		t.Fatal("hung request reached the handler")
	}
	// Clearing the fault at runtime restores service.
	h.inj.Set(Faults{})
	if r := h.get(context.Background()); r.status != 200 {
		t.Fatalf("after Set: %+v", r)
	}
}

func waitDone(t *testing.T, h *harness) {
	t.Helper()
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler still running after the client went away")
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Faults{Latency: 20 * time.Millisecond, Jitter: 5 * time.Millisecond}, 1)
	start := time.Now()
	if r := h.get(context.Background()); r.status != 200 {
		t.Fatalf("got %+v", r)
	}
	<-h.entered
	waitDone(t, h)
	if el := time.Since(start); el < 20*time.Millisecond {
		t.Fatalf("answered after %v, before the 20ms latency", el)
	}
	// A long delay ends with the client.
	h.inj.Set(Faults{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan result, 1)
	go func() { got <- h.get(ctx) }()
	<-h.entered
	cancel()
	<-got
	waitDone(t, h)
	if h.reached.Load() != 1 {
		t.Fatalf("reached = %d: the cancelled request was handled", h.reached.Load())
	}
}

func TestRateLimit(t *testing.T) {
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{{2 * time.Second, "2"}, {1500 * time.Millisecond, "2"}, {0, "1"}} {
		h := newHarness(t, Faults{RateLimitRate: 1, RetryAfter: tc.after}, 1)
		r := h.get(context.Background())
		if r.status != http.StatusTooManyRequests || r.retryAfter != tc.want || r.body != Body429 {
			t.Fatalf("RetryAfter %v: got %+v, want 429 Retry-After %s", tc.after, r, tc.want)
		}
	}
}

func TestMalformed(t *testing.T) {
	h := newHarness(t, Faults{MalformedRate: 1}, 1)
	r := h.get(context.Background())
	if r.status != 200 {
		t.Fatalf("got %+v", r)
	}
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err == nil {
		t.Fatalf("malformed body parsed: %q", r.body)
	}
}

func TestParse(t *testing.T) {
	spec := "latency=200ms,jitter=50ms,error_rate=0.2,burst=5,reset_rate=0.1,hang=true,ratelimit_rate=0.5,retry_after=2s,malformed_rate=0.1"
	f, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := Faults{Latency: 200 * time.Millisecond, Jitter: 50 * time.Millisecond, ErrorRate: 0.2, ErrorBurst: 5,
		ResetRate: 0.1, Hang: true, RateLimitRate: 0.5, RetryAfter: 2 * time.Second, MalformedRate: 0.1}
	if f != want {
		t.Fatalf("Parse = %+v, want %+v", f, want)
	}
	if f.String() != spec {
		t.Fatalf("String = %q, want %q", f.String(), spec)
	}
	for _, f := range []Faults{{}, want, {ErrorRate: 1}, {Hang: true}, {Latency: 1500 * time.Microsecond, RetryAfter: time.Minute}, {MalformedRate: 0.333}} {
		got, err := Parse(f.String())
		if err != nil || got != f {
			t.Errorf("round trip %+v → %q → %+v, %v", f, f.String(), got, err)
		}
	}
	if f, err := Parse(" error_rate = 1 , burst=2 "); err != nil || f != (Faults{ErrorRate: 1, ErrorBurst: 2}) {
		t.Errorf("spaces: %+v %v", f, err)
	}
	for _, bad := range []string{
		"lag=1s", "error_rate", "error_rate=2", "error_rate=-0.1", "error_rate=NaN", "latency=-1s", "latency=fast",
		"burst=-1", "burst=x", "hang=maybe", "burst=1,burst=2", "=1", "error_rate=0.1,,burst=1",
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Parse("lag=1s"); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Errorf("unknown key error = %v", err)
	}
}
