package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// Snapshot is what portgate remembers of an order between re-reads (stored
// as JSON in port_orders.snapshot). Only these fields produce events.
type Snapshot struct {
	State          string            `json:"state"`
	ProviderStatus string            `json:"provider_status"`
	FOCDate        string            `json:"foc_date,omitempty"`
	Numbers        []string          `json:"numbers,omitempty"`
	Exception      *events.Exception `json:"exception,omitempty"`
	UpdateTime     string            `json:"update_time,omitempty"`
}

// SnapshotOf is the snapshot of a provider's order.
func SnapshotOf(o *providers.PortOrder) Snapshot {
	s := Snapshot{State: o.State.String(), ProviderStatus: o.ProviderStatus, Numbers: slices.Sorted(slices.Values(o.PhoneNumbers))}
	if !o.ConfirmedFOCTime.IsZero() {
		s.FOCDate = o.ConfirmedFOCTime.UTC().Format(time.RFC3339)
	}
	if o.State == providers.StateException {
		s.Exception = &events.Exception{}
		if len(o.StateDetails) > 0 {
			s.Exception.Code, s.Exception.Message = o.StateDetails[0].Code, o.StateDetails[0].Description
		}
	}
	if !o.UpdateTime.IsZero() {
		s.UpdateTime = o.UpdateTime.UTC().Format(time.RFC3339Nano)
	}
	return s
}

// Diff returns the events that going from old (nil = never seen) to cur
// shows, with deterministic ids: the same change seen twice (two callbacks,
// a callback and the poller, two replicas) is stored once.
func Diff(provider, orderName string, old *Snapshot, cur Snapshot, now time.Time) []store.Event {
	occurred := now
	if t, err := time.Parse(time.RFC3339Nano, cur.UpdateTime); err == nil {
		occurred = t
	}
	var out []store.Event
	add := func(typ string, p events.Payload, key ...string) {
		id := DerivedID(append([]string{orderName, typ, cur.UpdateTime}, key...)...)
		raw, _ := json.Marshal(cur)
		p.Raw = raw
		out = append(out, store.Event{Provider: provider, EventID: id, OrderName: orderName, Type: typ,
			Payload: MarshalPayload(p), OccurredAt: occurred, ReceivedAt: now})
	}
	var prev Snapshot
	if old != nil {
		prev = *old
	}
	if old == nil || prev.ProviderStatus != cur.ProviderStatus || prev.State != cur.State {
		typ := events.TypeStateChanged
		if cur.Exception != nil && (prev.Exception == nil || *prev.Exception != *cur.Exception || prev.State != cur.State) {
			typ = events.TypeExceptionRaised
		}
		add(typ, events.Payload{OldState: prev.State, NewState: cur.State, ProviderStatus: cur.ProviderStatus, FOCDate: cur.FOCDate, Exception: cur.Exception},
			prev.ProviderStatus, cur.ProviderStatus)
	}
	if cur.FOCDate != "" && prev.FOCDate != cur.FOCDate {
		add(events.TypeFOCDateChanged, events.Payload{ProviderStatus: cur.ProviderStatus, FOCDate: cur.FOCDate, NewState: cur.State}, cur.FOCDate)
	}
	if old != nil && !slices.Equal(prev.Numbers, cur.Numbers) {
		nums, _ := json.Marshal(cur.Numbers)
		add(events.TypeNumbersChanged, events.Payload{ProviderStatus: cur.ProviderStatus, NewState: cur.State}, string(nums))
	}
	return out
}

// Rereader re-reads orders through a provider and stores what changed.
type Rereader struct {
	Store    store.Store
	Provider providers.Provider
	Now      func() time.Time
}

// ErrOrderGone is returned by Reread when the provider no longer knows the
// order (the order is closed in port_orders).
var ErrOrderGone = errors.New("ingest: the provider does not know the order")

// Reread reads order id, stores the events its change since the last
// snapshot shows, then the new snapshot (events first: a crash in between
// re-derives the same events, which dedupe). It returns how many events
// were new.
func (r *Rereader) Reread(ctx context.Context, id string) (int, error) {
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	name := OrderName(r.Provider.Name(), id)
	o, err := r.Provider.GetPortOrder(ctx, id)
	if err != nil {
		var pe *providers.Error
		if errors.As(err, &pe) && pe.Code == providers.CodeNotFound {
			if tr, gerr := r.Store.GetTrackedOrder(ctx, name); gerr == nil && tr.Open {
				_ = r.Store.PutSnapshot(ctx, name, r.Provider.Name(), tr.Snapshot, false, now)
			}
			return 0, ErrOrderGone
		}
		return 0, err
	}
	var old *Snapshot
	tr, err := r.Store.GetTrackedOrder(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return 0, err
	case tr.Snapshot != nil:
		var s Snapshot
		if json.Unmarshal(tr.Snapshot, &s) == nil {
			old = &s
		}
	}
	cur := SnapshotOf(o)
	n := 0
	for _, e := range Diff(r.Provider.Name(), name, old, cur, now) {
		_, isNew, err := r.Store.AppendEvent(ctx, e)
		if err != nil {
			return n, err
		}
		if isNew {
			n++
		}
	}
	b, _ := MarshalSnapshot(cur)
	if err := r.Store.PutSnapshot(ctx, name, r.Provider.Name(), b, !o.State.Terminal(), now); err != nil {
		return n, err
	}
	return n, nil
}

func MarshalSnapshot(s Snapshot) ([]byte, error) { return json.Marshal(s) }
