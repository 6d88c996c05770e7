package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Forwarding of the number-buying interfaces (issue 14, slice buy). The
// decorator implements both NumberOrderer and NumberPurchaser; Unwrap lets
// providers.Implements and the portable client see which one the driver
// really has.

var (
	_ providers.NumberOrderer   = (*CallbackProvider)(nil)
	_ providers.NumberPurchaser = (*CallbackProvider)(nil)
	_ providers.NumberReleaser  = (*CallbackProvider)(nil)
	_ providers.Wrapper         = (*CallbackProvider)(nil)
)

// Unwrap returns the decorated driver (providers.Wrapper).
func (c *CallbackProvider) Unwrap() providers.Provider { return c.Provider }

func (c *CallbackProvider) CreateNumberOrder(ctx context.Context, req providers.NumberOrderRequest) (*providers.NumberOrder, error) {
	m, ok := c.Provider.(providers.NumberOrderer)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateNumberOrder)
	}
	return m.CreateNumberOrder(ctx, req)
}

func (c *CallbackProvider) GetNumberOrder(ctx context.Context, id string) (*providers.NumberOrder, error) {
	m, ok := c.Provider.(providers.NumberOrderer)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetNumberOrder)
	}
	return m.GetNumberOrder(ctx, id)
}

func (c *CallbackProvider) ListNumberOrders(ctx context.Context, q providers.ListQuery) (*providers.NumberOrderPage, error) {
	m, ok := c.Provider.(providers.NumberOrderer)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListNumberOrders)
	}
	return m.ListNumberOrders(ctx, q)
}

func (c *CallbackProvider) PurchaseNumber(ctx context.Context, p providers.NumberPurchase) (*providers.NumberPurchaseResult, error) {
	m, ok := c.Provider.(providers.NumberPurchaser)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateNumberOrder)
	}
	return m.PurchaseNumber(ctx, p)
}

func (c *CallbackProvider) ReleaseNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.Provider.(providers.NumberReleaser)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpReleaseNumber)
	}
	return m.ReleaseNumber(ctx, e164)
}
