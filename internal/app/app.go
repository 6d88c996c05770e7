// Package app wires portgate together: providers (live or sandbox), the
// per-provider resilience wrapper, the services and the server. cmd/portgate
// calls it; the end-to-end tests use the same code path.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	"github.com/portgate/portgate"
	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/jobs"
	"github.com/portgate/portgate/internal/server"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/telemetry"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/providers/registry"
	_ "github.com/portgate/portgate/providers/registry/builtin" // the shipped adapters and their event sources
	"github.com/portgate/portgate/providers/resilience"
	"github.com/portgate/portgate/sandbox/chaos"
	"github.com/portgate/portgate/sandbox/sandboxes"
	_ "github.com/portgate/portgate/sandbox/sandboxes/builtin" // the shipped fakes
	"github.com/portgate/portgate/service"
)

// App is a built, not yet started, portgate.
type App struct {
	Server *server.Server
	// Sandboxes holds the in-process fakes by provider name (sandbox mode only).
	Sandboxes map[string]*Sandbox
	// Providers are the portable clients (driver + resilience policy) by name.
	Providers map[string]*portable.Client
	// Store is the durable state (closed by Server.Shutdown).
	Store store.Store
	// Events wakes Watch streams when events are stored.
	Events *events.Hub
}

func init() {
	config.ValidateSandboxSpec = func(spec string) error {
		_, err := chaos.Parse(spec)
		return err
	}
}

const storeOpenTimeout = 30 * time.Second

// Options are Build's extras beyond the configuration.
type Options struct {
	// SpanProcessors receive every span besides the OTLP exporter (tests:
	// an in-memory exporter).
	SpanProcessors []sdktrace.SpanProcessor
}

// Build assembles the app from cfg. Closers of everything it starts are
// handed to the server, which closes them on Shutdown.
func Build(cfg config.Config, logger *slog.Logger) (*App, error) {
	return BuildWith(cfg, logger, Options{})
}

