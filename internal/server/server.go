// Package server wires portgate's gRPC server, its interceptor chain, the
// grpc-gateway REST mux and the plain HTTP routes (/healthz, /metrics,
// /openapi.json) into one process with one start and one shutdown path.
//
// Services plug in through [Service]; this package never imports generated code.
package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/portgate/portgate/internal/auth"
)

// BufconnAddr as Config.GRPCAddr serves gRPC on an in-memory listener.
const BufconnAddr = "bufconn"

const (
	defaultShutdownGrace = 10 * time.Second
	// cutoffAnswerWait is how long cut-off calls get to send their
	// UNAVAILABLE answer before connections are closed.
	cutoffAnswerWait = time.Second
	bufconnSize      = 1 << 20
	// maxMsgBytes bounds sent gRPC messages (Config.MaxRequestBytes bounds
	// received ones).
	maxMsgBytes = 16 << 20
	// streamWorkers is grpc.NumStreamWorkers.
	streamWorkers = 64
)

// Health states reported at /healthz.
const (
	StatusServing    = "SERVING"
	StatusNotServing = "NOT_SERVING"
)

// Service is one gRPC service plus its REST gateway registration.
type Service struct {
	// Name is the full gRPC service name, e.g. "portgate.v1.Porting"; health
	// reports SERVING for it.
	Name string
	// Register registers the gRPC implementation.
	Register func(grpc.ServiceRegistrar)
	// Gateway registers the REST routes on mux with conn, e.g.
	//
	//	func(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error {
	//		return portgatev1.RegisterPortingHandlerClient(ctx, mux, portgatev1.NewPortingClient(conn))
	//	}
	//
	// conn runs unary calls in-process behind the whole interceptor chain
	// (see inproc.go) and streaming calls over a loopback gRPC connection.
	// Optional.
	Gateway func(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error
}

// Config configures a Server.
type Config struct {
	// GRPCAddr is the gRPC listen address (":9090"); BufconnAddr ("bufconn")
	// listens in memory.
	GRPCAddr string
	// HTTPAddr is the REST/ops listen address (":8080"); "" = no HTTP server.
	HTTPAddr string
	// AdminAddr, when set, serves /metrics (and /debug/pprof when Pprof is
	// set) on their own listener, and HTTPAddr no longer serves them.
	AdminAddr string
	// Pprof serves net/http/pprof at /debug/pprof/ (admin listener when
	// AdminAddr is set, else the HTTP listener). Off by default.
	Pprof    bool
	Logger   *slog.Logger
	Services []Service
	// OpenAPI is served at GET /openapi.json.
	OpenAPI []byte
	// Registry receives the gRPC server metrics and is served at /metrics; nil
	// means a new private registry (with Go and process collectors).
	Registry *prometheus.Registry
	// ShutdownGrace bounds GracefulStop; 0 means 10s.
	ShutdownGrace time.Duration
	// ProviderHealth optionally reports provider name → state ("SERVING",
	// "OPEN_CIRCUIT", ...) for /healthz.
	ProviderHealth func() map[string]string
	// Closers are closed in reverse order at the end of Shutdown.
	Closers []io.Closer
	// OnShutdown runs when Shutdown begins, before in-flight calls are
	// waited for: it ends calls that never finish by themselves (Watch
	// streams), so they need not run into the grace period. Optional.
	OnShutdown func()
	// TracerProvider and Propagator trace every call: REST requests (the
	// caller's traceparent is honoured), the RPC a REST request runs
	// in-process (a server span like otelgrpc's), the gateway's stream hop to
	// the gRPC listener (the trace context crosses it) and gRPC calls. nil:
	// the OpenTelemetry globals (no-op unless set).
	TracerProvider trace.TracerProvider
	Propagator     propagation.TextMapPropagator
	// IDOnlySpans says TracerProvider's spans do not record (nothing
	// exports or processes them): calls then get spans that only carry ids
	// (for log lines), continuing the caller's trace context, from thin
	// handlers instead of otelgrpc's and otelhttp's instrumentation
	// (idspans.go). Set it only when no span is ever recorded.
	IDOnlySpans bool
	// Auth authenticates and authorizes every RPC (gRPC and REST); nil = no
	// authentication.
	Auth *auth.Authenticator
	// DisableReflection turns gRPC server reflection off.
	DisableReflection bool
	// TLS, when set, serves both listeners over TLS with its Certificates
	// (at least one; the first is the one the gateway's loopback hop for
	// streaming RPCs pins).
	// ClientAuth tls.RequireAndVerifyClientCert with ClientCAs = mutual TLS.
	// See LoadTLS.
	TLS *tls.Config
	// MaxRequestBytes caps a REST request body (413 beyond it) and a
	// received gRPC message; 0 means DefaultMaxRequestBytes.
	MaxRequestBytes int64
	// Validate checks every request message before its handler (the
	// "validate" middleware); nil accepts everything.
	Validate Validator
	// Routes are extra plain-HTTP routes on the HTTP listener, keyed by
	// http.ServeMux pattern (e.g. "POST /webhooks/telnyx"). They run after
	// the path hygiene checks and before the REST body cap and the gateway,
	// outside API-key authentication: each handler authenticates its own
	// callers and caps its own body.
	Routes map[string]http.Handler
}

// Server is a gRPC server with an optional REST gateway and ops routes.
type Server struct {
	cfg     Config
	logger  *slog.Logger
	reg     *prometheus.Registry
	metrics *grpcprom.ServerMetrics
	health  *health.Server
	grpcSrv *grpc.Server
	chain   []Middleware
	tls     *serverTLS // nil = plaintext
	// methods are the services' unary methods, for the gateway's in-process
	// calls; inflight counts those calls.
	methods  map[string]inprocMethod
	inflight *inflight

	mu       sync.Mutex
	started  bool
	stopping bool
	grpcLis  net.Listener
	bufLis   *bufconn.Listener
	httpLis  net.Listener
	httpSrv  *http.Server
	adminLis net.Listener
	adminSrv *http.Server
	gwConn   *grpc.ClientConn
	cancel   context.CancelFunc

	serving atomic.Bool

	shutdownOnce sync.Once
	shutdownErr  error

	// group runs one goroutine per listener; the first unexpected serve
	// error takes the rest down (serve) and is what Wait returns.
	group   errgroup.Group
	waitErr error // set before done is closed
	done    chan struct{}

	provMu       sync.Mutex
	lastProvider map[string]string

	// drainCtx ends when the shutdown grace period is over: every running
	// call's context is cancelled and the call answers UNAVAILABLE with
	// RetryInfo (see drainer).
	drainCtx context.Context
	drain    context.CancelFunc
	drainer  *drainer
}

// New builds a Server; nothing listens until Start.
func New(cfg Config) (*Server, error) {
	if cfg.GRPCAddr == "" {
		return nil, errors.New("server: GRPCAddr is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = defaultShutdownGrace
	}
	seen := map[string]bool{}
	for i, svc := range cfg.Services {
		if svc.Name == "" || svc.Register == nil {
			return nil, fmt.Errorf("server: service %d needs Name and Register", i)
		}
		if seen[svc.Name] {
			return nil, fmt.Errorf("server: service %q listed twice", svc.Name)
		}
		seen[svc.Name] = true
	}

	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	metrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	if err := reg.Register(metrics); err != nil {
		return nil, fmt.Errorf("server: registering gRPC metrics: %w", err)
	}

	panics := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portgate_panics_recovered_total",
		Help: "Panics in gRPC handlers recovered (answered INTERNAL) by gRPC method.",
	}, []string{"grpc_method"})
	if err := reg.Register(panics); err != nil {
		return nil, fmt.Errorf("server: registering panic metrics: %w", err)
	}
	chain, err := DefaultMiddleware(cfg.Logger, metrics, panics, cfg.Auth, cfg.Validate)
	if err != nil {
		return nil, err
	}
	var st *serverTLS
	if cfg.TLS != nil {
		if st, err = newServerTLS(cfg.TLS); err != nil {
			return nil, err
		}
	}
	drainCtx, drain := context.WithCancel(context.Background())
	d := &drainer{ctx: drainCtx}
	chain = insertBefore(chain, MiddlewareRecovery, Middleware{Name: MiddlewareDrain, Unary: d.unary, Stream: d.stream})
	opts := append(interceptorOptions(chain),
		grpc.StatsHandler(connContexts{d}), // calls end with the drain context
		grpc.StatsHandler(cfg.tracingStatsHandler()),
		grpc.MaxRecvMsgSize(int(maxRequestBytes(cfg))),
		grpc.MaxSendMsgSize(maxMsgBytes),
		// RPCs run on reused goroutines whose stacks have already grown
		// through the handler chain, instead of a fresh goroutine each
		// (measured in docs/performance.md); beyond these, gRPC starts one.
		grpc.NumStreamWorkers(streamWorkers),
		// A fixed flow-control window (1 MiB per stream and connection, far
		// above any message portgate sends or accepts) instead of BDP
		// estimation, which pinged the client on every request's data frame
		// (a frame to write and an ack to read per call).
		grpc.InitialWindowSize(1<<20),
		grpc.InitialConnWindowSize(1<<20),
	)
	if st != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(st.grpc)))
	}
	grpcSrv := grpc.NewServer(opts...)

	hs := health.NewServer()
	healthpb.RegisterHealthServer(grpcSrv, hs)
	if !cfg.DisableReflection {
		reflection.Register(grpcSrv)
	}
	methods := map[string]inprocMethod{}
	for _, svc := range cfg.Services {
		svc.Register(&recordingRegistrar{ServiceRegistrar: grpcSrv, methods: methods})
	}
	metrics.InitializeMetrics(grpcSrv)
	for svc, info := range grpcSrv.GetServiceInfo() {
		for _, m := range info.Methods {
			panics.WithLabelValues("/" + svc + "/" + m.Name)
		}
	}

	return &Server{
		cfg:     cfg,
		logger:  cfg.Logger,
		reg:     reg,
		metrics: metrics,
		health:  hs,
		grpcSrv: grpcSrv,
		chain:   chain,
		tls:     st,
		done:    make(chan struct{}),

		methods:  methods,
		inflight: newInflight(),

		drainCtx: drainCtx,
		drain:    drain,
		drainer:  d,
	}, nil
}

