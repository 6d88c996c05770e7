package app

import (
	"context"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/ingest"
	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/providers/registry"
)

// JobsFile is River's SQLite database inside PORTGATE_DATA_DIR.
const JobsFile = "jobs.db"

// eventsIn is the events-in wiring: portgate's public URL and each
// adapter's event sources (providers/registry: callback URL, webhook
// routes, periodic sync jobs).
type eventsIn struct {
	cfg      config.Config
	st       store.Store
	logger   *slog.Logger
	sandbox  bool
	httpAddr func() string // the HTTP listener's address once started
	tls      bool
	sources  map[string]registry.EventSources
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

// wrap gives the provider portgate's own callback URL, when its adapter
// declares one.
func (e *eventsIn) wrap(name string, p providers.Provider) providers.Provider {
	src, ok := e.sources[name]
	if !ok || src.HookURL == nil {
		return p
	}
	return &ingest.CallbackProvider{Provider: p, Store: e.st, HookURL: rememberHook(src.HookURL)}
}

// rememberHook returns hook, remembering its URL once it is known (not "":
// before the listener starts there is none yet): it is read for every
// order a provider returns, and does not change once the listener is up.
func rememberHook(hook func() string) func() string {
	var known atomic.Pointer[string]
	return func() string {
		if u := known.Load(); u != nil {
			return *u
		}
		u := hook()
		if u != "" {
			v := u // only a known URL escapes: "" must not allocate per call
			known.Store(&v)
		}
		return u
	}
}

// start builds every adapter's webhook routes and periodic jobs from its
// portable client, in registry order.
func (e *eventsIn) start(clients map[string]*portable.Client) (map[string]http.Handler, []jobs.Job) {
	routes := map[string]http.Handler{}
	var list []jobs.Job
	for _, name := range registry.Names() {
		src, ok := e.sources[name]
		p, on := clients[name]
		if !ok || !on || src.Start == nil {
			continue
		}
		r, js := src.Start(p)
		maps.Copy(routes, r)
		for _, j := range js {
			list = append(list, jobs.Job{Kind: j.Kind, Every: j.Every, Run: j.Run})
		}
	}
	return routes, list
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

// idempotencySweepEvery is how often expired idempotency records are deleted.
const idempotencySweepEvery = 10 * time.Minute
