package ingest

import (
	"context"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// CallbackProvider wraps a provider so that orders created (or updated)
// through portgate report to portgate, not to the caller: the provider gets
// HookURL() as the order's status_url / webhook_url, and the caller's
// status_callback_uri is kept in the store (port_orders.callback_uri), where
// outbound delivery reads it. Orders it returns show the caller's URL again.
type CallbackProvider struct {
	providers.Provider
	Store store.Store
	// HookURL is portgate's own callback URL for this provider; "" = none
	// (the order gets no provider callback; pollers and sweeps still see it).
	HookURL func() string
	Now     func() time.Time
}

func (c *CallbackProvider) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *CallbackProvider) hook() string {
	if c.HookURL == nil {
		return ""
	}
	return c.HookURL()
}

// CreatePortOrder tracks the new orders with the caller's callback URL and
// their first snapshot (so the first re-read diffs against it).
func (c *CallbackProvider) CreatePortOrder(ctx context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	caller := req.Order.StatusCallbackURL
	req.Order.StatusCallbackURL = c.hook()
	res, err := c.Provider.CreatePortOrder(ctx, req)
	if err != nil || res == nil {
		return res, err
	}
	// The provider accepted the write: a store failure here must not turn
	// it into an error (the poller and sweeps track the order anyway).
	now := c.now()
	for _, o := range append([]*providers.PortOrder{res.Order}, res.Related...) {
		if o == nil {
			continue
		}
		name := OrderName(c.Name(), o.ID)
		_ = c.Store.TrackOrder(ctx, name, c.Name(), caller, now)
		if snap, err := MarshalSnapshot(SnapshotOf(o)); err == nil {
			if tr, gerr := c.Store.GetTrackedOrder(ctx, name); gerr == nil && tr.Snapshot == nil {
				_ = c.Store.PutSnapshot(ctx, name, c.Name(), snap, !o.State.Terminal(), now)
			}
		}
		o.StatusCallbackURL = caller
	}
	return res, nil
}

// UpdatePortOrder keeps a new status_callback_uri for portgate's delivery
// and sends the provider portgate's own URL instead.
func (c *CallbackProvider) UpdatePortOrder(ctx context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	for _, f := range upd.Mask {
		if f == providers.FieldStatusCallbackURL {
			caller := upd.Order.StatusCallbackURL
			upd.Order.StatusCallbackURL = c.hook()
			o, err := c.Provider.UpdatePortOrder(ctx, upd)
			if err == nil {
				// An empty URL clears the stored one.
				_ = c.Store.SetOrderCallback(ctx, OrderName(c.Name(), upd.ID), caller)
			}
			return c.fix(ctx, o), err
		}
	}
	o, err := c.Provider.UpdatePortOrder(ctx, upd)
	return c.fix(ctx, o), err
}

// fix shows the caller's URL where the provider reports portgate's.
func (c *CallbackProvider) fix(ctx context.Context, o *providers.PortOrder) *providers.PortOrder {
	if o == nil {
		return nil
	}
	if h := c.hook(); o.StatusCallbackURL != "" && o.StatusCallbackURL == h {
		o.StatusCallbackURL = ""
		if tr, err := c.Store.GetTrackedOrder(ctx, OrderName(c.Name(), o.ID)); err == nil {
			o.StatusCallbackURL = tr.CallbackURI
		}
	}
	return o
}

func (c *CallbackProvider) GetPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	o, err := c.Provider.GetPortOrder(ctx, id)
	return c.fix(ctx, o), err
}

func (c *CallbackProvider) ListPortOrders(ctx context.Context, f providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	p, err := c.Provider.ListPortOrders(ctx, f, q)
	if p != nil {
		for _, o := range p.Orders {
			c.fix(ctx, o)
		}
	}
	return p, err
}

func (c *CallbackProvider) SubmitPortOrder(ctx context.Context, id string, sig providers.Signature) (*providers.PortOrder, error) {
	o, err := c.Provider.SubmitPortOrder(ctx, id, sig)
	return c.fix(ctx, o), err
}

func (c *CallbackProvider) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	o, err := c.Provider.CancelPortOrder(ctx, id)
	return c.fix(ctx, o), err
}