// Middleware returns the names of the interceptor chain, outermost first.
func (s *Server) Middleware() []string { return MiddlewareNames(s.chain) }

// Methods returns the full name ("/pkg.Service/Method") of every RPC the gRPC
// server registers, health and reflection included, sorted.
func (s *Server) Methods() []string {
	var out []string
	for svc, info := range s.grpcSrv.GetServiceInfo() {
		for _, m := range info.Methods {
			out = append(out, "/"+svc+"/"+m.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Registry returns the registry served at /metrics.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Start binds the listeners (gRPC first, then HTTP), starts serving and returns.
// Errors from serving afterwards are logged, trigger Shutdown, and are
// returned by Wait.
func (s *Server) Start(ctx context.Context) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("server: already started")
	}
	if s.stopping {
		return errors.New("server: already shut down")
	}

	// Listeners first, so a bad address fails before anything serves.
	var lc net.ListenConfig
	if s.cfg.GRPCAddr == BufconnAddr {
		s.bufLis = bufconn.Listen(bufconnSize)
		s.grpcLis = s.bufLis
	} else if s.grpcLis, err = lc.Listen(ctx, "tcp", s.cfg.GRPCAddr); err != nil {
		return fmt.Errorf("server: gRPC listen on %s: %w", s.cfg.GRPCAddr, err)
	}
	defer func() {
		if err != nil { // undo a half-built server
			_ = s.grpcLis.Close()
			if s.httpLis != nil {
				_ = s.httpLis.Close()
			}
			if s.adminLis != nil {
				_ = s.adminLis.Close()
			}
			if s.gwConn != nil {
				_ = s.gwConn.Close()
			}
			if s.cancel != nil {
				s.cancel()
			}
		}
	}()
	if s.cfg.HTTPAddr != "" {
		if s.httpLis, err = lc.Listen(ctx, "tcp", s.cfg.HTTPAddr); err != nil {
			return fmt.Errorf("server: HTTP listen on %s: %w", s.cfg.HTTPAddr, err)
		}
	}
	if s.cfg.AdminAddr != "" {
		if s.adminLis, err = lc.Listen(ctx, "tcp", s.cfg.AdminAddr); err != nil {
			return fmt.Errorf("server: admin listen on %s: %w", s.cfg.AdminAddr, err)
		}
	}

	// gRPC.
	s.health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	for _, svc := range s.cfg.Services {
		s.health.SetServingStatus(svc.Name, healthpb.HealthCheckResponse_SERVING)
	}

	// HTTP: the gateway calls unary methods in-process behind every
	// interceptor, and dials our own gRPC listener for streams (lazily: no
	// connection until the first stream).
	var handler http.Handler
	if s.httpLis != nil {
		if s.gwConn, err = s.dial(); err != nil {
			return fmt.Errorf("server: gateway dial: %w", err)
		}
		gwCtx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		gw := NewGatewayMux()
		unary := make([]grpc.UnaryServerInterceptor, len(s.chain))
		for i, m := range s.chain {
			unary[i] = m.Unary
		}
		gwConn := s.gwConn
		conn := &inprocConn{
			methods:  s.methods,
			unary:    chainUnary(unary),
			inflight: s.inflight,
			stream:   func() (grpc.ClientConnInterface, error) { return gwConn, nil },
			tracer:   s.tracerProvider().Tracer(tracerName),
			idOnly:   s.cfg.IDOnlySpans,
		}
		for _, svc := range s.cfg.Services {
			if svc.Gateway == nil {
				continue
			}
			if err = svc.Gateway(gwCtx, gw, conn); err != nil {
				return fmt.Errorf("server: gateway for %s: %w", svc.Name, err)
			}
		}
		handler = s.tracedHTTP(s.restHandler(gw))
	}

	s.started = true
	s.serving.Store(true)
	s.serve("grpc", func() error { return s.grpcSrv.Serve(s.grpcLis) })
	if handler != nil {
		s.httpSrv = &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    1 << 20,
			ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
			BaseContext:       s.drainer.baseContext, // in-process calls end with the drain context
		}
		serveHTTP := func() error { return s.httpSrv.Serve(s.httpLis) }
		if s.tls != nil {
			s.httpSrv.TLSConfig = s.tls.http
			serveHTTP = func() error { return s.httpSrv.ServeTLS(s.httpLis, "", "") }
		}
		s.serve("http", func() error {
			if err := serveHTTP(); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	if s.adminLis != nil {
		s.adminSrv = &http.Server{
			Handler:           s.adminHandler(),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		}
		s.serve("admin", func() error {
			if err := s.adminSrv.Serve(s.adminLis); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	go func() { s.waitErr = s.group.Wait(); close(s.done) }()

	attrs := []any{"grpc_addr", s.grpcAddrLocked(), "http_addr", s.httpAddrLocked(), "admin_addr", s.adminAddrLocked(), "pprof", s.cfg.Pprof, "middleware", s.Middleware(),
		"tls", s.tls != nil, "mtls", s.tls != nil && s.tls.mutual, "auth", s.cfg.Auth != nil, "reflection", !s.cfg.DisableReflection}
	if p := s.providerHealth(); len(p) > 0 {
		attrs = append(attrs, "providers", p)
	}
	s.logger.Info("server started", attrs...)
	return nil
}

// serve runs fn (one listener's Serve) in the group. An unexpected error
// takes the other listeners down and is reported by Wait.
func (s *Server) serve(name string, fn func() error) {
	s.group.Go(func() error {
		err := fn()
		s.mu.Lock()
		stopping := s.stopping
		s.mu.Unlock()
		if err == nil || stopping {
			return nil
		}
		s.logger.Error("server stopped unexpectedly", "listener", name, "error", err)
		// Take the rest down with us; Wait reports the error.
		_ = s.shutdown(context.Background())
		return fmt.Errorf("server: %s: %w", name, err)
	})
}

// GRPCAddr returns the bound gRPC address ("bufconn" in memory), or the
// configured one before Start.
func (s *Server) GRPCAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grpcAddrLocked()
}

func (s *Server) grpcAddrLocked() string {
	if s.bufLis != nil {
		return BufconnAddr
	}
	if s.grpcLis != nil {
		return s.grpcLis.Addr().String()
	}
	return s.cfg.GRPCAddr
}

// AdminAddr returns the bound admin address, or the configured one before
// Start ("" when there is no admin listener).
func (s *Server) AdminAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.adminAddrLocked()
}

func (s *Server) adminAddrLocked() string {
	if s.adminLis != nil {
		return s.adminLis.Addr().String()
	}
	return s.cfg.AdminAddr
}

// HTTPAddr returns the bound HTTP address, or the configured one before Start.
func (s *Server) HTTPAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.httpAddrLocked()
}

func (s *Server) httpAddrLocked() string {
	if s.httpLis != nil {
		return s.httpLis.Addr().String()
	}
	return s.cfg.HTTPAddr
}

// Dial returns a client connection to this server's gRPC listener (bufconn
// included), with the gateway's own transport credentials (see dial). The
// caller closes it. ctx is unused: connections are lazy.
func (s *Server) Dial(_ context.Context, extra ...grpc.DialOption) (*grpc.ClientConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return nil, errors.New("server: not started")
	}
	return s.dial(extra...)
}

// dial requires s.mu and a bound gRPC listener. It is the REST gateway's
// loopback hop for streaming RPCs (unary ones run in-process, inproc.go): plaintext only when the listener is; with TLS it pins this
// server's own certificate (and with mTLS presents the in-memory hop
// certificate). The hop carries no identity of its own: the gateway forwards
// the REST caller's Authorization / x-api-key header and the auth
// interceptor checks it like any other call.
func (s *Server) dial(extra ...grpc.DialOption) (*grpc.ClientConn, error) {
	creds := insecure.NewCredentials()
	if s.tls != nil {
		creds = credentials.NewTLS(s.tls.hop)
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(s.cfg.otelgrpcOptions()...)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMsgBytes), grpc.MaxCallSendMsgSize(int(s.maxRequestBytes()))),
	}
	opts = append(opts, extra...)
	if s.bufLis != nil {
		lis := s.bufLis
		opts = append(opts, grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return lis.DialContext(ctx)
		}))
		return grpc.NewClient("passthrough:///bufconn", opts...)
	}
	return grpc.NewClient("passthrough:///"+dialable(s.grpcLis.Addr()), opts...)
}

