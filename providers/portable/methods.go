package portable

import (
	"context"
	"fmt"
	"slices"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/resilience"
)

// CheckPortability checks at most Capabilities().PortabilityBatchLimit numbers.
func (c *Client) CheckPortability(ctx context.Context, numbers []string) ([]providers.PortabilityResult, error) {
	if len(numbers) == 0 {
		return nil, c.invalid("phone_numbers", "at least one number is required")
	}
	if lim := c.caps.PortabilityBatchLimit; lim > 0 && len(numbers) > lim {
		return nil, c.invalid("phone_numbers", "%d numbers; %s checks at most %d per call", len(numbers), c.name, lim)
	}
	return run(c, ctx, providers.OpCheckPortability, func(ctx context.Context) ([]providers.PortabilityResult, error) {
		return c.drv.CheckPortability(ctx, numbers)
	})
}

// CreatePortOrder opens an order (never retried).
func (c *Client) CreatePortOrder(ctx context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	if len(req.Order.PhoneNumbers) == 0 {
		return nil, c.invalid("port_order.phone_numbers", "at least one number is required")
	}
	return run(c, ctx, providers.OpCreatePortOrder, func(ctx context.Context) (*providers.CreatePortOrderResult, error) {
		return c.drv.CreatePortOrder(ctx, req)
	})
}

// GetPortOrder returns CodeNotFound for an unknown id.
func (c *Client) GetPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	o, err := run(c, ctx, providers.OpGetPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return c.drv.GetPortOrder(ctx, id)
	})
	return withWaitingOn(o), err
}

// ListPortOrders returns one window of orders.
func (c *Client) ListPortOrders(ctx context.Context, filter providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListPortOrders, func(ctx context.Context) (*providers.PortOrderPage, error) {
		return c.drv.ListPortOrders(ctx, filter, q)
	})
}

// UpdatePortOrder changes the masked fields (only those the driver declares updatable).
func (c *Client) UpdatePortOrder(ctx context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	if err := c.requireID(upd.ID); err != nil {
		return nil, err
	}
	if err := c.checkMask("update_mask", upd.Mask, c.caps.UpdatableOrderFields); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpUpdatePortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return c.drv.UpdatePortOrder(ctx, upd)
	})
}

// ModifyPortOrderNumbers adds and removes numbers (providers.PortOrderNumberModifier).
func (c *Client) ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	m, ok := c.drv.(providers.PortOrderNumberModifier)
	if !ok {
		return nil, c.missing(providers.OpModifyPortOrderNumbers)
	}
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	if len(add) == 0 && len(remove) == 0 {
		return nil, c.invalid("add_phone_numbers", "add or remove at least one number")
	}
	return run(c, ctx, providers.OpModifyPortOrderNumbers, func(ctx context.Context) (*providers.PortOrder, error) {
		return m.ModifyPortOrderNumbers(ctx, id, add, remove)
	})
}

// SubmitPortOrder signs and submits a draft.
func (c *Client) SubmitPortOrder(ctx context.Context, id string, sig providers.Signature) (*providers.PortOrder, error) {
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpSubmitPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return c.drv.SubmitPortOrder(ctx, id, sig)
	})
}

// CancelPortOrder cancels, or returns CodeFailedPrecondition.
func (c *Client) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpCancelPortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return c.drv.CancelPortOrder(ctx, id)
	})
}

// ListComments lists an order's comments (providers.Commenter).
func (c *Client) ListComments(ctx context.Context, orderID string) ([]providers.Comment, error) {
	m, ok := c.drv.(providers.Commenter)
	if !ok {
		return nil, c.missing(providers.OpListComments)
	}
	if err := c.requireID(orderID); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListComments, func(ctx context.Context) ([]providers.Comment, error) {
		return m.ListComments(ctx, orderID)
	})
}

// CreateComment adds a comment (providers.Commenter).
func (c *Client) CreateComment(ctx context.Context, orderID, body string) (*providers.Comment, error) {
	m, ok := c.drv.(providers.Commenter)
	if !ok {
		return nil, c.missing(providers.OpCreateComment)
	}
	if err := c.requireID(orderID); err != nil {
		return nil, err
	}
	if body == "" {
		return nil, c.invalid("comment.body", "a comment needs a body")
	}
	return run(c, ctx, providers.OpCreateComment, func(ctx context.Context) (*providers.Comment, error) {
		return m.CreateComment(ctx, orderID, body)
	})
}

// UploadDocument attaches a document (providers.DocumentStore).
func (c *Client) UploadDocument(ctx context.Context, orderID string, doc providers.DocumentUpload) (*providers.Document, error) {
	m, ok := c.drv.(providers.DocumentStore)
	if !ok {
		return nil, c.missing(providers.OpUploadDocument)
	}
	if err := c.requireID(orderID); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, c.invalid("document.content", "a document needs content")
	}
	if lim := c.caps.MaxDocumentBytes; lim > 0 && int64(len(doc.Content)) > lim {
		return nil, c.invalid("document.content", "%d bytes; %s accepts at most %d", len(doc.Content), c.name, lim)
	}
	return run(c, ctx, providers.OpUploadDocument, func(ctx context.Context) (*providers.Document, error) {
		return m.UploadDocument(ctx, orderID, doc)
	})
}

