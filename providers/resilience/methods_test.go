package resilience

// Pass-through methods so the tests can drive a *Provider like a
// providers.Provider. Production callers go through providers/portable.

import (
	"context"

	"github.com/portgate/portgate/providers"
)

var _ providers.Provider = (*Provider)(nil)

// CheckPortability is a read: retried.
func (p *Provider) CheckPortability(ctx context.Context, numbers []string) ([]providers.PortabilityResult, error) {
	return call(p, ctx, providers.OpCheckPortability, func(ctx context.Context) ([]providers.PortabilityResult, error) {
		return p.inner.CheckPortability(ctx, numbers)
	})
}

// CreatePortOrder is a write: never retried.
func (p *Provider) CreatePortOrder(ctx context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	return call(p, ctx, providers.OpCreatePortOrder, func(ctx context.Context) (*providers.CreatePortOrderResult, error) {
		return p.inner.CreatePortOrder(ctx, req)
	})
}

// GetPortOrder is a read: retried.
func (p *Provider) GetPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	return call(p, ctx, providers.OpGetPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return p.inner.GetPortOrder(ctx, id)
	})
}

// ListPortOrders is a read: retried.
func (p *Provider) ListPortOrders(ctx context.Context, filter providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	return call(p, ctx, providers.OpListPortOrders, func(ctx context.Context) (*providers.PortOrderPage, error) {
		return p.inner.ListPortOrders(ctx, filter, q)
	})
}

// UpdatePortOrder is a write: never retried.
func (p *Provider) UpdatePortOrder(ctx context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	return call(p, ctx, providers.OpUpdatePortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return p.inner.UpdatePortOrder(ctx, upd)
	})
}

// ModifyPortOrderNumbers is a write: never retried.
func (p *Provider) ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	return call(p, ctx, providers.OpModifyPortOrderNumbers, func(ctx context.Context) (*providers.PortOrder, error) {
		return p.inner.(providers.PortOrderNumberModifier).ModifyPortOrderNumbers(ctx, id, add, remove)
	})
}

// SubmitPortOrder is a write: never retried.
func (p *Provider) SubmitPortOrder(ctx context.Context, id string, sig providers.Signature) (*providers.PortOrder, error) {
	return call(p, ctx, providers.OpSubmitPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return p.inner.SubmitPortOrder(ctx, id, sig)
	})
}

// CancelPortOrder is a write: never retried.
func (p *Provider) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	return call(p, ctx, providers.OpCancelPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return p.inner.CancelPortOrder(ctx, id)
	})
}

// ListComments is a read: retried.
func (p *Provider) ListComments(ctx context.Context, orderID string) ([]providers.Comment, error) {
	return call(p, ctx, providers.OpListComments, func(ctx context.Context) ([]providers.Comment, error) {
		return p.inner.(providers.Commenter).ListComments(ctx, orderID)
	})
}

// CreateComment is a write: never retried.
func (p *Provider) CreateComment(ctx context.Context, orderID, body string) (*providers.Comment, error) {
	return call(p, ctx, providers.OpCreateComment, func(ctx context.Context) (*providers.Comment, error) {
		return p.inner.(providers.Commenter).CreateComment(ctx, orderID, body)
	})
}

// UploadDocument is a write: never retried.
func (p *Provider) UploadDocument(ctx context.Context, orderID string, doc providers.DocumentUpload) (*providers.Document, error) {
	return call(p, ctx, providers.OpUploadDocument, func(ctx context.Context) (*providers.Document, error) {
		return p.inner.(providers.DocumentStore).UploadDocument(ctx, orderID, doc)
	})
}

// ListDocuments is a read: retried.
func (p *Provider) ListDocuments(ctx context.Context, orderID string) ([]providers.Document, error) {
	return call(p, ctx, providers.OpListDocuments, func(ctx context.Context) ([]providers.Document, error) {
		return p.inner.(providers.DocumentStore).ListDocuments(ctx, orderID)
	})
}

// GetNumber is a read: retried.
func (p *Provider) GetNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	return call(p, ctx, providers.OpGetNumber, func(ctx context.Context) (*providers.Number, error) {
		return p.inner.GetNumber(ctx, e164)
	})
}

// ListNumbers is a read: retried.
func (p *Provider) ListNumbers(ctx context.Context, filter providers.NumberFilter, q providers.ListQuery) (*providers.NumberPage, error) {
	return call(p, ctx, providers.OpListNumbers, func(ctx context.Context) (*providers.NumberPage, error) {
		return p.inner.ListNumbers(ctx, filter, q)
	})
}

// UpdateNumber is a write: never retried.
func (p *Provider) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	return call(p, ctx, providers.OpUpdateNumber, func(ctx context.Context) (*providers.NumberUpdateResult, error) {
		return p.inner.(providers.NumberUpdater).UpdateNumber(ctx, upd)
	})
}
