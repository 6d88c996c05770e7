// Package testserver runs the real portgate server in memory for tests: gRPC
// over bufconn and REST through the real grpc-gateway on a loopback listener.
package testserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/portgate/portgate/internal/server"
)

// TestServer is a running server plus clients for both protocols.
type TestServer struct {
	// Conn is a gRPC client connection over bufconn.
	Conn *grpc.ClientConn
	// HTTPURL is the REST base URL, e.g. "http://127.0.0.1:41234".
	HTTPURL string
	// HTTPClient talks to HTTPURL; its idle connections close at cleanup.
	HTTPClient *http.Client
	Server     *server.Server
}

// Options configures StartWithOptions; the zero value is valid.
type Options struct {
	Services       []server.Service
	OpenAPI        []byte
	ProviderHealth func() map[string]string
	Closers        []io.Closer
	// Logger defaults to text logs on t.Output() (shown for failing or -v tests).
	Logger *slog.Logger
}

// Start runs a server with services and shuts it down at t.Cleanup.
func Start(t testing.TB, services ...server.Service) *TestServer {
	t.Helper()
	return StartWithOptions(t, Options{Services: services})
}

// StartWithOptions is Start with more knobs.
func StartWithOptions(t testing.TB, opts Options) *TestServer {
	t.Helper()
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := server.New(server.Config{
		GRPCAddr:       server.BufconnAddr,
		HTTPAddr:       "127.0.0.1:0",
		Logger:         logger,
		Services:       opts.Services,
		OpenAPI:        opts.OpenAPI,
		ProviderHealth: opts.ProviderHealth,
		Closers:        opts.Closers,
		ShutdownGrace:  5 * time.Second,
	})
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatalf("testserver: %v", err)
	}
	// Cleanups run last-in first-out: clients close before the server stops.
	t.Cleanup(func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("testserver: shutdown: %v", err)
		}
	})
	conn, err := srv.Dial(context.Background())
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	return &TestServer{
		Conn:       conn,
		HTTPURL:    "http://" + srv.HTTPAddr(),
		HTTPClient: client,
		Server:     srv,
	}
}
