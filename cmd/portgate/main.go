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
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/telemetry"
	"github.com/portgate/portgate/sandbox/flowroutefake"
	"github.com/portgate/portgate/sandbox/sandboxes"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the process: it returns the exit code. Help (-h,
// --help) prints the usage to stdout and exits 0; a bad flag or argument
// prints the error and the usage to stderr and exits 2; bad settings print
// every problem and exit 2, before anything starts.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "hash-key" {
		return auth.HashKeyCommand(args[1:], stdin, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "sandbox" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return runSandbox(ctx, args[1:], stdout, stderr)
	}
	cfg, err := config.Load(args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		config.Usage(stdout)
		return 0
	case errors.Is(err, config.ErrUsage):
		fmt.Fprintln(stderr, "portgate:", err)
		config.Usage(stderr)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "portgate: invalid configuration (nothing was started):\n%v\n(portgate -h lists every setting)\n", err)
		return 2
	}
	// Log lines are written in batches (one access-log line per call);
	// everything is flushed before run returns.
	lw := telemetry.NewLogWriter(stderr, 0)
	defer lw.Close()
	logger := app.NewLogger(lw, cfg)
	logger.Info("portgate starting", "mode", cfg.Mode, "config", cfg.Redacted())
	return app.Main(cfg, logger)
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("portgate sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	flowAddr := fs.String("flowroute-addr", "127.0.0.1:0", "listen address of the Flowroute fake")
	telnyxAddr := fs.String("telnyx-addr", "127.0.0.1:0", "listen address of the Telnyx fake")
	step := fs.Duration("step", 10*time.Second, "how often submitted orders advance one state (0 = never)")
	flowChaos := fs.String("flowroute-chaos", "", "fault spec for the Flowroute fake (see sandbox/chaos)")
	telnyxChaos := fs.String("telnyx-chaos", "", "fault spec for the Telnyx fake")
	telnyxHook := fs.String("telnyx-webhook-url", "", "where the Telnyx fake POSTs its signed porting_order.* webhooks (besides each order's webhook_url)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	fr, err := flowroutefake.Start(sandboxes.Options{Addr: *flowAddr, Step: *step, Chaos: *flowChaos, Logger: logger})
	if err != nil {
		fmt.Fprintln(stderr, "portgate sandbox: flowroute:", err)
		return 1
	}
	defer fr.Close()
	tx, err := telnyxfake.Start(sandboxes.Options{Addr: *telnyxAddr, Step: *step, Chaos: *telnyxChaos, WebhookURL: *telnyxHook, Logger: logger})
	if err != nil {
		fmt.Fprintln(stderr, "portgate sandbox: telnyx:", err)
		return 1
	}
	defer tx.Close()
	fmt.Fprintf(stdout, "FLOWROUTE_BASE_URL=%s  (Basic auth %s:%s)\n", fr.URL, flowroutefake.DefaultAccessKey, flowroutefake.DefaultSecretKey)
	fmt.Fprintf(stdout, "TELNYX_BASE_URL=%s/v2  (Authorization: Bearer %s)\n", tx.URL, telnyxfake.DefaultAPIKey)
	// The key that verifies the fake's webhook signatures, base64 like the
	// one in the Telnyx portal (the SDKs' TELNYX_PUBLIC_KEY).
	fmt.Fprintf(stdout, "TELNYX_PUBLIC_KEY=%s\n", base64.StdEncoding.EncodeToString(tx.PublicKey))
	<-ctx.Done()
	return 0
}
