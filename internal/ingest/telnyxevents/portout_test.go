package telnyxevents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest/telnyxevents"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// portout.status_changed (the documented webhook, Telnyx's example
// payload) is stored as a STATE_CHANGED event of the port-out, with the raw
// status and without the attempted PIN.
func TestTelnyxPortOutEvents(t *testing.T) {
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"id": "eef3340b-8903-4466-b445-89b697315a3a",
		"event_type": "portout.status_changed", "occurred_at": "2021-03-19T10:07:15.527000Z", "record_type": "event",
		"payload": map[string]any{"id": "96dfa9e4-c753-4fd3-97cd-42d66f26cf0c", "status": "authorized",
			"phone_numbers": []string{"+35312345678"}, "carrier_name": "Testing Carrier", "spid": "987H",
			"user_id": "96dfa9e4-c753-4fd3-97cd-42d66f26cf0c", "subscriber_name": "John Doe",
			"rejection_reason": nil, "attempted_pin": "8642"}}})
	st := sqliteStore(t)
	s := newSigner(t)
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	if w := serve(h, s.request(body, time.Now())); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := st.ListEvents(context.Background(), store.EventQuery{})
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	if e.Type != events.TypeStateChanged || e.OrderName != "providers/telnyx/portOuts/96dfa9e4-c753-4fd3-97cd-42d66f26cf0c" ||
		!bytes.Contains(e.Payload, []byte(`"authorized"`)) {
		t.Errorf("event %s %s %s", e.Type, e.OrderName, e.Payload)
	}
	if bytes.Contains(e.Payload, []byte("8642")) {
		t.Errorf("payload keeps the attempted PIN: %s", e.Payload)
	}
}

// The reconciliation sweep also reads GET /v2/portouts/events: a port-out's
// status changes are stored as its events even when no webhook arrived.
func TestTelnyxSweepFindsPortOutEvents(t *testing.T) {
	fake := telnyxfake.New(telnyxfake.Options{APIKey: "k", SeedPortOuts: []string{"+13125550170"}})
	srv := httptest.NewServer(fake)
	defer func() { srv.Close(); fake.Close() }()
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := telnyxfake.PortOutID(0)
	if _, err := p.DecidePortOut(ctx, providers.PortOutDecision{ID: id, Authorize: true}); err != nil {
		t.Fatal(err)
	}
	st := sqliteStore(t)
	n, err := telnyxevents.SweepTelnyx(ctx, st, p, time.Hour, time.Now())
	if err != nil || n != 2 {
		t.Fatalf("sweep: %d new, %v", n, err)
	}
	evs, _ := st.ListEvents(ctx, store.EventQuery{OrderName: "providers/telnyx/portOuts/" + id})
	var statuses []string
	for _, e := range evs {
		var pl struct {
			ProviderStatus string `json:"provider_status"`
		}
		_ = json.Unmarshal(e.Payload, &pl)
		statuses = append(statuses, pl.ProviderStatus)
		if e.Type != events.TypeStateChanged {
			t.Errorf("%s: type %s", e.EventID, e.Type)
		}
	}
	if strings.Join(statuses, ",") != "pending,authorized" {
		t.Fatalf("stored %v (%d events)", statuses, len(evs))
	}
}