// BuildWith is Build with Options.
func BuildWith(cfg config.Config, logger *slog.Logger, opts Options) (_ *App, err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	authn, notice, err := buildAuth(cfg, logger)
	if err != nil {
		return nil, err
	}
	var tlsCfg *tls.Config
	if cfg.TLSCertFile != "" {
		if tlsCfg, err = server.LoadTLS(cfg.TLSCertFile, cfg.TLSKeyFile, cfg.TLSClientCAFile); err != nil {
			return nil, fmt.Errorf("PORTGATE_TLS_CERT_FILE / PORTGATE_TLS_KEY_FILE / PORTGATE_TLS_CLIENT_CA_FILE: %w", err)
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := resilience.NewMetrics(reg)

	a := &App{Sandboxes: map[string]*Sandbox{}, Providers: map[string]*portable.Client{}}
	var closers []io.Closer
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				_ = closers[i].Close()
			}
		}
	}()

	// The store first, so it closes last (closers run in reverse).
	octx, ocancel := context.WithTimeout(context.Background(), storeOpenTimeout)
	st, err := store.Open(octx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	ocancel()
	if err != nil {
		return nil, err
	}
	closers = append(closers, st)
	a.Store = st
	switch {
	case cfg.DatabaseURL != "":
		logger.Info("store: PostgreSQL (PORTGATE_DATABASE_URL)")
	case cfg.DataDir != "":
		logger.Info("store: SQLite", "file", filepath.Join(cfg.DataDir, store.SQLiteFile))
	default:
		logger.Warn("store: in memory (PORTGATE_DATA_DIR empty): request_id outcomes are lost on restart")
	}

	// Tracing: spans always get ids (logs, propagation); they are recorded
	// and exported only when an OTLP endpoint (or, in tests, a span
	// processor) is configured. Closed last, so the final
	// spans are flushed.
	tp, err := telemetry.NewTracerProvider(cfg.OTLPEndpoint, opts.SpanProcessors...)
	if err != nil {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	closers = append(closers, closerFunc(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			logger.Warn("flushing traces", "err", err)
		}
	}))
	if cfg.OTLPEndpoint != "" {
		logger.Info("exporting traces over OTLP/HTTP", "endpoint", cfg.OTLPEndpoint)
	}

	// Spans that never record (no exporter): the provider HTTP requests and
	// the portable client's calls start none (they would only be allocated
	// and dropped); the RPC's id-only span covers their log lines.
	recording := telemetry.Records(cfg.OTLPEndpoint, opts.SpanProcessors)
	var clientTP trace.TracerProvider
	spanOpt := portable.WithoutSpans()
	if recording {
		clientTP, spanOpt = tp, portable.WithTracerProvider(tp)
	}
	httpClient := httpx.NewClient(httpx.Options{TracerProvider: clientTP})
	policy := resilience.DefaultPolicy()
	if cfg.ProviderTimeout > 0 {
		policy.DefaultTimeout = cfg.ProviderTimeout
	}

	type built struct {
		p       providers.Provider
		display string
		mode    pb.Provider_Mode
	}
	byName := map[string]built{}

	// The mode decides, never a missing credential: live mode runs every
	// enabled provider against its real API (config.Load has already refused
	// missing credentials; Build checks again for hand-built configs),
	// sandbox mode runs each against its in-process fake.
	mode := cfg.EffectiveMode()
	ev := &eventsIn{cfg: cfg, st: st, logger: logger, sandbox: mode == config.ModeSandbox, tls: tlsCfg != nil, sources: map[string]registry.EventSources{},
		httpAddr: func() string {
			if a.Server == nil {
				return ""
			}
			return a.Server.HTTPAddr()
		}}
	if mode == config.ModeLive {
		var missing []string
		for _, p := range cfg.EnabledProviders() {
			missing = append(missing, cfg.MissingCredentials(p)...)
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("live mode: %s not set (switch a provider off with PORTGATE_PROVIDERS)", strings.Join(missing, ", "))
		}
	} else {
		logger.Warn("SANDBOX MODE: every provider is an in-process fake; no real carrier is called (PORTGATE_MODE=live for real APIs)")
	}
	for _, env := range cfg.IgnoredCredentials() {
		logger.Warn("credential set but not used", "setting", env, "mode", mode, "providers", strings.Join(cfg.EnabledProviders(), ","))
	}
	// One loop over the registered adapters: each reads the settings it
	// declares (live), or is pointed at its in-process sandbox.
	for _, name := range registry.Names() {
		if !cfg.ProviderEnabled(name) {
			continue
		}
		ad, _ := registry.Lookup(name)
		settings := registry.Settings{}
		for _, st := range ad.Settings {
			settings[st.Key] = cfg.Value(st.Env)
		}
		pmode := pb.Provider_LIVE
		var sandboxKey []byte
		if mode == config.ModeSandbox {
			start, ok := sandboxes.Lookup(name)
			if !ok {
				return nil, fmt.Errorf("%s: no sandbox for this provider (PORTGATE_MODE=live)", name)
			}
			chaosEnv := "PORTGATE_SANDBOX_CHAOS_" + strings.ToUpper(name)
			sb, sbSettings, err := start(sandboxes.Options{Step: cfg.SandboxStepInterval, Chaos: cfg.Value(chaosEnv), Logger: logger})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", chaosEnv, err)
			}
			closers = append(closers, sb)
			a.Sandboxes[name] = sb
			maps.Copy(settings, sbSettings)
			sandboxKey = sb.PublicKey
			pmode = pb.Provider_SANDBOX
			logger.Info(ad.DisplayName+": in-process sandbox", "url", sb.URL)
		}
		settings, _ = ad.Resolve(settings)
		p, err := ad.New(settings, httpClient)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		byName[name] = built{p, ad.DisplayName, pmode}
		// The adapter's own event sources (callback URL, webhook routes,
		// sync jobs), declared where it registers.
		if evf, ok := registry.Events(name); ok {
			src, err := evf(registry.EventEnv{Settings: cfg.AdapterSettings(name), Store: st, Logger: logger,
				Sandbox: mode == config.ModeSandbox, SandboxPublicKey: sandboxKey, PublicURL: ev.publicURL})
			if err != nil {
				return nil, err
			}
			ev.sources[name] = src
		}
	}

	order := cfg.ProviderPreference
	if len(order) == 0 {
		order = registry.Names()
	}
	var backends []service.Backend
	seen := map[string]bool{}
	add := func(name string) error {
		b, ok := byName[name]
		if !ok {
			if cfg.ProviderEnabled(name) {
				return fmt.Errorf("PORTGATE_PROVIDER_PREFERENCE: unknown provider %q (known: %s)", name, strings.Join(registry.Names(), ", "))
			}
			return nil // switched off
		}
		if seen[name] {
			return nil
		}
		seen[name] = true
		pol, err := resilience.ParsePolicy(cfg.Value("PORTGATE_RESILIENCE_"+strings.ToUpper(name)), policy)
		if err != nil {
			return fmt.Errorf("PORTGATE_RESILIENCE_%s: %w", strings.ToUpper(name), err)
		}
		// The callback decorator (events-in) sits on the driver, under the
		// portable client: the client still applies the policy once.
		drv := ev.wrap(name, b.p)
		guard := resilience.Wrap(drv, pol, resilience.WithLogger(logger), resilience.WithMetrics(metrics))
		client := portable.New(drv, portable.WithResilience(guard), spanOpt)
		a.Providers[name] = client
		// Closers run in reverse: the client closes after the jobs and
		// the servers that call it have stopped, before its sandbox.
		closers = append(closers, client)
		backends = append(backends, service.Backend{Provider: client, DisplayName: b.display, Mode: b.mode, Health: breakerHealth(client)})
		return nil
	}
	for _, n := range order {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	for _, n := range registry.Names() { // unlisted providers go last
		if err := add(n); err != nil {
			return nil, err
		}
	}

	// The event hub follows the store (in-process appends, and on
	// PostgreSQL every replica's appends through LISTEN/NOTIFY) and wakes
	// Watch streams and the outbound dispatcher.
	hub := events.NewHub()
	a.Events = hub
	hubCtx, hubStop := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); hub.Run(hubCtx, st, 0) }()
	closers = append(closers, closerFunc(func() { hubStop(); <-hubDone }))

	svcs, err := service.New(service.Options{Backends: backends, DefaultRegion: cfg.DefaultRegion, Logger: logger, SecurityNotice: notice,
		Store: st, IdempotencyTTL: cfg.IdempotencyTTL, PageTokenKey: []byte(cfg.PageTokenKey), Events: hub,
		WatchBuffer: cfg.WatchBuffer, WatchStall: cfg.WatchStall})
	if err != nil {
		return nil, err
	}
	jobList := []jobs.Job{{Kind: "idempotency_expiry", Every: idempotencySweepEvery, Run: func(ctx context.Context) error {
		n, err := svcs.SweepExpired(ctx)
		if n > 0 {
			logger.Debug("idempotency sweep", "deleted", n)
		}
		return err
	}}}
	routes, eventJobs := ev.start(a.Providers)
	jobList = append(jobList, eventJobs...)
	// Outbound delivery: the dispatcher enqueues River jobs (one per event
	// and target), which River runs, retries and gives up on.
	var dispatcher *events.Dispatcher
	var delivery *jobs.Delivery
	if cfg.EventsSecret != "" {
		secret, err := events.ParseSecret(cfg.EventsSecret)
		if err != nil {
			return nil, fmt.Errorf("PORTGATE_EVENTS_SECRET: %w", err)
		}
		d := &events.Dispatcher{Store: st, Hub: hub, Render: service.EventJSON, Secret: secret, EventsURL: cfg.EventsURL, Logger: logger}
		dispatcher = d
		delivery = &jobs.Delivery{Schedule: d.Schedule(), Timeout: events.DeliveryTimeout + 5*time.Second, Deliver: d.Attempt}
	} else if cfg.EventsURL != "" {
		return nil, errors.New("PORTGATE_EVENTS_URL is set but PORTGATE_EVENTS_SECRET is not: outbound events are always signed")
	} else {
		logger.Info("outbound event delivery off (PORTGATE_EVENTS_SECRET unset)")
	}
	runner, err := startJobs(cfg, st, logger, jobList, delivery)
	if err != nil {
		return nil, err
	}
	closers = append(closers, runner)
	if d := dispatcher; d != nil {
		d.Enqueue = runner.Enqueue
		dctx, dstop := context.WithCancel(context.Background())
		ddone := make(chan struct{})
		go func() { defer close(ddone); d.Run(dctx) }()
		// Closers run in reverse: the enqueuer stops before River.
		closers = append(closers, closerFunc(func() { dstop(); <-ddone }))
	}
	// Closers run in reverse: drop the idle keep-alive connections to the
	// providers first, so the sandboxes' graceful shutdown has none to wait on.
	closers = append(closers, closerFunc(httpClient.CloseIdleConnections))
	srv, err := server.New(server.Config{
		GRPCAddr: cfg.GRPCAddr, HTTPAddr: cfg.HTTPAddr, AdminAddr: cfg.AdminAddr, Pprof: cfg.Pprof, Logger: logger, OpenAPI: portgate.OpenAPI,
		Registry: reg, ShutdownGrace: cfg.ShutdownGrace, Closers: closers, OnShutdown: hub.Close, MaxRequestBytes: cfg.MaxRequestBytes,
		TracerProvider: tp, Propagator: telemetry.Propagator(), IDOnlySpans: !recording,
		Auth: authn, DisableReflection: cfg.DisableReflection, TLS: tlsCfg,
		Validate: service.ValidateRequest,
		Routes:   routes,
		Services: []server.Service{
			{Name: pb.Porting_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterPortingServer(r, svcs.Porting) }, Gateway: func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
				return pb.RegisterPortingHandlerClient(ctx, mux, pb.NewPortingClient(cc))
			}},
			{Name: pb.Numbers_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterNumbersServer(r, svcs.Numbers) }, Gateway: func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
				return pb.RegisterNumbersHandlerClient(ctx, mux, pb.NewNumbersClient(cc))
			}},
			{Name: pb.Providers_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterProvidersServer(r, svcs.Providers) }, Gateway: func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
				return pb.RegisterProvidersHandlerClient(ctx, mux, pb.NewProvidersClient(cc))
			}},
		},
		ProviderHealth: func() map[string]string {
			out := map[string]string{}
			for name, p := range a.Providers {
				out[name] = p.Health().State
			}
			return out
		},
	})
	if err != nil {
		return nil, err
	}
	a.Server = srv
	return a, nil
}

