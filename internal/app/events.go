package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/telnyx"
)

// JobsFile is River's SQLite database inside PORTGATE_DATA_DIR.
const JobsFile = "jobs.db"

// eventsIn is the events-in wiring: webhook routes, callback URLs and the
// periodic jobs.
type eventsIn struct {
	cfg       config.Config
	st        store.Store
	logger    *slog.Logger
	sandbox   bool
	httpAddr  func() string // the HTTP listener's address once started
	tls       bool
	token     string // Flowroute callback token; "" = callbacks off
	telnyxKey ed25519.PublicKey
	// telnyxTolerance bounds a Telnyx webhook timestamp's distance from now.
	telnyxTolerance time.Duration
	// frHook, txHook remember the callback URLs once known: they are read
	// for every order a provider returns, and do not change once the
	// listener is up.
	frHook, txHook atomic.Pointer[string]
}

// publicURL is PORTGATE_PUBLIC_URL, or in sandbox mode the HTTP listener's
// own loopback address; "" = none.
func (e *eventsIn) publicURL() string {
	if e.cfg.PublicURL != "" {
		return e.cfg.PublicURL
	}
	if !e.sandbox || e.httpAddr == nil {
		return ""
	}
	addr := e.httpAddr()
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	scheme := "http"
	if e.tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

func (e *eventsIn) flowrouteHook() string {
	return rememberHook(&e.frHook, func() string {
		u := e.publicURL()
		if u == "" || e.token == "" {
			return ""
		}
		return u + ingest.FlowroutePrefix + e.token
	})
}

func (e *eventsIn) telnyxHook() string {
	return rememberHook(&e.txHook, func() string {
		u := e.publicURL()
		if u == "" {
			return ""
		}
		return u + ingest.TelnyxPath
	})
}

// rememberHook returns the remembered URL, or builds it and remembers it
// once it is known (not "": before the listener starts there is none yet).
func rememberHook(p *atomic.Pointer[string], build func() string) string {
	if u := p.Load(); u != nil {
		return *u
	}
	u := build()
	if u != "" {
		p.Store(&u)
	}
	return u
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// wrap gives the provider portgate's own callback URL.
func (e *eventsIn) wrap(p providers.Provider) providers.Provider {
	var hook func() string
	switch p.Name() {
	case flowroute.Name:
		hook = e.flowrouteHook
	case telnyx.Name:
		hook = e.telnyxHook
	default:
		return p
	}
	return &ingest.CallbackProvider{Provider: p, Store: e.st, HookURL: hook}
}

// routes are the webhook endpoints of the enabled providers.
func (e *eventsIn) routes(flowrouteP providers.Provider, telnyxOn bool) map[string]http.Handler {
	r := map[string]http.Handler{}
	if telnyxOn {
		r["POST "+ingest.TelnyxPath] = ingest.TelnyxHandler(ingest.TelnyxOptions{Store: e.st, PublicKey: e.telnyxKey,
			Tolerance: e.telnyxTolerance, Logger: e.logger})
	}
	if flowrouteP != nil {
		r[ingest.FlowroutePattern] = ingest.FlowrouteHandler(ingest.FlowrouteOptions{
			Rereader: &ingest.Rereader{Store: e.st, Provider: flowrouteP}, Token: e.token, Logger: e.logger})
	}
	return r
}

// pollPageSize is how many open orders the poller reads from the store at once.
const pollPageSize = 200

// pollFlowroute re-reads every open Flowroute order portgate tracks. One
// order's failure does not stop the others; the run fails (River retries
// it) only when every re-read failed.
func pollFlowroute(st store.Store, p providers.Provider, logger *slog.Logger) func(context.Context) error {
	rr := &ingest.Rereader{Store: st, Provider: p}
	return func(ctx context.Context) error {
		after, tried, failed, added := "", 0, 0, 0
		var last error
		for {
			page, err := st.ListOpenOrders(ctx, flowroute.Name, after, pollPageSize)
			if err != nil {
				return err
			}
			for _, o := range page {
				id := strings.TrimPrefix(o.OrderName, "providers/flowroute/portOrders/")
				tried++
				n, err := rr.Reread(ctx, id)
				if err != nil && !errors.Is(err, ingest.ErrOrderGone) {
					failed++
					last = err
					if ctx.Err() != nil {
						return ctx.Err()
					}
					continue
				}
				added += n
			}
			if len(page) < pollPageSize {
				break
			}
			after = page[len(page)-1].OrderName
		}
		logger.Debug("flowroute poll", "orders", tried, "failed", failed, "new_events", added)
		if tried > 0 && failed == tried {
			return fmt.Errorf("flowroute poll: all %d re-reads failed, last: %w", tried, last)
		}
		return nil
	}
}

// telnyxSweepJob is the reconciliation sweep of a provider's events API,
// when it has one (providers.PortingEventLister). p is the portable client
// (driver behind its resilience policy): the sweep goes through its breaker, bulkhead
// and retries like every other call, so an open breaker stops it calling.
func telnyxSweepJob(st store.Store, p providers.Provider, lookback, every time.Duration, logger *slog.Logger) (jobs.Job, bool) {
	src, ok := p.(providers.PortingEventLister)
	if !ok {
		return jobs.Job{}, false
	}
	return jobs.Job{Kind: "telnyx_sweep", Every: every, Run: func(ctx context.Context) error {
		n, err := ingest.SweepTelnyx(ctx, st, src, lookback, time.Now())
		if n > 0 {
			logger.Info("telnyx sweep stored events no webhook brought", "new_events", n)
		}
		return err
	}}, true
}

// startJobs starts River with the periodic jobs and, when delivery is set,
// the outbound delivery worker.
func startJobs(cfg config.Config, st store.Store, logger *slog.Logger, list []jobs.Job, delivery *jobs.Delivery) (*jobs.Runner, error) {
	o := jobs.Options{Pool: store.PgxPool(st), Jobs: list, Logger: logger, Delivery: delivery}
	if o.Pool == nil && cfg.DataDir != "" {
		o.SQLitePath = filepath.Join(cfg.DataDir, JobsFile)
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeOpenTimeout)
	defer cancel()
	return jobs.Start(ctx, o)
}

// Defaults for hand-built configurations (config.Load sets its own).
const (
	defaultPollEvery  = 5 * time.Minute
	defaultSweepEvery = 15 * time.Minute
)

// idempotencySweepEvery is how often expired idempotency records are deleted.
const idempotencySweepEvery = 10 * time.Minute
