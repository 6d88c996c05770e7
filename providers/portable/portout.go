package portable

import (
	"context"
	"strings"

	"github.com/portgate/portgate/providers"
)

// portOutManager is the driver's port-out API, or the capability error.
func (c *Client) portOutManager(op providers.Operation) (providers.PortOutManager, error) {
	m, ok := c.drv.(providers.PortOutManager)
	if !ok || !c.caps.Supports(op) {
		return nil, c.missing(op)
	}
	return m, nil
}

func (c *Client) requirePortOutID(id string) error {
	if id == "" {
		return c.invalid("id", "a port-out id is required")
	}
	return nil
}

// ListPortOuts returns one window of port-outs (providers.PortOutManager).
func (c *Client) ListPortOuts(ctx context.Context, filter providers.PortOutFilter, q providers.ListQuery) (*providers.PortOutPage, error) {
	m, err := c.portOutManager(providers.OpListPortOuts)
	if err != nil {
		return nil, err
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListPortOuts, func(ctx context.Context) (*providers.PortOutPage, error) {
		return m.ListPortOuts(ctx, filter, q)
	})
}

// GetPortOut returns CodeNotFound for an unknown id.
func (c *Client) GetPortOut(ctx context.Context, id string) (*providers.PortOut, error) {
	m, err := c.portOutManager(providers.OpGetPortOut)
	if err != nil {
		return nil, err
	}
	if err := c.requirePortOutID(id); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpGetPortOut, func(ctx context.Context) (*providers.PortOut, error) {
		return m.GetPortOut(ctx, id)
	})
}

// DecidePortOut authorizes or rejects a port-out. It is a write: the
// resilience layer never retries it (OpDecidePortOut is not idempotent).
func (c *Client) DecidePortOut(ctx context.Context, d providers.PortOutDecision) (*providers.PortOut, error) {
	m, err := c.portOutManager(providers.OpDecidePortOut)
	if err != nil {
		return nil, err
	}
	if err := c.requirePortOutID(d.ID); err != nil {
		return nil, err
	}
	if !d.Authorize && strings.TrimSpace(d.Reason) == "" {
		return nil, c.invalid("reason", "a reason is required to reject a port-out")
	}
	if d.RejectionCode < 0 {
		return nil, c.invalid("rejection_code", "must not be negative")
	}
	if d.Authorize && d.RejectionCode != 0 {
		return nil, c.invalid("rejection_code", "only a rejection carries a rejection code")
	}
	return run(c, ctx, providers.OpDecidePortOut, func(ctx context.Context) (*providers.PortOut, error) {
		return m.DecidePortOut(ctx, d)
	})
}

// GetPortOrderLOA renders an order's LOA (providers.LOARenderer).
func (c *Client) GetPortOrderLOA(ctx context.Context, orderID, configurationID string) (*providers.LOA, error) {
	m, ok := c.drv.(providers.LOARenderer)
	if !ok || !c.caps.Supports(providers.OpGetPortOrderLOA) {
		return nil, c.missing(providers.OpGetPortOrderLOA)
	}
	if err := c.requireID(orderID); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpGetPortOrderLOA, func(ctx context.Context) (*providers.LOA, error) {
		return m.GetPortOrderLOA(ctx, orderID, configurationID)
	})
}
