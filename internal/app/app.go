// Package app wires portgate together: providers (live or sandbox), the
// per-provider resilience wrapper, the services and the server. cmd/portgate
// calls it; the end-to-end tests use the same code path.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"

	"github.com/portgate/portgate"
	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/server"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/chaos"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/flowroute/flowroutefake"
	"github.com/portgate/portgate/providers/resilience"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/providers/telnyx/telnyxfake"
	"github.com/portgate/portgate/service"
)

// App is a built, not yet started, portgate.
type App struct {
	Server *server.Server
	// Sandboxes holds the in-process fakes by provider name (sandbox mode only).
	Sandboxes map[string]*Sandbox
	// Providers are the wrapped providers by name.
	Providers map[string]*resilience.Provider
}

// Build assembles the app from cfg. Closers of everything it starts are
// handed to the server, which closes them on Shutdown.
func Build(cfg config.Config, logger *slog.Logger) (_ *App, err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := resilience.NewMetrics(reg)

	a := &App{Sandboxes: map[string]*Sandbox{}, Providers: map[string]*resilience.Provider{}}
	var closers []io.Closer
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				_ = closers[i].Close()
			}
		}
	}()

	httpClient := resilience.NewHTTPClient(resilience.HTTPOptions{})
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

	// Flowroute: live with credentials, sandbox without.
	{
		fcfg := flowroute.Config{BaseURL: cfg.FlowrouteBaseURL, AccessKey: cfg.FlowrouteAccessKey, SecretKey: cfg.FlowrouteSecretKey, HTTPClient: httpClient}
		mode := pb.Provider_LIVE
		if cfg.FlowrouteAccessKey == "" || cfg.FlowrouteSecretKey == "" {
			sb, err := StartFlowrouteSandbox(SandboxOptions{Step: cfg.SandboxStepInterval, Chaos: cfg.SandboxChaosFlowroute, Logger: logger})
			if err != nil {
				return nil, err
			}
			closers = append(closers, sb)
			a.Sandboxes[flowroute.Name] = sb
			fcfg.BaseURL, fcfg.AccessKey, fcfg.SecretKey = sb.URL, FlowrouteSandboxAccessKey, FlowrouteSandboxSecretKey
			mode = pb.Provider_SANDBOX
			logger.Info("no Flowroute credentials (FLOWROUTE_ACCESS_KEY/FLOWROUTE_SECRET_KEY): using the in-process Flowroute sandbox", "url", sb.URL)
		}
		p, err := flowroute.New(fcfg)
		if err != nil {
			return nil, fmt.Errorf("flowroute: %w", err)
		}
		byName[flowroute.Name] = built{p, "Flowroute", mode}
	}
	// Telnyx: live with an API key, sandbox without.
	{
		tcfg := telnyx.Config{BaseURL: cfg.TelnyxBaseURL, APIKey: cfg.TelnyxAPIKey, HTTPClient: httpClient}
		mode := pb.Provider_LIVE
		if cfg.TelnyxAPIKey == "" {
			sb, err := StartTelnyxSandbox(SandboxOptions{Step: cfg.SandboxStepInterval, Chaos: cfg.SandboxChaosTelnyx, Logger: logger})
			if err != nil {
				return nil, err
			}
			closers = append(closers, sb)
			a.Sandboxes[telnyx.Name] = sb
			tcfg.BaseURL, tcfg.APIKey, tcfg.SandboxExtensions = sb.URL+"/v2", TelnyxSandboxAPIKey, true
			mode = pb.Provider_SANDBOX
			logger.Info("no Telnyx credentials (TELNYX_API_KEY): using the in-process Telnyx sandbox", "url", sb.URL)
		}
		p, err := telnyx.New(tcfg)
		if err != nil {
			return nil, fmt.Errorf("telnyx: %w", err)
		}
		byName[telnyx.Name] = built{p, "Telnyx", mode}
	}

	order := cfg.ProviderPreference
	if len(order) == 0 {
		order = []string{flowroute.Name, telnyx.Name}
	}
	var backends []service.Backend
	seen := map[string]bool{}
	add := func(name string) error {
		b, ok := byName[name]
		if !ok {
			return fmt.Errorf("PORTGATE_PROVIDER_PREFERENCE: unknown provider %q (known: flowroute, telnyx)", name)
		}
		if seen[name] {
			return nil
		}
		seen[name] = true
		pol, err := resilience.ParsePolicy(map[string]string{flowroute.Name: cfg.ResilienceFlowroute, telnyx.Name: cfg.ResilienceTelnyx}[name], policy)
		if err != nil {
			return fmt.Errorf("PORTGATE_RESILIENCE_%s: %w", strings.ToUpper(name), err)
		}
		wrapped := resilience.Wrap(b.p, pol, resilience.WithLogger(logger), resilience.WithMetrics(metrics))
		a.Providers[name] = wrapped
		backends = append(backends, service.Backend{Provider: wrapped, DisplayName: b.display, Mode: b.mode, Health: breakerHealth(wrapped)})
		return nil
	}
	for _, n := range order {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	for _, n := range []string{flowroute.Name, telnyx.Name} { // unlisted providers go last
		if err := add(n); err != nil {
			return nil, err
		}
	}

	svcs, err := service.New(service.Options{Backends: backends, DefaultRegion: cfg.DefaultRegion, Logger: logger,
		PageTokenKey: []byte(cfg.PageTokenKey)})
	if err != nil {
		return nil, err
	}
	// Closers run in reverse: drop the idle keep-alive connections to the
	// providers first, so the sandboxes' graceful shutdown has none to wait on.
	closers = append(closers, closerFunc(httpClient.CloseIdleConnections))
	srv, err := server.New(server.Config{
		GRPCAddr: cfg.GRPCAddr, HTTPAddr: cfg.HTTPAddr, Logger: logger, OpenAPI: portgate.OpenAPI,
		Registry: reg, ShutdownGrace: cfg.ShutdownGrace, Closers: closers,
		Services: []server.Service{
			{Name: pb.Porting_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterPortingServer(r, svcs.Porting) }, Gateway: pb.RegisterPortingHandler},
			{Name: pb.Numbers_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterNumbersServer(r, svcs.Numbers) }, Gateway: pb.RegisterNumbersHandler},
			{Name: pb.Providers_ServiceDesc.ServiceName, Register: func(r grpc.ServiceRegistrar) { pb.RegisterProvidersServer(r, svcs.Providers) }, Gateway: pb.RegisterProvidersHandler},
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

func breakerHealth(p *resilience.Provider) func() (pb.Provider_Health, time.Time) {
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

// Run builds, starts and serves until ctx is done, then shuts down gracefully.
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger) error {
	a, err := Build(cfg, logger)
	if err != nil {
		return err
	}
	if err := a.Server.Start(ctx); err != nil {
		return err
	}
	logger.Info("portgate serving", "grpc", a.Server.GRPCAddr(), "http", a.Server.HTTPAddr())
	waitErr := make(chan error, 1)
	go func() { waitErr <- a.Server.Wait() }()
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-waitErr:
		if err != nil {
			logger.Error("server stopped", "err", err)
		}
	}
	grace := cfg.ShutdownGrace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace+5*time.Second)
	defer cancel()
	return a.Server.Shutdown(sctx)
}