// dialable turns a wildcard listen address into a loopback one.
func dialable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		if ip != nil && ip.To4() == nil {
			host = "::1"
		} else {
			host = "127.0.0.1"
		}
	}
	return net.JoinHostPort(host, port)
}

// Shutdown stops the server: health NOT_SERVING (gRPC and /healthz), then
// GracefulStop bounded by ShutdownGrace and ctx (then Stop), then HTTP
// Shutdown, then the gateway connection and Config.Closers in reverse. It is
// idempotent and waits until serving has stopped.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.shutdown(ctx)
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if started {
		<-s.done
	}
	return err
}

func (s *Server) shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() { s.shutdownErr = s.doShutdown(ctx) })
	return s.shutdownErr
}

func (s *Server) doShutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	started := s.started
	s.mu.Unlock()
	s.serving.Store(false)
	s.health.Shutdown()
	if s.cfg.OnShutdown != nil {
		s.cfg.OnShutdown()
	}

	var errs []error
	if started {
		s.logger.Info("server shutting down", "grace", s.cfg.ShutdownGrace.String())
		graceCtx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace)
		defer cancel()

		// Stopped: gRPC calls (GracefulStop) and the gateway's in-process
		// calls have all finished; neither admits new ones.
		grpcStopped := make(chan struct{})
		stopped := make(chan struct{})
		inprocIdle := s.inflight.close()
		go func() { s.grpcSrv.GracefulStop(); close(grpcStopped) }()
		go func() { <-grpcStopped; <-inprocIdle; close(stopped) }()
		httpCtx := graceCtx
		select {
		case <-stopped:
		case <-graceCtx.Done():
			// Cut off what is still running: each call's context ends and
			// the drain interceptor answers UNAVAILABLE with RetryInfo. The
			// calls get a moment to send that answer before connections close.
			s.logger.Warn("shutdown grace period over; cutting off in-flight calls", "grace", s.cfg.ShutdownGrace.String())
			errs = append(errs, ErrForcedShutdown)
			s.drain()
			cut := time.NewTimer(cutoffAnswerWait)
			select {
			case <-stopped:
			case <-cut.C:
				s.grpcSrv.Stop()
				<-grpcStopped
			}
			cut.Stop()
			// REST callers of cut-off calls still get their 503.
			var cancelHTTP context.CancelFunc
			httpCtx, cancelHTTP = context.WithTimeout(context.Background(), cutoffAnswerWait)
			defer cancelHTTP()
		}

		if s.httpSrv != nil {
			if err := s.httpSrv.Shutdown(httpCtx); err != nil {
				s.logger.Warn("HTTP graceful shutdown timed out; closing", "error", err)
				_ = s.httpSrv.Close()
			}
		}
		if s.adminSrv != nil { // last, so /metrics shows the drain
			if err := s.adminSrv.Shutdown(httpCtx); err != nil {
				_ = s.adminSrv.Close()
			}
		}
		if s.cancel != nil {
			s.cancel()
		}
		if s.gwConn != nil {
			if err := s.gwConn.Close(); err != nil {
				errs = append(errs, fmt.Errorf("server: closing gateway conn: %w", err))
			}
		}
	} else {
		s.grpcSrv.Stop()
	}
	s.drain()
	for i := len(s.cfg.Closers) - 1; i >= 0; i-- {
		if err := s.cfg.Closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if started {
		s.logger.Info("server stopped")
	}
	return errors.Join(errs...)
}