// buildAuth returns the interceptor's authenticator (nil = callers need no
// key) and, when callers need none, the notice ListProviders shows; it logs
// that at WARN. Live mode without keys is refused (config.CheckAuth).
func buildAuth(cfg config.Config, logger *slog.Logger) (*auth.Authenticator, string, error) {
	if err := config.CheckAuth(cfg); err != nil {
		return nil, "", err
	}
	switch {
	case cfg.AuthOff:
		notice := "authentication is switched off (PORTGATE_AUTH=off): every caller that reaches this gateway may call every RPC; " +
			"only safe behind a mesh that authenticates callers"
		logger.Warn("AUTHENTICATION OFF: " + notice)
		return nil, notice, nil
	case len(cfg.Keys) == 0:
		notice := "sandbox mode without API keys: every caller that reaches this gateway may call every RPC; " +
			"configure PORTGATE_API_KEYS_FILE before exposing it"
		logger.Warn("NO AUTHENTICATION: " + notice)
		return nil, notice, nil
	}
	authn, err := auth.New(cfg.Keys)
	if err != nil {
		return nil, "", err
	}
	logger.Info("API key authentication on", "keys", len(cfg.Keys))
	return authn, "", nil
}

func breakerHealth(p *portable.Client) func() (pb.Provider_Health, time.Time) {
	return func() (pb.Provider_Health, time.Time) {
		h := p.Health()
		switch h.State {
		case "open":
			return pb.Provider_CIRCUIT_OPEN, h.OpenUntil
		case "half-open":
			return pb.Provider_DEGRADED, time.Time{}
		}
		return pb.Provider_SERVING, time.Time{}
	}
}

