package telnyxevents

import (
	"context"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// DefaultSweepLookback is how far back a reconciliation sweep reads.
const DefaultSweepLookback = 24 * time.Hour

// SweepTelnyx reads every porting event created in [now-lookback, now]
// through src (the resilience-wrapped Telnyx provider, so its breaker,
// bulkhead and retries apply) and stores those no webhook brought (the same event id is stored once,
// whichever way it came). It returns how many were new.
func SweepTelnyx(ctx context.Context, st store.Store, src providers.PortingEventLister, lookback time.Duration, now time.Time) (int, error) {
	if lookback <= 0 {
		lookback = DefaultSweepLookback
	}
	evs, err := src.ListPortingEvents(ctx, providers.PortingEventsQuery{CreatedAfter: now.Add(-lookback)})
	if err != nil {
		return 0, err
	}
	n := 0
	// The API answers newest first; store oldest first.
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		ev := TelnyxEvent(TelnyxRecord{ID: e.ID, EventType: e.EventType, CreatedAt: e.CreatedAt, PortingOrderID: e.PortingOrderID, Payload: e.Payload}, now)
		_, isNew, err := appendTelnyx(ctx, st, ev)
		if err != nil {
			return n, err
		}
		if isNew {
			n++
		}
	}
	return n, nil
}
