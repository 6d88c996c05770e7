package telnyx

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/portgate/portgate/providers"
)

// PortingEvent is one record of GET /v2/porting/events (D spec
// PortingEvent); the neutral providers.PortingEvent has its shape.
type PortingEvent = providers.PortingEvent

// PortingEventsQuery filters ListPortingEvents: filter[type],
// filter[porting_order_id], filter[created_at][gte] / [lte].
type PortingEventsQuery = providers.PortingEventsQuery

var _ providers.PortingEventLister = (*Provider)(nil)

// ListPortingEvents reads every porting event the query selects (all pages,
// at most 40 of 250). It is the reconciliation sweep's source: webhooks get
// lost, the events API keeps them.
func (p *Provider) ListPortingEvents(ctx context.Context, q PortingEventsQuery) ([]PortingEvent, error) {
	v := url.Values{}
	if q.Type != "" {
		v.Set("filter[type]", q.Type)
	}
	if q.PortingOrderID != "" {
		v.Set("filter[porting_order_id]", q.PortingOrderID)
	}
	if !q.CreatedAfter.IsZero() {
		v.Set("filter[created_at][gte]", q.CreatedAfter.UTC().Format(time.RFC3339))
	}
	if !q.CreatedBefore.IsZero() {
		v.Set("filter[created_at][lte]", q.CreatedBefore.UTC().Format(time.RFC3339))
	}
	raw, err := p.all(ctx, "/porting/events", v, errCtx{op: "list porting events"})
	if err != nil {
		return nil, err
	}
	out := make([]PortingEvent, 0, len(raw))
	for _, r := range raw {
		var e PortingEvent
		if json.Unmarshal(r, &e) == nil && e.ID != "" {
			out = append(out, e)
		}
	}
	// Port-out events (portout.*) come from their own log (portout.go).
	po, err := p.listPortOutEvents(ctx, q)
	if err != nil {
		return nil, err
	}
	return mergeNewestFirst(out, po), nil
}