// Wait blocks until serving stops and returns unexpected serve errors.
func (s *Server) Wait() error {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if !started {
		return errors.New("server: not started")
	}
	<-s.done
	return s.waitErr
}

// NewGatewayMux returns the grpc-gateway mux with portgate's options:
// protojson defaults (lowerCamelCase, unpopulated fields omitted, unknown
// fields rejected, exactly one JSON value per body, unknown query parameters
// rejected), x-request-id forwarded
// both ways, and error handlers that always answer google.rpc.Status with
// ErrorInfo and a message that says what was wrong.
func NewGatewayMux(opts ...runtime.ServeMuxOption) *runtime.ServeMux {
	useStrictQuery()
	base := []runtime.ServeMuxOption{
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{
			Marshaler: strictJSON{&runtime.JSONPb{
				MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: false, UseProtoNames: false},
				UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
			}},
		}),
		runtime.WithErrorHandler(gatewayErrorHandler),
		runtime.WithRoutingErrorHandler(routingErrorHandler),
		runtime.WithIncomingHeaderMatcher(func(key string) (string, bool) {
			if strings.EqualFold(key, RequestIDHeader) {
				return RequestIDHeader, true
			}
			// The caller's API key: "Authorization: Bearer" is always
			// forwarded by grpc-gateway; x-api-key needs this.
			if strings.EqualFold(key, auth.HeaderAPIKey) {
				return auth.HeaderAPIKey, true
			}
			return runtime.DefaultHeaderMatcher(key)
		}),
		runtime.WithOutgoingHeaderMatcher(func(key string) (string, bool) {
			if strings.EqualFold(key, RequestIDHeader) {
				return "X-Request-Id", true
			}
			return runtime.MetadataHeaderPrefix + key, true
		}),
	}
	return runtime.NewServeMux(append(base, opts...)...)
}

