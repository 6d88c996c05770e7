package app_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// lifecycle runs MainSignals with a Flowroute sandbox that hangs every call,
// starts one GetNumber, waits until the server is running it, then sends the
// given signals. It returns the exit code and the call's error.
func lifecycle(t *testing.T, grace time.Duration, signals int) (int, error) {
	t.Helper()
	cfg := config.Config{
		Mode: config.ModeSandbox, GRPCAddr: "127.0.0.1:0", ShutdownGrace: grace, ProviderTimeout: time.Minute,
		SandboxChaos: map[string]string{"flowroute": "hang=true"}, DefaultRegion: "US",
	}
	sigs := make(chan os.Signal, 2)
	readyCh := make(chan *app.App, 1)
	exit := make(chan int, 1)
	go func() { exit <- app.MainSignals(cfg, nil, sigs, func(a *app.App) { readyCh <- a }) }()
	a := <-readyCh
	conn, err := a.Server.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	callErr := make(chan error, 1)
	go func() {
		_, err := pb.NewNumbersClient(conn).GetNumber(context.Background(), &pb.GetNumberRequest{Name: "providers/flowroute/numbers/+13125550100"})
		callErr <- err
	}()
	waitStarted(t, a.Server.Registry(), "GetNumber")
	for range signals {
		sigs <- syscall.SIGTERM
	}
	select {
	case code := <-exit:
		return code, <-callErr
	case <-time.After(30 * time.Second):
		t.Fatal("portgate did not exit")
		return 0, nil
	}
}

// waitStarted polls the registry until the server has started method.
func waitStarted(t *testing.T, reg *prometheus.Registry, method string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() != "grpc_server_started_total" {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "grpc_method" && l.GetValue() == method && m.GetCounter().GetValue() > 0 {
						return
					}
				}
			}
		}
		<-tick.C
	}
	t.Fatalf("%s never started", method)
}

func wantCutOff(t *testing.T, err error) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != codes.Unavailable {
		t.Fatalf("cut-off call: %v, want UNAVAILABLE", err)
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay().AsDuration() > 0 {
			return
		}
	}
	t.Errorf("cut-off call has no RetryInfo: %v", st.Details())
}

// A second signal forces the stop long before the grace period ends; the
// process exits non-zero and the cut-off call gets UNAVAILABLE + RetryInfo.
func TestSecondSignalForcesExit(t *testing.T) {
	start := time.Now()
	code, err := lifecycle(t, time.Hour, 2)
	if code == 0 {
		t.Errorf("exit code 0 after a forced stop")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("forced stop took %v", d)
	}
	wantCutOff(t, err)
}

// A call still running when the grace period ends is cut off, and the exit
// code says so.
func TestGraceExpiryExitsNonZero(t *testing.T) {
	code, err := lifecycle(t, 100*time.Millisecond, 1)
	if code == 0 {
		t.Errorf("exit code 0 after the grace period ran out")
	}
	wantCutOff(t, err)
}

// With nothing in flight one signal is a clean stop: exit 0.
func TestCleanShutdownExitsZero(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- app.MainSignals(config.Config{Mode: config.ModeSandbox, GRPCAddr: "127.0.0.1:0", ShutdownGrace: time.Minute}, nil, sigs,
			func(*app.App) { sigs <- syscall.SIGINT })
	}()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d after a clean shutdown", code)
	}
}

// Shutdown closes the portable provider clients (after the jobs stop): a
// late caller gets UNAVAILABLE / PROVIDER_CLIENT_CLOSED, not a call on
// closed resources.
func TestShutdownClosesProviderClients(t *testing.T) {
	a, _ := startSandbox(t, nil)
	if err := a.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, p := range a.Providers {
		_, err := p.ListPortOrders(context.Background(), providers.PortOrderFilter{}, providers.ListQuery{})
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Reason != portable.ReasonClientClosed {
			t.Errorf("%s after shutdown: %v", name, err)
		}
	}
}
