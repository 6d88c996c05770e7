package app_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/sandbox/flowroutefake"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// With credentials, the app talks to the configured base URLs (here: the
// fakes standing in for the real APIs) and reports LIVE mode; wrong
// credentials surface as PROVIDER_AUTH_FAILED, not as a sandbox fallback.
func TestLiveModeUsesConfiguredProviders(t *testing.T) {
	ff := flowroutefake.New(flowroutefake.Options{AccessKey: "live-key", SecretKey: "live-secret"})
	defer ff.Close()
	fs := httptest.NewServer(ff)
	defer fs.Close()
	tf := telnyxfake.New(telnyxfake.Options{APIKey: "live-token"})
	defer tf.Close()
	ts := httptest.NewServer(tf)
	defer ts.Close()

	cfg := config.Config{
		GRPCAddr: "bufconn", ShutdownGrace: time.Second,
		ProviderSettings: map[string]string{"FLOWROUTE_ACCESS_KEY": "live-key", "FLOWROUTE_SECRET_KEY": "wrong-secret", "FLOWROUTE_BASE_URL": fs.URL,
			"TELNYX_API_KEY": "live-token", "TELNYX_BASE_URL": ts.URL + "/v2"},
		ProviderPreference: []string{"telnyx", "flowroute"},
		AuthOff:            true, // live mode needs keys or this; auth has its own tests
	}
	a, err := app.Build(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := a.Server.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	if len(a.Sandboxes) != 0 {
		t.Fatalf("sandboxes started despite credentials: %v", a.Sandboxes)
	}
	conn, err := a.Server.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ps, err := pb.NewProvidersClient(conn).ListProviders(ctx, &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.GetProviders()) != 2 || ps.GetProviders()[0].GetName() != "providers/telnyx" {
		t.Fatalf("preference order not applied: %v", ps.GetProviders())
	}
	for _, p := range ps.GetProviders() {
		if p.GetMode() != pb.Provider_LIVE {
			t.Errorf("%s mode %v, want LIVE", p.GetName(), p.GetMode())
		}
	}
	n, err := pb.NewNumbersClient(conn).GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/+13125550100"})
	if err != nil || n.GetPhoneNumber() != "+13125550100" {
		t.Fatalf("telnyx live call: %v %v", n, err)
	}
	_, err = pb.NewNumbersClient(conn).GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/flowroute/numbers/+13125550100"})
	if err == nil || !containsReason(err, "PROVIDER_AUTH_FAILED") {
		t.Fatalf("wrong Flowroute secret: %v", err)
	}
}

func TestBuildRejectsBadResilienceSpec(t *testing.T) {
	_, err := app.Build(config.Config{GRPCAddr: "bufconn", Resilience: map[string]string{"telnyx": "failures=zero"}}, nil)
	if err == nil {
		t.Fatal("bad PORTGATE_RESILIENCE_TELNYX accepted")
	}
}

func containsReason(err error, reason string) bool {
	st, _ := status.FromError(err)
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok && ei.GetReason() == reason {
			return true
		}
	}
	return false
}

// Live mode never falls back to a sandbox: a missing credential of an
// enabled provider stops Build, naming the setting.
func TestLiveModeMissingCredentialRefuses(t *testing.T) {
	_, err := app.Build(config.Config{GRPCAddr: "bufconn", Mode: config.ModeLive, AuthOff: true, ProviderSettings: map[string]string{"TELNYX_API_KEY": "k"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "FLOWROUTE_ACCESS_KEY") || !strings.Contains(err.Error(), "FLOWROUTE_SECRET_KEY") {
		t.Fatalf("Build = %v, want an error naming the Flowroute credentials", err)
	}
}

// A provider switched off is not served at all, and needs no credentials.
func TestProviderSwitchedOff(t *testing.T) {
	tf := telnyxfake.New(telnyxfake.Options{APIKey: "live-token"})
	defer tf.Close()
	ts := httptest.NewServer(tf)
	defer ts.Close()
	var logs strings.Builder
	a, err := app.Build(config.Config{
		GRPCAddr: "bufconn", ShutdownGrace: time.Second, Mode: config.ModeLive, Providers: []string{"telnyx"},
		AuthOff: true, ProviderSettings: map[string]string{"TELNYX_API_KEY": "live-token", "TELNYX_BASE_URL": ts.URL + "/v2", "FLOWROUTE_SECRET_KEY": "stray"},
	}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(context.Background())
	if len(a.Sandboxes) != 0 || len(a.Providers) != 1 || a.Providers["telnyx"] == nil {
		t.Fatalf("sandboxes %v, providers %v", a.Sandboxes, a.Providers)
	}
	conn, err := a.Server.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ps, err := pb.NewProvidersClient(conn).ListProviders(ctx, &pb.ListProvidersRequest{})
	if err != nil || len(ps.GetProviders()) != 1 || ps.GetProviders()[0].GetName() != "providers/telnyx" {
		t.Fatalf("ListProviders = %v, %v", ps, err)
	}
	if !strings.Contains(logs.String(), "setting=FLOWROUTE_SECRET_KEY") {
		t.Errorf("no warning for the unused credential:\n%s", logs.String())
	}
}

// Sandbox mode says so loudly and uses the fakes even with credentials set.
func TestSandboxModeIgnoresCredentialsLoudly(t *testing.T) {
	var logs strings.Builder
	a, err := app.Build(config.Config{GRPCAddr: "bufconn", ShutdownGrace: time.Second, Mode: config.ModeSandbox, ProviderSettings: map[string]string{"TELNYX_API_KEY": "real-key"}},
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(context.Background())
	if len(a.Sandboxes) != 2 {
		t.Fatalf("sandboxes = %v, want both", a.Sandboxes)
	}
	if !strings.Contains(logs.String(), "SANDBOX MODE") || !strings.Contains(logs.String(), "setting=TELNYX_API_KEY") {
		t.Errorf("sandbox mode not announced:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "real-key") {
		t.Errorf("credential logged:\n%s", logs.String())
	}
}
