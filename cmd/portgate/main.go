// Command portgate serves the portgate.v1 gRPC API and its REST gateway.
//
//	portgate [flags]           serve (sandbox providers when no credentials are set)
//	portgate sandbox [flags]   run only the Flowroute and Telnyx fakes, printing their base URLs
//	portgate hash-key [flags]  make an API key and print its key line (README "Security")
//
// Every setting comes from the environment, and a flag of the same name
// overrides it; see README.md or `portgate -h`.
package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "sandbox" {
		os.Exit(runSandbox(ctx, os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "hash-key" {
		os.Exit(auth.HashKeyCommand(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(serve(ctx, os.Args[1:]))
}

func serve(ctx context.Context, args []string) int {
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "portgate:", err)
		return 2
	}
	logger := newLogger(cfg.LogLevel, cfg.LogFormat)
	logger.Info("portgate starting", "config", cfg.Redacted())
	if err := app.Run(ctx, cfg, logger); err != nil {
		logger.Error("portgate failed", "err", err)
		return 1
	}
	return 0
}

func runSandbox(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("portgate sandbox", flag.ContinueOnError)
	flowAddr := fs.String("flowroute-addr", "127.0.0.1:0", "listen address of the Flowroute fake")
	telnyxAddr := fs.String("telnyx-addr", "127.0.0.1:0", "listen address of the Telnyx fake")
	step := fs.Duration("step", 10*time.Second, "how often submitted orders advance one state (0 = never)")
	flowChaos := fs.String("flowroute-chaos", "", "fault spec for the Flowroute fake (see providers/chaos)")
	telnyxChaos := fs.String("telnyx-chaos", "", "fault spec for the Telnyx fake")
	telnyxHook := fs.String("telnyx-webhook-url", "", "where the Telnyx fake POSTs its signed porting_order.* webhooks (besides each order's webhook_url)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := newLogger("info", "text")
	fr, err := app.StartFlowrouteSandbox(app.SandboxOptions{Addr: *flowAddr, Step: *step, Chaos: *flowChaos, Logger: logger})
	if err != nil {
		fmt.Fprintln(os.Stderr, "portgate sandbox: flowroute:", err)
		return 1
	}
	defer fr.Close()
	tx, err := app.StartTelnyxSandbox(app.SandboxOptions{Addr: *telnyxAddr, Step: *step, Chaos: *telnyxChaos, WebhookURL: *telnyxHook, Logger: logger})
	if err != nil {
		fmt.Fprintln(os.Stderr, "portgate sandbox: telnyx:", err)
		return 1
	}
	defer tx.Close()
	fmt.Printf("FLOWROUTE_BASE_URL=%s  (Basic auth %s:%s)\n", fr.URL, app.FlowrouteSandboxAccessKey, app.FlowrouteSandboxSecretKey)
	fmt.Printf("TELNYX_BASE_URL=%s/v2  (Authorization: Bearer %s)\n", tx.URL, app.TelnyxSandboxAPIKey)
	// The key that verifies the fake's webhook signatures, base64 like the
	// one in the Telnyx portal (the SDKs' TELNYX_PUBLIC_KEY).
	fmt.Printf("TELNYX_PUBLIC_KEY=%s\n", base64.StdEncoding.EncodeToString(tx.PublicKey))
	<-ctx.Done()
	return 0
}

func newLogger(level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
