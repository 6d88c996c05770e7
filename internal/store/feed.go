package store

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// EventFeed is implemented by both stores: it tells followers that events
// were appended, so a Watch stream need not poll. It is a hint, never the
// data: followers read the events themselves (ListEvents) and must also poll
// now and then, because a notification can be lost (a dropped LISTEN
// connection, a follower that was busy).
type EventFeed interface {
	// FollowEvents calls fn with the sequence of every event appended
	// through this store and, on PostgreSQL, through any other process
	// sharing the database (LISTEN/NOTIFY on channel EventsChannel), until
	// ctx ends. fn must not block. FollowEvents returns at once; the
	// PostgreSQL listener reconnects by itself.
	FollowEvents(ctx context.Context, fn func(seq int64))
}

// EventsChannel is the PostgreSQL NOTIFY channel AppendEvent notifies with
// the new event's sequence.
const EventsChannel = "portgate_events"

// feed fans in-process appends out to followers.
type feed struct {
	mu  sync.Mutex
	fns map[*func(int64)]struct{}
}

func (f *feed) add(ctx context.Context, fn func(int64)) {
	p := &fn
	f.mu.Lock()
	if f.fns == nil {
		f.fns = map[*func(int64)]struct{}{}
	}
	f.fns[p] = struct{}{}
	f.mu.Unlock()
	context.AfterFunc(ctx, func() {
		f.mu.Lock()
		delete(f.fns, p)
		f.mu.Unlock()
	})
}

func (f *feed) notify(seq int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for p := range f.fns {
		(*p)(seq)
	}
}

func (s *sqliteStore) FollowEvents(ctx context.Context, fn func(seq int64)) {
	s.feed.add(ctx, fn)
}

// pgListenRetry is the pause before the listener reconnects.
const pgListenRetry = time.Second

func (s *pgStore) FollowEvents(ctx context.Context, fn func(seq int64)) {
	// Local appends are announced at once (and again by NOTIFY; followers
	// tolerate repeats).
	s.feed.add(ctx, fn)
	go listenPg(ctx, s.pool, fn)
}

// listenPg holds one pooled connection in LISTEN until ctx ends,
// reconnecting after errors.
func listenPg(ctx context.Context, pool *pgxpool.Pool, fn func(int64)) {
	for ctx.Err() == nil {
		err := listenOnce(ctx, pool, fn)
		if err == nil || ctx.Err() != nil {
			return
		}
		t := time.NewTimer(pgListenRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func listenOnce(ctx context.Context, pool *pgxpool.Pool, fn func(int64)) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: a LISTENing session must not be
	// handed to other queries.
	pc := conn.Hijack()
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = pc.Close(cctx)
	}()
	if _, err := pc.Exec(ctx, "LISTEN "+EventsChannel); err != nil {
		return err
	}
	// Anything appended while we were not listening is found by the
	// followers' own polling; announce "maybe new" once.
	fn(0)
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return nil
			}
			return err
		}
		seq, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			continue
		}
		fn(seq)
	}
}
