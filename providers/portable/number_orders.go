package portable

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// NumberOrderID is the shape of every number order id: Telnyx's order ids
// and the ids portgate gives orders it synthesizes are UUIDs.
var NumberOrderID = providers.UUIDShape

// NumberOrderer returns the driver's provider-kept orders, when it has them
// (Telnyx). A driver without (Flowroute) buys number by number: see
// PurchaseNumber.
func (c *Client) NumberOrderer() bool {
	return providers.KeepsNumberOrders(c.drv) && c.caps.Supports(providers.OpCreateNumberOrder)
}

// CreateNumberOrder places a provider-kept order (providers.NumberOrderer).
// It is never retried: a purchase the provider may have accepted must not
// be sent twice (the service's request_id layer answers repeats).
func (c *Client) CreateNumberOrder(ctx context.Context, req providers.NumberOrderRequest) (*providers.NumberOrder, error) {
	m, ok := c.drv.(providers.NumberOrderer)
	if !ok {
		return nil, c.missing(providers.OpCreateNumberOrder)
	}
	if len(req.PhoneNumbers) == 0 {
		return nil, c.invalid("number_order.phone_numbers", "at least one number is required")
	}
	if err := c.checkNumbers("number_order.phone_numbers", req.PhoneNumbers); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpCreateNumberOrder, func(ctx context.Context) (*providers.NumberOrder, error) {
		return m.CreateNumberOrder(ctx, req)
	})
}

// GetNumberOrder reads a provider-kept order.
func (c *Client) GetNumberOrder(ctx context.Context, id string) (*providers.NumberOrder, error) {
	m, ok := c.drv.(providers.NumberOrderer)
	if !ok {
		return nil, c.missing(providers.OpGetNumberOrder)
	}
	if err := NumberOrderID.Check(c.name, "number order", id); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpGetNumberOrder, func(ctx context.Context) (*providers.NumberOrder, error) {
		return m.GetNumberOrder(ctx, id)
	})
}

// ListNumberOrders lists provider-kept orders.
func (c *Client) ListNumberOrders(ctx context.Context, q providers.ListQuery) (*providers.NumberOrderPage, error) {
	m, ok := c.drv.(providers.NumberOrderer)
	if !ok {
		return nil, c.missing(providers.OpListNumberOrders)
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListNumberOrders, func(ctx context.Context) (*providers.NumberOrderPage, error) {
		return m.ListNumberOrders(ctx, q)
	})
}

// PurchaseNumber buys one number (providers.NumberPurchaser), under
// OpCreateNumberOrder's capability and policy. Never retried.
func (c *Client) PurchaseNumber(ctx context.Context, p providers.NumberPurchase) (*providers.NumberPurchaseResult, error) {
	m, ok := c.drv.(providers.NumberPurchaser)
	if !ok {
		return nil, c.missing(providers.OpCreateNumberOrder)
	}
	if err := c.checkNumbers("phone_number", []string{p.PhoneNumber}); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpCreateNumberOrder, func(ctx context.Context) (*providers.NumberPurchaseResult, error) {
		return m.PurchaseNumber(ctx, p)
	})
}

// ReleaseNumber releases a number (providers.NumberReleaser). Never retried.
func (c *Client) ReleaseNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.drv.(providers.NumberReleaser)
	if !ok {
		return nil, c.missing(providers.OpReleaseNumber)
	}
	if err := c.checkNumbers("name", []string{e164}); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpReleaseNumber, func(ctx context.Context) (*providers.Number, error) {
		return m.ReleaseNumber(ctx, e164)
	})
}

func (c *Client) checkNumbers(field string, numbers []string) error {
	for _, n := range numbers {
		if !providers.E164Shape.Valid(n) {
			return c.invalid(field, "%q is not an E.164 number", n)
		}
	}
	return nil
}