// Run builds, starts and serves until ctx is done, then shuts down
// gracefully (bounded by cfg.ShutdownGrace).
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	return Serve(ctx, context.Background(), cfg, logger, nil)
}

// Serve builds, starts and serves until stop is done (or serving fails),
// then shuts down: in-flight calls get cfg.ShutdownGrace to finish; when
// force is done first, or the grace runs out, the rest are cut off with
// UNAVAILABLE and RetryInfo and Serve returns an error wrapping
// server.ErrForcedShutdown. ready, when set, is called once serving.
func Serve(stop, force context.Context, cfg config.Config, logger *slog.Logger, ready func(*App)) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a, err := Build(cfg, logger)
	if err != nil {
		return err
	}
	if err := a.Server.Start(stop); err != nil {
		_ = a.Server.Shutdown(context.Background())
		return err
	}
	logger.Info("portgate serving", "mode", cfg.EffectiveMode(), "grpc", a.Server.GRPCAddr(), "http", a.Server.HTTPAddr(), "admin", a.Server.AdminAddr())
	if ready != nil {
		ready(a)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- a.Server.Wait() }()
	var serveErr error
	select {
	case <-stop.Done():
		logger.Info("shutting down; a second SIGINT/SIGTERM cuts off in-flight calls", "grace", cfg.ShutdownGrace.String())
	case serveErr = <-waitErr:
		if serveErr != nil {
			logger.Error("server stopped", "err", serveErr)
		}
	}
	return errors.Join(serveErr, a.Server.Shutdown(force))
}

