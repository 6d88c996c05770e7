package telnyxevents

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/providers/resilience"
)

// downEvents is a provider whose events API is down (503s).
type downEvents struct {
	providers.Unimplemented
	calls atomic.Int64
}

func (*downEvents) Name() string                         { return "telnyx" }
func (*downEvents) Capabilities() providers.Capabilities { return providers.Capabilities{} }
func (d *downEvents) ListPortingEvents(context.Context, providers.PortingEventsQuery) ([]providers.PortingEvent, error) {
	d.calls.Add(1)
	return nil, &providers.Error{Code: providers.CodeUnavailable, Provider: "telnyx", Message: "HTTP 503"}
}

// The sweep goes through the resilience wrapper: once the breaker is open it
// stops calling the provider (answers CIRCUIT_OPEN at once), as every other
// call does.
func TestTelnyxSweepStopsAtOpenBreaker(t *testing.T) {
	st, err := store.OpenSQLite(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw := &downEvents{Unimplemented: providers.Unimplemented{ProviderName: "telnyx"}}
	pol := resilience.DefaultPolicy()
	pol.ConsecutiveFailures, pol.MaxAttempts, pol.OpenTimeout = 2, 1, time.Hour
	wrapped := portable.New(raw, portable.WithResilience(resilience.Wrap(raw, pol)))
	job, ok := SweepJob(st, wrapped, time.Hour, time.Minute, slog.New(slog.DiscardHandler))
	if !ok {
		t.Fatal("no sweep job for a provider with an events API")
	}
	for range 5 {
		if err := job.Run(context.Background()); err == nil {
			t.Fatal("sweep succeeded against a down events API")
		}
	}
	if n := raw.calls.Load(); n != 2 {
		t.Fatalf("provider called %d times, want 2 (then the breaker opens)", n)
	}
	if err := job.Run(context.Background()); providers.ErrorCode(err) != providers.CodeCircuitOpen {
		t.Fatalf("open breaker: %v", err)
	}
}
