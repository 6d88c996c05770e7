package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

// benchAppend stores b.N distinct events one after another (the webhook
// ingestion loop: each AppendEvent is its own durable transaction) and
// reports events per second.
func benchAppend(b *testing.B, s store.Store) {
	ctx := context.Background()
	payload := []byte(`{"new_state":"FOC_CONFIRMED","provider_status":"foc-date-confirmed","raw":{"data":{"id":"x","event_type":"porting_order.status_changed"}}}`)
	now := time.Now().UTC()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.AppendEvent(ctx, store.Event{Provider: "telnyx", EventID: "bench-" + strconv.Itoa(i), OrderName: "providers/telnyx/portOrders/abc",
			Type: "STATE_CHANGED", Payload: payload, OccurredAt: now, ReceivedAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

func BenchmarkAppendEventSQLite(b *testing.B) {
	s, err := store.Open(context.Background(), store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchAppend(b, s)
}

func BenchmarkAppendEventPostgres(b *testing.B) {
	s, err := store.Open(context.Background(), store.Options{DatabaseURL: storetest.PostgresURL(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchAppend(b, s)
}
