package telnyxfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// portingEvent is one record of the events API (D spec PortingEvent). Every
// porting_order.* event the fake emits is recorded here, whether or not a
// webhook URL received it, as Telnyx keeps them.
type portingEvent struct {
	id, eventType, orderID string
	payload                map[string]any
	createdAt              time.Time
}

// maxEvents bounds the fake's event log (oldest dropped first).
const maxEvents = 10000

var eventTypes = []string{"porting_order.deleted", "porting_order.loa_updated", "porting_order.messaging_changed",
	"porting_order.status_changed", "porting_order.sharing_token_expired", "porting_order.split", "porting_order.new_comment"}

// recordEvent logs an emitted event. Caller holds f.mu.
func (f *Fake) recordEvent(id, eventType string, payload map[string]any, at time.Time) {
	orderID := ""
	switch eventType {
	case "porting_order.new_comment":
		orderID = str(payload["porting_order_id"])
	case "porting_order.split":
		if from, ok := payload["from"].(map[string]any); ok {
			orderID = str(from["id"])
		}
	default:
		orderID = str(payload["id"])
	}
	// The payload is serialized now so later changes cannot alter it.
	b, _ := json.Marshal(payload)
	var frozen map[string]any
	_ = json.Unmarshal(b, &frozen)
	f.events = append(f.events, portingEvent{id: id, eventType: eventType, orderID: orderID, payload: frozen, createdAt: at})
	if len(f.events) > maxEvents {
		f.events = f.events[len(f.events)-maxEvents:]
	}
}

func (e portingEvent) render() any {
	return map[string]any{"id": e.id, "event_type": e.eventType, "porting_order_id": e.orderID, "payload": e.payload,
		"payload_status": "completed", "available_notification_methods": []string{"email", "webhook", "webhook_v1"},
		"record_type": "porting_event", "created_at": ts(e.createdAt), "updated_at": ts(e.createdAt)}
}

// listEvents is GET /v2/porting/events: filter[type], filter[porting_order_id],
// filter[created_at][gte|lte]; newest first, paginated like every list.
func (f *Fake) listEvents(w http.ResponseWriter, r *http.Request, _ []string) {
	num, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	bad := func(param, detail string) {
		writeErrs(w, http.StatusUnprocessableEntity, paramItem("10015", "Bad Request", detail, param))
	}
	typ := q.Get("filter[type]")
	if typ != "" && !slices.Contains(eventTypes, typ) {
		bad("filter[type]", "unsupported event type "+typ)
		return
	}
	var gte, lte time.Time
	for param, dst := range map[string]*time.Time{"filter[created_at][gte]": &gte, "filter[created_at][lte]": &lte} {
		if v := q.Get(param); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				bad(param, param+" must be an ISO 8601 date-time")
				return
			}
			*dst = t
		}
	}
	order := q.Get("filter[porting_order_id]")
	f.mu.Lock()
	var out []portingEvent
	for i := len(f.events) - 1; i >= 0; i-- {
		e := f.events[i]
		if (typ != "" && e.eventType != typ) || (order != "" && e.orderID != order) ||
			(!gte.IsZero() && e.createdAt.Before(gte)) || (!lte.IsZero() && e.createdAt.After(lte)) {
			continue
		}
		out = append(out, e)
	}
	f.mu.Unlock()
	writePage(w, num, size, out, func(e portingEvent) any { return e.render() })
}

// getEvent is GET /v2/porting/events/{id}.
func (f *Fake) getEvent(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.events {
		if e.id == args[0] {
			writeJSON(w, http.StatusOK, map[string]any{"data": e.render()})
			return
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("porting_event"))
}

// republish is POST /v2/porting/events/{id}/republish: resends the event to
// the current subscriptions (the same id: it creates no new event); 204.
func (f *Fake) republish(w http.ResponseWriter, _ *http.Request, args []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.events {
		if e.id == args[0] {
			o := f.orders[e.orderID]
			f.deliverEvent(e.id, e.eventType, e.payload, e.createdAt, o, e.eventType == "porting_order.deleted" || e.eventType == "porting_order.messaging_changed")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeErrs(w, http.StatusNotFound, notFound("porting_event"))
}
