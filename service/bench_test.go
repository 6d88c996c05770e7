package service_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/latency"
	"github.com/portgate/portgate/sandbox/chaos"
)

// gatewayPace is the interval between calls to each provider. The load is
// paced (open loop) rather than back to back: two closed loops saturate a
// 2-core machine, and the tail then measures the CPU run queue, not the
// gateway.
const gatewayPace = time.Millisecond

// gatewayPhase makes n GetNumber calls to Telnyx, measured, one per
// gatewayPace tick, each beside a GetNumber call to Flowroute
// (latency.Paired). It returns both latency sets.
func gatewayPhase(ctx context.Context, nums pb.NumbersClient, n int) (telnyx, flowroute []time.Duration) {
	return latency.Paired(n, gatewayPace, func() {
		if _, err := nums.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/+13125550100"}); err != nil {
			panic(err)
		}
	}, func() {
		_, _ = nums.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/flowroute/numbers/+12065550100"})
	})
}

// BenchmarkGatewayOutage is BenchmarkOutage (providers/resilience) through
// the whole gateway: gRPC over bufconn, the service layer, the resilience
// wrapper, the real Flowroute and Telnyx adapters and both sandboxes over
// loopback HTTP. One run measures a no-fault baseline, then a Flowroute
// outage (every request 503, breaker open): the latency of Flowroute calls
// the open breaker rejects, and of Telnyx calls beside them.
//
//	go test -run '^$' -bench BenchmarkGatewayOutage -benchtime 2000x ./service/
func BenchmarkGatewayOutage(b *testing.B) {
	e := start(b)
	ctx := context.Background()
	fr := e.app.Sandboxes["flowroute"].Chaos
	gatewayPhase(ctx, e.numbers, 200) // warm pools and the Telnyx id cache

	b.ResetTimer()
	baseTelnyx, baseFlowroute := gatewayPhase(ctx, e.numbers, b.N)

	b.StopTimer()
	fr.Set(chaos.Faults{ErrorRate: 1})
	breaker := e.app.Providers["flowroute"].Resilience()
	for breaker.BreakerState() != gobreaker.StateOpen {
		_, _ = e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/flowroute/numbers/+12065550100"})
	}
	b.StartTimer()
	outTelnyx, open := gatewayPhase(ctx, e.numbers, b.N)
	b.StopTimer()
	if breaker.BreakerState() != gobreaker.StateOpen {
		b.Fatal("Flowroute's breaker closed during the outage")
	}
	fr.Set(chaos.Faults{})

	latency.Outage{BaseHealthy: baseTelnyx, BaseOther: baseFlowroute, Healthy: outTelnyx, Open: open}.Report(b, "flowroute")
}

// BenchmarkGetPortOrder is one steady-state Flowroute GetPortOrder of a
// split order through the whole gateway in this process: gRPC over
// bufconn with every interceptor, the service, the resilience wrapper, the
// adapter's HTTP client and the sandbox over loopback HTTP. allocs/op
// counts the whole process (the client's and the sandbox's side too);
// compare builds, not with the proxy (portgate-bench does that). The
// process logger is on (text lines to io.Discard), as in production.
//
//	go test -run '^$' -bench BenchmarkGetPortOrder -benchmem -benchtime 3000x ./service/
func BenchmarkGetPortOrder(b *testing.B) {
	e := startApp(b, config.Config{}, app.NewLogger(io.Discard, config.Config{}))
	ctx := context.Background()
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute",
		PortOrder: validOrder(freshNumber(""), freshNumber(""), "+13125559904")}) // split: a related order
	if err != nil {
		b.Fatal(err)
	}
	if len(o.GetRelatedOrders()) == 0 {
		b.Fatalf("order %s has no related order", o.GetName())
	}
	req := &pb.GetPortOrderRequest{Name: o.GetName()}
	for range 200 { // warm pools, the group cache and the E.164 memo
		if _, err := e.porting.GetPortOrder(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := e.porting.GetPortOrder(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetPortOrderREST is BenchmarkGetPortOrder over REST (loopback
// HTTP/1.1 to the gateway, which reaches the service in-process).
func BenchmarkGetPortOrderREST(b *testing.B) {
	e := startApp(b, config.Config{}, app.NewLogger(io.Discard, config.Config{}))
	ctx := context.Background()
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute",
		PortOrder: validOrder(freshNumber(""), freshNumber(""), "+13125559904")})
	if err != nil {
		b.Fatal(err)
	}
	url := e.base + "/v1/" + o.GetName()
	get := func() {
		resp, err := restClient.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d", url, resp.StatusCode)
		}
	}
	for range 200 {
		get()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		get()
	}
}

// BenchmarkListPortOrders is one page of 10 Flowroute orders over gRPC,
// as BenchmarkGetPortOrder.
func BenchmarkListPortOrders(b *testing.B) {
	e := startApp(b, config.Config{}, app.NewLogger(io.Discard, config.Config{}))
	ctx := context.Background()
	for range 12 {
		if _, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute",
			PortOrder: validOrder(freshNumber(""), freshNumber(""))}); err != nil {
			b.Fatal(err)
		}
	}
	req := &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageSize: 10}
	for range 100 {
		if r, err := e.porting.ListPortOrders(ctx, req); err != nil || len(r.GetPortOrders()) != 10 {
			b.Fatal(len(r.GetPortOrders()), err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := e.porting.ListPortOrders(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
