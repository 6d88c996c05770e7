package events_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store"
)

// An append the hub is not told about (here: through another store handle
// on the same SQLite file, as another process would) is still found by the
// hub's poll of the newest sequence.
func TestHubPollFallback(t *testing.T) {
	dir := t.TempDir()
	open := func() store.Store {
		st, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "p.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	writer, reader := open(), open()
	hub := events.NewHub()
	sub := hub.Subscribe()
	defer hub.Unsubscribe(sub)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); hub.Run(ctx, reader, 20*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	seq := appendEv(t, writer, "other-process")
	timeout := time.After(10 * time.Second)
	for hub.Last() < seq {
		select {
		case <-sub.C:
		case <-timeout:
			t.Fatalf("hub never saw sequence %d (last %d)", seq, hub.Last())
		}
	}
}

// Notify never blocks, however many subscribers never read.
func TestHubNotifyNeverBlocks(t *testing.T) {
	hub := events.NewHub()
	for range 1000 {
		hub.Subscribe()
	}
	for i := range 10000 {
		hub.Notify(int64(i))
	}
	if hub.Last() != 9999 || hub.Subscribers() != 1000 {
		t.Fatalf("last %d subscribers %d", hub.Last(), hub.Subscribers())
	}
}