// tracingStatsHandler gives every gRPC call its server span.
func (c Config) tracingStatsHandler() stats.Handler {
	if c.IDOnlySpans {
		return idSpanHandler{tracer: c.tracerProvider().Tracer(tracerName), prop: c.propagator()}
	}
	return otelgrpc.NewServerHandler(c.otelgrpcOptions()...)
}

func (c Config) tracerProvider() trace.TracerProvider {
	if c.TracerProvider != nil {
		return c.TracerProvider
	}
	return otel.GetTracerProvider()
}

func (c Config) propagator() propagation.TextMapPropagator {
	if c.Propagator != nil {
		return c.Propagator
	}
	return otel.GetTextMapPropagator()
}

func (c Config) otelgrpcOptions() []otelgrpc.Option {
	var opts []otelgrpc.Option
	if c.TracerProvider != nil {
		opts = append(opts, otelgrpc.WithTracerProvider(c.TracerProvider))
	}
	if c.Propagator != nil {
		opts = append(opts, otelgrpc.WithPropagators(c.Propagator))
	}
	return opts
}

func (s *Server) tracerProvider() trace.TracerProvider { return s.cfg.tracerProvider() }

// tracedHTTP gives every REST request a server span, continuing the
// caller's traceparent; /healthz, /metrics and /debug/ are not traced.
func (s *Server) tracedHTTP(h http.Handler) http.Handler {
	if s.cfg.IDOnlySpans {
		return idSpanHTTP(h, s.tracerProvider().Tracer(tracerName), s.cfg.propagator())
	}
	opts := []otelhttp.Option{
		otelhttp.WithFilter(func(r *http.Request) bool { return tracedPath(r.URL.Path) }),
		// Method only: paths carry phone numbers and order ids.
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "REST " + r.Method }),
	}
	if s.cfg.TracerProvider != nil {
		opts = append(opts, otelhttp.WithTracerProvider(s.cfg.TracerProvider))
	}
	if s.cfg.Propagator != nil {
		opts = append(opts, otelhttp.WithPropagators(s.cfg.Propagator))
	}
	return otelhttp.NewHandler(h, "REST", opts...)
}

