package telnyxevents

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/portgate/portgate/internal/ingest"
)

// Telnyx also sends number order events (number_order.complete, spec
// NumberOrderWebhookEvent) to the same webhook URL. They are not port
// order events: the receiver acknowledges them (signature checked first)
// without storing them; GetNumberOrder reads the order from Telnyx
// (issue 14, slice buy).

// telnyxNumberOrderEvent reports whether body is a number_order.* event.
func telnyxNumberOrderEvent(body []byte) bool {
	var w struct {
		Data struct {
			EventType string `json:"event_type"`
		} `json:"data"`
		EventType string `json:"event_type"`
	}
	if json.Unmarshal(body, &w) != nil {
		return false
	}
	return strings.HasPrefix(w.Data.EventType, "number_order.") || strings.HasPrefix(w.EventType, "number_order.")
}

// ackNumberOrderEvent answers a number order event: 200, nothing stored.
func ackNumberOrderEvent(w http.ResponseWriter) { ingest.WriteOK(w, 0, true) }