// NewLogger is the process logger: cfg's level and format, writing to w,
// with the trace and span ids of the current request on every line logged
// in a request's context.
func NewLogger(w io.Writer, cfg config.Config) *slog.Logger {
	return slog.New(telemetry.LogHandler(cfg.Logger(w).Handler()))
}

// Main runs portgate until SIGINT or SIGTERM and returns the process exit
// code: 0 after a clean shutdown, 1 when start-up failed, serving failed or
// the shutdown had to cut calls off (grace period over, or a second signal).
func Main(cfg config.Config, logger *slog.Logger) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	return MainSignals(cfg, logger, sigs, nil)
}

// MainSignals is Main with the signals given as a channel (tests): the first
// one starts the graceful shutdown, the second forces it.
func MainSignals(cfg config.Config, logger *slog.Logger, sigs <-chan os.Signal, ready func(*App)) int {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	stop, stopNow := context.WithCancel(context.Background())
	force, forceNow := context.WithCancel(context.Background())
	defer stopNow()
	defer forceNow()
	go func() {
		select {
		case sig := <-sigs:
			logger.Info("signal received", "signal", sig.String())
			stopNow()
		case <-force.Done():
			return
		}
		select {
		case sig := <-sigs:
			logger.Warn("second signal: forcing shutdown", "signal", sig.String())
			forceNow()
		case <-force.Done():
		}
	}()
	if err := Serve(stop, force, cfg, logger, ready); err != nil {
		logger.Error("portgate failed", "err", err)
		return 1
	}
	logger.Info("portgate stopped")
	return 0
}

// SandboxOptions configures an in-process fake (sandbox/sandboxes).
type SandboxOptions = sandboxes.Options

// Sandbox is a running fake on a real loopback listener (sandbox/sandboxes).
type Sandbox = sandboxes.Sandbox

// closerFunc adapts a func() to io.Closer.
type closerFunc func()

func (f closerFunc) Close() error { f(); return nil }
