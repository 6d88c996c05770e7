package providers

import (
	"context"
	"encoding/json"
	"time"
)

// OpListPortingEvents is the optional events API (PortingEventLister). It is
// not in AllOperations: a provider without it is complete.
const OpListPortingEvents Operation = "ListPortingEvents"

// PortingEventLister is implemented by providers that keep a log of their
// porting events (Telnyx: GET /v2/porting/events), which portgate's
// reconciliation sweep reads to fill in lost webhooks. Discover it by type
// assertion; providers/portable forwards it through the resilience policy.
type PortingEventLister interface {
	// ListPortingEvents reads every event the query selects, newest first.
	ListPortingEvents(ctx context.Context, q PortingEventsQuery) ([]PortingEvent, error)
}

// PortingEventsQuery filters ListPortingEvents; zero fields are unset.
type PortingEventsQuery struct {
	Type           string
	PortingOrderID string
	CreatedAfter   time.Time
	CreatedBefore  time.Time
}

// PortingEvent is one record of a provider's events log, as the provider
// sent it (the JSON names are Telnyx's: id, event_type, porting_order_id,
// payload, payload_status, created_at, updated_at).
type PortingEvent struct {
	ID             string          `json:"id"`
	EventType      string          `json:"event_type"`
	PortingOrderID string          `json:"porting_order_id"`
	Payload        json.RawMessage `json:"payload"`
	PayloadStatus  string          `json:"payload_status"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      string          `json:"updated_at"`
}
