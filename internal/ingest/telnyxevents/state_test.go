package telnyxevents_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/ingest/telnyxevents"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers/telnyx"
)

// staticEvents is the events API answering a fixed list (newest first).
type staticEvents []telnyx.PortingEvent

func (s staticEvents) ListPortingEvents(context.Context, telnyx.PortingEventsQuery) ([]telnyx.PortingEvent, error) {
	return s, nil
}

func payloadOf(t *testing.T, st store.Store, eventID string) events.Payload {
	t.Helper()
	evs, err := st.ListEvents(context.Background(), store.EventQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.EventID == eventID {
			var p events.Payload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	t.Fatalf("event %s not stored", eventID)
	return events.Payload{}
}

// Telnyx status events carry only the new status; the old state comes from
// the order's stored snapshot, which each event moves on — whether the event
// came by webhook or by the sweep.
func TestTelnyxStateChangeCarriesOldState(t *testing.T) {
	ctx := context.Background()
	st := sqliteStore(t)
	name := ingest.OrderName(telnyx.Name, "po-1")
	snap, _ := json.Marshal(ingest.Snapshot{State: "DRAFT", ProviderStatus: "draft", UpdateTime: "2026-01-11T16:00:00Z"})
	if err := st.PutSnapshot(ctx, name, telnyx.Name, snap, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := newSigner(t)
	h := telnyxevents.TelnyxHandler(telnyxevents.TelnyxOptions{Store: st, PublicKey: s.pub})
	// Webhook: draft -> in-process (SUBMITTED).
	if w := serve(h, s.request(statusChanged("ev-1", "po-1", "in-process"), time.Now())); w.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", w.Code, w.Body)
	}
	if p := payloadOf(t, st, "ev-1"); p.OldState != "DRAFT" || p.NewState != "SUBMITTED" {
		t.Fatalf("webhook event: old %q new %q, want DRAFT -> SUBMITTED", p.OldState, p.NewState)
	}
	// Sweep: in-process -> submitted (IN_PROGRESS), a webhook that was lost.
	pl, _ := json.Marshal(map[string]any{"id": "po-1", "status": map[string]any{"value": "submitted"}})
	src := staticEvents{{ID: "ev-2", EventType: "porting_order.status_changed", PortingOrderID: "po-1", Payload: pl, CreatedAt: "2026-01-11T16:20:00Z"}}
	if _, err := telnyxevents.SweepTelnyx(ctx, st, src, time.Hour, time.Date(2026, 1, 11, 16, 30, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if p := payloadOf(t, st, "ev-2"); p.OldState != "SUBMITTED" || p.NewState != "IN_PROGRESS" {
		t.Fatalf("swept event: old %q new %q, want SUBMITTED -> IN_PROGRESS", p.OldState, p.NewState)
	}
	tr, err := st.GetTrackedOrder(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	var got ingest.Snapshot
	if err := json.Unmarshal(tr.Snapshot, &got); err != nil || got.State != "IN_PROGRESS" || got.ProviderStatus != "submitted" || !tr.Open {
		t.Fatalf("snapshot after both: %+v open=%v (%v)", got, tr.Open, err)
	}
}
