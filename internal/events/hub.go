package events

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portgate/portgate/internal/store"
)

// Hub tells Watch streams (and the outbound dispatcher) that new events may
// be in the store. It carries no events: a subscriber owns a one-slot signal
// channel that a notification fills without ever blocking, and reads the
// events from the store itself. So a slow subscriber never holds up
// ingestion or any other subscriber.
type Hub struct {
	closeOnce sync.Once
	done      chan struct{}
	mu        sync.Mutex
	subs      map[*Sub]struct{}
	last      atomic.Int64
	n         atomic.Int64
}

// Sub is one subscription; C receives a value when new events may exist.
type Sub struct {
	C chan struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*Sub]struct{}{}, done: make(chan struct{})} }

// Close tells every follower the process is shutting down (Done closes).
func (h *Hub) Close() { h.closeOnce.Do(func() { close(h.done) }) }

// Done is closed by Close.
func (h *Hub) Done() <-chan struct{} { return h.done }

// Subscribe adds a subscriber; Unsubscribe it when done.
func (h *Hub) Subscribe() *Sub {
	s := &Sub{C: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	h.n.Add(1)
	return s
}

// Unsubscribe removes s.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		h.n.Add(-1)
	}
	h.mu.Unlock()
}

// Subscribers is the number of current subscribers (open Watch streams plus
// the dispatcher).
func (h *Hub) Subscribers() int { return int(h.n.Load()) }

// Last is the highest sequence notified so far (a hint).
func (h *Hub) Last() int64 { return h.last.Load() }

// Notify wakes every subscriber; seq (0 = unknown) raises Last. It never
// blocks.
func (h *Hub) Notify(seq int64) {
	for {
		cur := h.last.Load()
		if seq <= cur || h.last.CompareAndSwap(cur, seq) {
			break
		}
	}
	h.mu.Lock()
	for s := range h.subs {
		select {
		case s.C <- struct{}{}:
		default: // already signalled
		}
	}
	h.mu.Unlock()
}

// DefaultPollInterval is how often Run looks for events it was not told
// about (a lost NOTIFY, another process's append on SQLite).
const DefaultPollInterval = time.Second

// Run feeds h from st until ctx ends: st's own append notifications
// (in-process, and PostgreSQL LISTEN/NOTIFY across replicas) and, as a
// fallback, a poll of the newest sequence every poll interval (0 =
// DefaultPollInterval): one cheap query per process, however many streams
// are open.
func (h *Hub) Run(ctx context.Context, st store.Store, poll time.Duration) {
	if f, ok := st.(store.EventFeed); ok {
		f.FollowEvents(ctx, h.Notify)
	}
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		last, err := st.LastEventSeq(ctx)
		if err != nil || last <= h.Last() {
			continue
		}
		h.Notify(last)
	}
}
