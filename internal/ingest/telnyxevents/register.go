package telnyxevents

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/registry"
	"github.com/portgate/portgate/providers/telnyx"
)

// Telnyx's event sources: the signed porting webhook and the sweep of its
// porting events API (events no webhook brought).
func init() { registry.RegisterEvents(telnyx.Name, Sources) }

// DefaultSweepEvery is the sweep interval of hand-built configurations
// (config.Load applies the setting's own default).
const DefaultSweepEvery = 15 * time.Minute

// Sources builds Telnyx's event sources from its settings (public_key,
// webhook_tolerance, sweep_interval, sweep_lookback); in sandbox mode
// without a public_key the running fake's key verifies webhooks.
func Sources(env registry.EventEnv) (registry.EventSources, error) {
	logger := env.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var key ed25519.PublicKey
	if pk := env.Settings["public_key"]; pk != "" {
		k, err := ParsePublicKey(pk)
		if err != nil {
			return registry.EventSources{}, fmt.Errorf("TELNYX_PUBLIC_KEY: %w", err)
		}
		key = k
	}
	if key == nil {
		key = env.SandboxPublicKey // the Telnyx sandbox signs its webhooks
	}
	tolerance := env.Settings.Duration("webhook_tolerance")
	every, lookback := env.Settings.Duration("sweep_interval"), env.Settings.Duration("sweep_lookback")
	if every <= 0 {
		every = DefaultSweepEvery
	}
	hook := func() string {
		if env.PublicURL == nil {
			return ""
		}
		u := env.PublicURL()
		if u == "" {
			return ""
		}
		return u + TelnyxPath
	}
	start := func(p providers.Provider) (map[string]http.Handler, []registry.Job) {
		if key == nil {
			logger.Warn("Telnyx webhooks refused (TELNYX_PUBLIC_KEY unset); the events API sweep still finds every event", "every", every.String())
		}
		routes := map[string]http.Handler{"POST " + TelnyxPath: TelnyxHandler(TelnyxOptions{Store: env.Store, PublicKey: key,
			Tolerance: tolerance, Logger: logger})}
		var jobs []registry.Job
		if j, ok := SweepJob(env.Store, p, lookback, every, logger); ok {
			jobs = append(jobs, j)
		}
		return routes, jobs
	}
	return registry.EventSources{HookURL: hook, Start: start}, nil
}

// SweepJob is the reconciliation sweep of the provider's events API, when
// it has one (providers.PortingEventLister). p is the portable client
// (driver behind its resilience policy): the sweep goes through its
// breaker, bulkhead and retries like every other call, so an open breaker
// stops it calling.
func SweepJob(st store.Store, p providers.Provider, lookback, every time.Duration, logger *slog.Logger) (registry.Job, bool) {
	src, ok := p.(providers.PortingEventLister)
	if !ok {
		return registry.Job{}, false
	}
	return registry.Job{Kind: "telnyx_sweep", Every: every, Run: func(ctx context.Context) error {
		n, err := SweepTelnyx(ctx, st, src, lookback, time.Now())
		if n > 0 {
			logger.Info("telnyx sweep stored events no webhook brought", "new_events", n)
		}
		return err
	}}, true
}
