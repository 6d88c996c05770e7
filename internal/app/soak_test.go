package app_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
)

// soakSample is the heap in use after a full GC and the goroutine count.
type soakSample struct {
	heap       uint64
	goroutines int
}

func sample() soakSample {
	runtime.GC()
	runtime.GC() // the second collects what the first's finalizers freed
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{heap: ms.HeapAlloc, goroutines: runtime.NumGoroutine()}
}

// TestSoakUnderChaos drives the whole gateway (gRPC and REST, both
// sandboxes with latency, 5xx, resets, 429s and malformed answers injected)
// for a bounded time and checks that memory and goroutines stay flat: after a
// warm-up, heap after GC and the goroutine count may not keep growing with
// the number of requests served.
func TestSoakUnderChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	const (
		warmup   = 2 * time.Second
		duration = 8 * time.Second
		workers  = 16
	)
	faults := "latency=1ms,jitter=2ms,error_rate=0.1,reset_rate=0.03,ratelimit_rate=0.03,retry_after=10ms,malformed_rate=0.03"
	a, err := app.Build(config.Config{
		Mode: config.ModeSandbox, GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ShutdownGrace: 5 * time.Second,
		DefaultRegion: "US", ProviderTimeout: 2 * time.Second, SandboxStepInterval: time.Hour,
		SandboxChaos: map[string]string{"flowroute": faults, "telnyx": faults},
		// Short open timeout, so the breakers keep cycling through half-open.
		Resilience: map[string]string{"flowroute": "open_timeout=200ms", "telnyx": "open_timeout=200ms"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(context.Background())
	conn, err := a.Server.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	numbers, porting := pb.NewNumbersClient(conn), pb.NewPortingClient(conn)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	base := "http://" + a.Server.HTTPAddr()

	// run drives the workers for d, stops them and returns the calls made.
	run := func(d time.Duration) int {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var wg sync.WaitGroup
		var mu sync.Mutex
		served := 0
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					prov := []string{"flowroute", "telnyx"}[(w+i)%2]
					num := fmt.Sprintf("+1312555%04d", (w*1000+i)%10000)
					cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
					switch i % 4 {
					case 0:
						_, _ = numbers.GetNumber(cctx, &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/" + num})
					case 1:
						_, _ = porting.ListPortOrders(cctx, &pb.ListPortOrdersRequest{Parent: "providers/" + prov, PageSize: 10})
					case 2:
						_, _ = porting.CheckPortability(cctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: []string{num}})
					case 3:
						req, _ := http.NewRequestWithContext(cctx, http.MethodGet, base+"/v1/providers/"+prov+"/numbers/"+num, nil)
						if resp, err := client.Do(req); err == nil {
							resp.Body.Close()
						}
					}
					ccancel()
					mu.Lock()
					served++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		client.CloseIdleConnections()
		return served
	}
	// Warm-up (pools, caches, connections), then the measured run; both
	// samples are taken with the workers stopped.
	warmCalls := run(warmup)
	before := sample()
	served := run(duration)
	after := sample()
	_ = warmCalls
	t.Logf("warm-up %d calls, then %d calls; heap after GC %d KiB → %d KiB; goroutines %d → %d",
		warmCalls, served, before.heap>>10, after.heap>>10, before.goroutines, after.goroutines)
	if served < 300 {
		t.Fatalf("only %d calls: the soak did not load the gateway", served)
	}
	// Flat: bounded growth, not proportional to the calls served.
	if limit := before.heap + before.heap/4 + 4<<20; after.heap > limit {
		t.Errorf("heap after GC grew from %d to %d bytes over %d calls", before.heap, after.heap, served)
	}
	// Workers stopped both times; what is left are the server's own
	// goroutines plus pooled keep-alive connections to the sandboxes, whose
	// number varies with resets and concurrency: at most one per concurrent
	// call per provider, three goroutines each (client read and write loops,
	// server conn). A per-call leak would be hundreds.
	if slack := 3 * 2 * workers; after.goroutines > before.goroutines+slack {
		t.Errorf("goroutines grew from %d to %d", before.goroutines, after.goroutines)
	}
}
