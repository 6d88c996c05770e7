package ingest

import (
	"context"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// Issue 14, slice portin: CallbackProvider forwards the port-in optional
// interfaces, and a rescheduled FOC is an event. Neither provider sends
// one (Telnyx has no FOC-date webhook type, Flowroute has no reschedule),
// so the write itself records FOC_DATE_CHANGED, foc_time = the newly
// requested FOC time. Its id is derived from the order and the time, so a
// retried reschedule stores it once.

func (c *CallbackProvider) ReschedulePortOrder(ctx context.Context, id string, foc time.Time) (*providers.PortOrder, error) {
	m, ok := c.Provider.(providers.Rescheduler)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpReschedulePortOrder)
	}
	o, err := m.ReschedulePortOrder(ctx, id, foc)
	if err != nil {
		return nil, err
	}
	c.recordReschedule(ctx, o, foc)
	return c.fix(ctx, o), nil
}

// recordReschedule stores FOC_DATE_CHANGED for an accepted reschedule. A
// store failure is not the caller's failure: the provider accepted it.
func (c *CallbackProvider) recordReschedule(ctx context.Context, o *providers.PortOrder, foc time.Time) {
	if o == nil || c.Store == nil {
		return
	}
	name := OrderName(c.Name(), o.ID)
	at := foc.UTC().Format(time.RFC3339)
	now := c.now()
	p := events.Payload{ProviderStatus: o.ProviderStatus, FOCDate: at, NewState: o.State.String()}
	_, _, _ = c.Store.AppendEvent(ctx, store.Event{Provider: c.Name(), EventID: DerivedID(name, events.TypeFOCDateChanged, "requested", at),
		OrderName: name, Type: events.TypeFOCDateChanged, Payload: MarshalPayload(p), OccurredAt: now, ReceivedAt: now})
}

func (c *CallbackProvider) ActivatePortOrder(ctx context.Context, id string, at time.Time) (*providers.PortOrder, error) {
	m, ok := c.Provider.(providers.Activator)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpActivatePortOrder)
	}
	o, err := m.ActivatePortOrder(ctx, id, at)
	return c.fix(ctx, o), err
}

func (c *CallbackProvider) SupplyPortOrderRequirements(ctx context.Context, id string, upd providers.RequirementsUpdate) (*providers.PortOrder, error) {
	m, ok := c.Provider.(providers.RequirementSupplier)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpSupplyPortOrderRequirements)
	}
	o, err := m.SupplyPortOrderRequirements(ctx, id, upd)
	return c.fix(ctx, o), err
}
