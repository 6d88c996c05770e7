package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Port-out and LOA forwards (see forward.go).

func (c *CallbackProvider) ListPortOuts(ctx context.Context, f providers.PortOutFilter, q providers.ListQuery) (*providers.PortOutPage, error) {
	m, ok := c.Provider.(providers.PortOutManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListPortOuts)
	}
	return m.ListPortOuts(ctx, f, q)
}

func (c *CallbackProvider) GetPortOut(ctx context.Context, id string) (*providers.PortOut, error) {
	m, ok := c.Provider.(providers.PortOutManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetPortOut)
	}
	return m.GetPortOut(ctx, id)
}

func (c *CallbackProvider) DecidePortOut(ctx context.Context, d providers.PortOutDecision) (*providers.PortOut, error) {
	m, ok := c.Provider.(providers.PortOutManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpDecidePortOut)
	}
	return m.DecidePortOut(ctx, d)
}

func (c *CallbackProvider) GetPortOrderLOA(ctx context.Context, orderID, configurationID string) (*providers.LOA, error) {
	m, ok := c.Provider.(providers.LOARenderer)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetPortOrderLOA)
	}
	return m.GetPortOrderLOA(ctx, orderID, configurationID)
}