// SandboxOptions configures an in-process fake.
type SandboxOptions struct {
	Addr   string        // "" = 127.0.0.1:0
	Step   time.Duration // order progression interval
	Chaos  string        // fault spec (providers/chaos)
	Seed   int64         // chaos seed
	Logger *slog.Logger
	// WebhookURL (Telnyx only): where the fake POSTs its signed
	// porting_order.* webhooks, besides each order's own webhook_url.
	WebhookURL string
}

// Sandbox is a running fake on a real loopback listener.
type Sandbox struct {
	URL   string
	Chaos *chaos.Injector
	// Advance moves every submitted order one step (tests, demos).
	Advance func()
	// PublicKey verifies the fake's webhook signatures (Telnyx only; nil
	// for Flowroute). Telnyx clients take it base64-encoded.
	PublicKey ed25519.PublicKey
	srv       *http.Server
	close     func()
}

// Close stops the listener and the fake.
// In-flight requests get a moment to finish; then connections are cut (a
// fake has nothing to lose).
func (s *Sandbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = s.srv.Close()
	}
	s.close()
	return nil
}

func startSandbox(o SandboxOptions, h http.Handler, advance, closeFake func()) (*Sandbox, error) {
	faults, err := chaos.Parse(o.Chaos)
	if err != nil {
		closeFake()
		return nil, fmt.Errorf("chaos spec %q: %w", o.Chaos, err)
	}
	inj := chaos.New(faults, o.Seed)
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		closeFake()
		return nil, err
	}
	srv := &http.Server{Handler: inj.Wrap(h), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(lis) }()
	return &Sandbox{URL: "http://" + lis.Addr().String(), Chaos: inj, Advance: advance, srv: srv, close: closeFake}, nil
}

// StartFlowrouteSandbox runs the Flowroute fake on a loopback port.
func StartFlowrouteSandbox(o SandboxOptions) (*Sandbox, error) {
	f := flowroutefake.New(flowroutefake.Options{AccessKey: FlowrouteSandboxAccessKey, SecretKey: FlowrouteSandboxSecretKey, StepInterval: o.Step, Logger: o.Logger})
	return startSandbox(o, f, f.Advance, f.Close)
}

// StartTelnyxSandbox runs the Telnyx fake on a loopback port.
func StartTelnyxSandbox(o SandboxOptions) (*Sandbox, error) {
	f := telnyxfake.New(telnyxfake.Options{APIKey: TelnyxSandboxAPIKey, StepInterval: o.Step, WebhookURL: o.WebhookURL, Logger: o.Logger})
	sb, err := startSandbox(o, f, f.Advance, f.Close)
	if err != nil {
		return nil, err
	}
	sb.PublicKey = f.PublicKey()
	return sb, nil
}

// Sandbox credentials (the fakes' defaults), printed by `portgate sandbox`.
const (
	FlowrouteSandboxAccessKey = flowroutefake.DefaultAccessKey
	FlowrouteSandboxSecretKey = flowroutefake.DefaultSecretKey
	TelnyxSandboxAPIKey       = "sandbox"
)

// closerFunc adapts a func() to io.Closer.
type closerFunc func()

func (f closerFunc) Close() error { f(); return nil }
