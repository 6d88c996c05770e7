package telnyxevents

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/portgate/portgate/internal/ingest"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// appendTelnyx stores a Telnyx event. Telnyx's status events carry the new
// status only: a state change (STATE_CHANGED, EXCEPTION_RAISED) gets its old
// state from the order's stored snapshot, and then moves the snapshot on to
// the new state, so the next change — by webhook or by the sweep, whichever
// comes first — has its old state too. An event older than the snapshot
// (the sweep finding one a later webhook already overtook) is stored as it
// is and leaves the snapshot alone. The event is stored before the
// snapshot moves: a failure in between makes the provider (or the next
// sweep) bring the event again, which dedupes and moves the snapshot then.
func appendTelnyx(ctx context.Context, st store.Store, ev store.Event) (int64, bool, error) {
	if ev.Type != events.TypeStateChanged && ev.Type != events.TypeExceptionRaised {
		return st.AppendEvent(ctx, ev)
	}
	var p events.Payload
	if json.Unmarshal(ev.Payload, &p) != nil {
		return st.AppendEvent(ctx, ev)
	}
	tr, err := st.GetTrackedOrder(ctx, ev.OrderName)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, false, err
	}
	var snap ingest.Snapshot
	have := err == nil && tr.Snapshot != nil && json.Unmarshal(tr.Snapshot, &snap) == nil
	if have {
		if t, perr := time.Parse(time.RFC3339Nano, snap.UpdateTime); perr == nil && ev.OccurredAt.Before(t) {
			return st.AppendEvent(ctx, ev) // older than what portgate knows
		}
		if p.OldState == "" && snap.State != "" {
			p.OldState = snap.State
			ev.Payload = ingest.MarshalPayload(p)
		}
	}
	seq, isNew, err := st.AppendEvent(ctx, ev)
	if err != nil {
		return seq, isNew, err
	}
	next := snap
	if p.NewState != "" {
		next.State = p.NewState
	}
	next.ProviderStatus, next.Exception = p.ProviderStatus, p.Exception
	if have && next.State == snap.State && next.ProviderStatus == snap.ProviderStatus && sameException(next.Exception, snap.Exception) {
		return seq, isNew, nil // nothing moved: spare the write
	}
	snap = next
	snap.UpdateTime = ev.OccurredAt.UTC().Format(time.RFC3339Nano)
	open := p.ProviderStatus != "deleted"
	if s, ok := providers.ParseState(snap.State); ok && s.Terminal() {
		open = false
	}
	b, _ := ingest.MarshalSnapshot(snap)
	return seq, isNew, st.PutSnapshot(ctx, ev.OrderName, telnyx.Name, b, open, ev.ReceivedAt)
}

func sameException(a, b *events.Exception) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}
