package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/goleak"

	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/store/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A periodic job runs on start; a failing run is retried (River's backoff).
func TestSQLitePeriodicRunsAndRetries(t *testing.T) {
	ran := make(chan struct{}, 10)
	var calls atomic.Int64
	r, err := jobs.Start(context.Background(), jobs.Options{SQLitePath: t.TempDir() + "/jobs.db", Jobs: []jobs.Job{{
		Kind: "test_job", Every: time.Hour,
		Run: func(context.Context) error {
			if calls.Add(1) == 1 {
				return errors.New("first run fails")
			}
			ran <- struct{}{}
			return nil
		},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-ran:
	case <-time.After(60 * time.Second):
		t.Fatalf("the job did not succeed on its retry within 60s (%d calls)", calls.Load())
	}
	if calls.Load() != 2 {
		t.Fatalf("%d calls, want 2 (one failure, one retry)", calls.Load())
	}
}

func TestDuplicateKindsRefused(t *testing.T) {
	j := jobs.Job{Kind: "a", Every: time.Minute, Run: func(context.Context) error { return nil }}
	if _, err := jobs.Start(context.Background(), jobs.Options{Jobs: []jobs.Job{j, j}}); err == nil {
		t.Fatal("two jobs of one kind accepted")
	}
}

// Two instances on one PostgreSQL database: only the leader enqueues, and
// each period's run is unique, so the job runs once per period in all.
func TestPostgresPeriodicRunsOnceAcrossInstances(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	const every = time.Second
	var mu sync.Mutex
	var runs []time.Time
	done := make(chan struct{})
	start := time.Now()
	var runners []*jobs.Runner
	var pools []*pgxpool.Pool
	for i := range 2 {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		pools = append(pools, pool)
		r, err := jobs.Start(ctx, jobs.Options{Pool: pool, ID: []string{"a", "b"}[i], Jobs: []jobs.Job{{
			Kind: "count", Every: every,
			Run: func(context.Context) error {
				mu.Lock()
				defer mu.Unlock()
				runs = append(runs, time.Now())
				if len(runs) == 4 {
					close(done)
				}
				return nil
			},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		runners = append(runners, r)
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("4 runs did not happen within 60s")
	}
	for _, r := range runners {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	}
	for _, p := range pools {
		p.Close()
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	// One run on start plus one per elapsed period; two enqueuers would
	// make about twice as many.
	if max := int(elapsed/every) + 1; len(runs) > max {
		t.Fatalf("%d runs in %s: more than one per %s period (max %d)", len(runs), elapsed, every, max)
	}
}