// adminHandler serves the operator routes on the admin listener.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	s.opsRoutes(mux)
	return mux
}

// opsRoutes adds /metrics and, when enabled, /debug/pprof/.
func (s *Server) opsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	if s.cfg.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
}

type healthzBody struct {
	Status    string            `json:"status"`
	Providers map[string]string `json:"providers,omitempty"`
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	body := healthzBody{Status: StatusServing, Providers: s.providerHealth()}
	code := http.StatusOK
	if !s.serving.Load() {
		body.Status = StatusNotServing
		code = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// providerHealth reads Config.ProviderHealth and logs every provider whose
// state changed since the last read.
func (s *Server) providerHealth() map[string]string {
	if s.cfg.ProviderHealth == nil {
		return nil
	}
	cur := s.cfg.ProviderHealth()
	s.provMu.Lock()
	defer s.provMu.Unlock()
	names := make([]string, 0, len(cur))
	for name := range cur {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if prev, ok := s.lastProvider[name]; ok && prev != cur[name] {
			s.logger.Warn("provider health changed", "provider", name, "from", prev, "to", cur[name])
		}
	}
	s.lastProvider = make(map[string]string, len(cur))
	for k, v := range cur {
		s.lastProvider[k] = v
	}
	return cur
}

// ErrForcedShutdown is returned (joined) by Shutdown when calls were still
// running at the end of the grace period (or ctx ended first) and had to be
// cut off.
var ErrForcedShutdown = errors.New("server: forced stop: calls were still running when the shutdown grace period ended")

func maxRequestBytes(cfg Config) int64 {
	if cfg.MaxRequestBytes > 0 {
		return cfg.MaxRequestBytes
	}
	return DefaultMaxRequestBytes
}