// ListDocuments lists an order's documents (providers.DocumentStore).
func (c *Client) ListDocuments(ctx context.Context, orderID string) ([]providers.Document, error) {
	m, ok := c.drv.(providers.DocumentStore)
	if !ok {
		return nil, c.missing(providers.OpListDocuments)
	}
	if err := c.requireID(orderID); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListDocuments, func(ctx context.Context) ([]providers.Document, error) {
		return m.ListDocuments(ctx, orderID)
	})
}

// DocumentDownloadLink returns the provider's credential-free, short-lived
// download link for a document (providers.DocumentLinker); ok is false when
// the driver offers none.
func (c *Client) DocumentDownloadLink(ctx context.Context, orderID, documentID string) (providers.DocumentLink, bool, error) {
	m, ok := c.drv.(providers.DocumentLinker)
	if !ok {
		return providers.DocumentLink{}, false, nil
	}
	if err := c.requireID(orderID); err != nil {
		return providers.DocumentLink{}, false, err
	}
	type res struct {
		link providers.DocumentLink
		ok   bool
	}
	r, err := run(c, ctx, providers.OpListDocuments, func(ctx context.Context) (res, error) {
		l, ok, err := m.DocumentDownloadLink(ctx, orderID, documentID)
		return res{l, ok}, err
	})
	return r.link, r.ok, err
}

// GetNumber returns CodeNotFound when the number is not on the account.
func (c *Client) GetNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	if e164 == "" {
		return nil, c.invalid("name", "a phone number is required")
	}
	return run(c, ctx, providers.OpGetNumber, func(ctx context.Context) (*providers.Number, error) {
		return c.drv.GetNumber(ctx, e164)
	})
}

// ListNumbers returns one window of the account's numbers.
func (c *Client) ListNumbers(ctx context.Context, filter providers.NumberFilter, q providers.ListQuery) (*providers.NumberPage, error) {
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListNumbers, func(ctx context.Context) (*providers.NumberPage, error) {
		return c.drv.ListNumbers(ctx, filter, q)
	})
}

// UpdateNumber changes the masked number settings (providers.NumberUpdater).
func (c *Client) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	m, ok := c.drv.(providers.NumberUpdater)
	if !ok {
		return nil, c.missing(providers.OpUpdateNumber)
	}
	if upd.Number.PhoneNumber == "" {
		return nil, c.invalid("number.name", "a phone number is required")
	}
	if err := c.checkPortOutPIN(upd); err != nil {
		return nil, err
	}
	if err := c.checkMask("update_mask", upd.Mask, c.caps.UpdatableNumberFields); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpUpdateNumber, func(ctx context.Context) (*providers.NumberUpdateResult, error) {
		return m.UpdateNumber(ctx, upd)
	})
}

// maxCursorLen bounds a provider list cursor (they are short tokens).
const maxCursorLen = 256

func (c *Client) checkQuery(q providers.ListQuery) error {
	if len(q.Cursor) > maxCursorLen {
		return c.invalid("page_token", "cursor of %d bytes; at most %d", len(q.Cursor), maxCursorLen)
	}
	if q.Limit < 0 {
		return c.invalid("page_size", "negative page size %d", q.Limit)
	}
	return nil
}

// checkMask refuses a path the driver does not declare updatable (an empty
// allowed list means the driver declares none: every path is refused).
func (c *Client) checkMask(field string, mask, allowed []string) error {
	var vs []providers.FieldViolation
	for i, p := range mask {
		if !slices.Contains(allowed, p) {
			vs = append(vs, providers.FieldViolation{Field: field, Description: fmt.Sprintf("path %q (index %d) is not updatable on %s", p, i, c.name)})
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return &providers.Error{Code: providers.CodeInvalidArgument, Provider: c.name, Reason: "INVALID_UPDATE_MASK",
		Message: vs[0].Description, Violations: vs}
}

// ListPortingEvents reads the provider's events log (the driver's optional
// providers.PortingEventLister, e.g. Telnyx GET /v2/porting/events) through
// the same resilience policy as every other call: an open breaker answers
// without calling. A driver without one answers CodeUnimplemented.
func (c *Client) ListPortingEvents(ctx context.Context, q providers.PortingEventsQuery) ([]providers.PortingEvent, error) {
	if err := c.closedErr(); err != nil {
		return nil, err
	}
	l, ok := c.drv.(providers.PortingEventLister)
	if !ok {
		return nil, c.missing(providers.OpListPortingEvents)
	}
	// Not through run: the events log is no API operation, so it is not
	// among the declared capabilities run checks.
	fn := func(ctx context.Context) ([]providers.PortingEvent, error) { return l.ListPortingEvents(ctx, q) }
	var evs []providers.PortingEvent
	var err error
	if c.guard != nil {
		evs, err = resilience.Call(c.guard, ctx, providers.OpListPortingEvents, fn)
	} else {
		evs, err = fn(ctx)
	}
	if err != nil {
		return nil, providers.AsError(c.name, err)
	}
	return evs, nil
}

var _ providers.PortingEventLister = (*Client)(nil)
