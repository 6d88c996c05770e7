package telnyxevents_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/ingest/telnyxevents"
)

// A number_order.complete event (spec NumberOrderWebhookEvent) arrives at
// the same URL: acknowledged once its signature verifies, never stored as
// a port order event; an unsigned one is still refused.
func TestTelnyxNumberOrderEventAcknowledgedNotStored(t *testing.T) {
	st := sqliteStore(t)
	s := newSigner(t)
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	body, _ := json.Marshal(map[string]any{
		"data": map[string]any{"event_type": "number_order.complete", "id": "d578b093-a0e7-4b64-b0d3-6b689a6ff170",
			"occurred_at": "2025-08-22T16:23:54.496464Z", "record_type": "event",
			"payload": map[string]any{"id": "12ade33a-21c0-473b-b055-b3c836e1c292", "record_type": "number_order", "status": "success"}},
		"meta": map[string]any{"attempt": 1, "delivered_to": "https://sample-api.com/webhook"}})
	if w := serve(h, s.request(body, time.Now())); w.Code != 200 {
		t.Fatalf("number_order.complete: %d %s", w.Code, w.Body)
	}
	if n := countEvents(t, st); n != 0 {
		t.Fatalf("%d events stored, want 0 (not a port order event)", n)
	}
	other := newSigner(t)
	if w := serve(h, other.request(body, time.Now())); w.Code != 401 {
		t.Fatalf("badly signed number_order event: %d, want 401", w.Code)
	}
}
