package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/store/storetest"
)

// Two portgate instances (app.Build, live mode) on one PostgreSQL database:
// the Flowroute poller — a River periodic job — runs once per period in
// all, not once per instance. Each run re-reads the one open order once
// (one GET /v2/portorders/{id}), so the provider's count of reads is the
// count of runs.
func TestPeriodicJobRunsOnceAcrossTwoApps(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	lf := startLiveFlowroute(t)
	const every = time.Second
	poll := func(c *config.Config) {
		if c.ProviderSettings == nil {
			c.ProviderSettings = map[string]string{}
		}
		c.ProviderSettings["PORTGATE_FLOWROUTE_POLL_INTERVAL"] = every.String()
	}
	c1, stop1 := startAppWith(t, lf, "", dbURL, poll)
	_, stop2 := startAppWith(t, lf, "", dbURL, poll)
	// One open order, tracked through instance 1.
	if _, err := c1.CreatePortOrder(context.Background(), createReq("0b6f5a2e-3c1d-4e8f-9a7b-6c5d4e3f2a10")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	base := lf.orderReads.Load()
	const runs = 4
	for deadline := start.Add(30 * time.Second); lf.orderReads.Load()-base < runs; <-time.After(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d poller runs in 30s, want %d", lf.orderReads.Load()-base, runs)
		}
	}
	stop1()
	stop2()
	elapsed := time.Since(start)
	got := lf.orderReads.Load() - base
	// At most one run per period begun since start (plus the one in flight
	// at start); two pollers would make about twice as many.
	if max := int64(elapsed/every) + 2; got > max {
		t.Fatalf("%d re-reads in %s: more than one run per %s period (max %d)", got, elapsed.Round(time.Millisecond), every, max)
	}
	t.Logf("%d runs in %s", got, elapsed.Round(time.Millisecond))
}
