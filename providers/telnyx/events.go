package telnyx

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// PortingEvent is one record of GET /v2/porting/events (D spec
// PortingEvent): {id, event_type, porting_order_id, payload,
// payload_status, available_notification_methods, record_type,
// created_at, updated_at}.
type PortingEvent struct {
	ID             string          `json:"id"`
	EventType      string          `json:"event_type"`
	PortingOrderID string          `json:"porting_order_id"`
	Payload        json.RawMessage `json:"payload"`
	PayloadStatus  string          `json:"payload_status"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      string          `json:"updated_at"`
}

// PortingEventsQuery filters ListPortingEvents; zero fields are unset.
type PortingEventsQuery struct {
	Type           string    // filter[type]
	PortingOrderID string    // filter[porting_order_id]
	CreatedAfter   time.Time // filter[created_at][gte]
	CreatedBefore  time.Time // filter[created_at][lte]
}

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
	return out, nil
}
