package telnyxevents

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers/telnyx"
)

// PortOutName is the resource name of a port-out: providers/{p}/portOuts/{id}.
func PortOutName(provider, id string) string {
	if id == "" {
		id = "-"
	}
	return "providers/" + provider + "/portOuts/" + id
}

// telnyxPortOutEvent maps a portout.* event (portout.status_changed,
// portout.new_comment, …). Port-out events are stored like port order
// events with the port-out as their parent (OrderName
// providers/telnyx/portOuts/{id}): STATE_CHANGED with the raw status in
// provider_status (new_state stays unset: it is a PortOrder state), or
// COMMENT_ADDED. docs/events.md.
func telnyxPortOutEvent(w telnyxWire, now time.Time) store.Event {
	p := events.Payload{Raw: ingest.Redact(w.Payload)}
	var pl struct {
		ID        string `json:"id"`
		PortoutID string `json:"portout_id"`
		Status    string `json:"status"`
		Comment   struct {
			Body string `json:"body"`
		} `json:"comment"`
		Body string `json:"body"`
	}
	_ = json.Unmarshal(w.Payload, &pl) // lenient: what doesn't parse stays in Raw
	// The events API's record names the port-out (portout_id, carried in
	// PortingOrderID by the adapter); a webhook names it in payload.id.
	id := firstNonEmpty(w.PortingOrderID, pl.PortoutID)
	typ := events.TypeOther
	switch w.EventType {
	case "portout.status_changed":
		id = firstNonEmpty(id, pl.ID)
		typ, p.ProviderStatus = events.TypeStateChanged, pl.Status
	case "portout.new_comment":
		typ, p.Comment = events.TypeCommentAdded, firstNonEmpty(pl.Comment.Body, pl.Body)
	default:
		id = firstNonEmpty(id, pl.ID)
	}
	if p.Raw == nil || string(p.Raw) == "null" || typ == events.TypeOther {
		p.Raw, _ = json.Marshal(map[string]any{"event_type": w.EventType, "payload": p.Raw})
	}
	occurred := parseTime(firstNonEmpty(w.OccurredAt, w.CreatedAt))
	if occurred.IsZero() {
		occurred = now
	}
	return store.Event{Provider: telnyx.Name, EventID: w.ID, OrderName: PortOutName(telnyx.Name, id),
		Type: typ, Payload: ingest.MarshalPayload(p), OccurredAt: occurred, ReceivedAt: now}
}

func isPortOutEvent(eventType string) bool { return strings.HasPrefix(eventType, "portout.") }
