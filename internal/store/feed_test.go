package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/store/storetest"
)

func feedEvent(id string) store.Event {
	now := time.Now().UTC()
	return store.Event{Provider: "telnyx", EventID: id, OrderName: "providers/telnyx/portOrders/abc", Type: "OTHER", Payload: []byte(`{}`), OccurredAt: now, ReceivedAt: now}
}

func follow(t *testing.T, s store.Store) <-chan int64 {
	t.Helper()
	f, ok := s.(store.EventFeed)
	if !ok {
		t.Fatalf("%s store is no EventFeed", s.Dialect())
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := make(chan int64, 100)
	f.FollowEvents(ctx, func(seq int64) {
		select {
		case ch <- seq:
		default:
		}
	})
	return ch
}

func waitSeq(t *testing.T, ch <-chan int64, want int64) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got := <-ch:
			if got == want {
				return
			}
		case <-timeout:
			t.Fatalf("no notification for sequence %d", want)
		}
	}
}

func TestSQLiteEventFeed(t *testing.T) {
	s, err := store.Open(context.Background(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch := follow(t, s)
	seq, _, err := s.AppendEvent(context.Background(), feedEvent("e1"))
	if err != nil {
		t.Fatal(err)
	}
	waitSeq(t, ch, seq)
	// A duplicate is not announced again.
	if _, isNew, _ := s.AppendEvent(context.Background(), feedEvent("e1")); isNew {
		t.Fatal("duplicate stored twice")
	}
	select {
	case got := <-ch:
		t.Fatalf("duplicate announced as %d", got)
	default:
	}
}

// Two stores on one PostgreSQL database stand for two replicas: an event
// appended through A reaches B's followers through LISTEN/NOTIFY (B's own
// in-process fan-out never sees A's append).
func TestPostgresEventFeedAcrossProcesses(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	a, err := store.Open(ctx, store.Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, store.Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ch := follow(t, b)
	waitSeq(t, ch, 0) // B is LISTENing
	for i, id := range []string{"e1", "e2", "e3"} {
		seq, _, err := a.AppendEvent(ctx, feedEvent(id))
		if err != nil {
			t.Fatal(err)
		}
		if seq != int64(i+1) {
			t.Fatalf("seq %d", seq)
		}
		waitSeq(t, ch, seq)
	}
}
