package service_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/service"
)

// gatedPortability is a provider whose CheckPortability calls wait for the
// test to release them, counting how many are in flight.
type gatedPortability struct {
	providers.Provider // only Name, Capabilities and CheckPortability are called
	batch              int
	entered            chan int // chunk size, per call
	release            chan struct{}
	inFlight, peak     atomic.Int32
}

func (g *gatedPortability) Name() string { return "flowroute" }
func (g *gatedPortability) Capabilities() providers.Capabilities {
	return providers.Capabilities{Operations: []providers.Operation{providers.OpCheckPortability}, PortabilityBatchLimit: g.batch}
}
func (g *gatedPortability) CheckPortability(ctx context.Context, numbers []string) ([]providers.PortabilityResult, error) {
	n := g.inFlight.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	g.entered <- len(numbers)
	<-g.release
	g.inFlight.Add(-1)
	out := make([]providers.PortabilityResult, len(numbers))
	for i, num := range numbers {
		out[i] = providers.PortabilityResult{PhoneNumber: num, Portable: true}
	}
	return out, nil
}

// TestCheckPortabilityFansOutMaxNumbers: one request of
// service.MaxPortabilityNumbers numbers is cut into provider-sized chunks
// that run exactly PortabilityConcurrency at a time (default 4) — never
// more, and never fewer while chunks are waiting — so one request can
// reach the ideal ceil(n/chunk)/concurrency × latency (issue 13).
func TestCheckPortabilityFansOutMaxNumbers(t *testing.T) {
	for _, conc := range []int{0, 7} {
		want := conc
		if want == 0 {
			want = 4 // the documented default
		}
		t.Run(fmt.Sprintf("PortabilityConcurrency=%d", conc), func(t *testing.T) {
			const batch = 100
			g := &gatedPortability{batch: batch, entered: make(chan int, service.MaxPortabilityNumbers), release: make(chan struct{})}
			st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svcs, err := service.New(service.Options{Backends: []service.Backend{{Provider: portable.New(g)}}, PortabilityConcurrency: conc, Store: st})
			if err != nil {
				t.Fatal(err)
			}
			nums := make([]string, service.MaxPortabilityNumbers)
			for i := range nums {
				nums[i] = fmt.Sprintf("+1312%03d%04d", 200+i/10000, i%10000)
			}
			var resp *pb.CheckPortabilityResponse
			var callErr error
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, callErr = svcs.Porting.CheckPortability(context.Background(), &pb.CheckPortabilityRequest{Parent: "providers/flowroute", PhoneNumbers: nums})
			}()
			chunks := (len(nums) + batch - 1) / batch
			started, finished := 0, 0
			timeout := time.NewTimer(time.Minute) // a failure detector, not synchronization
			defer timeout.Stop()
			for finished < chunks {
				// Wait until every slot is taken (or every remaining chunk runs).
				for started-finished < min(want, chunks-finished) {
					select {
					case size := <-g.entered:
						if size != batch {
							t.Errorf("chunk of %d numbers, want %d", size, batch)
						}
						started++
					case <-timeout.C:
						t.Fatalf("only %d chunks in flight with %d waiting; want %d", started-finished, chunks-started, want)
					}
				}
				g.release <- struct{}{}
				finished++
			}
			wg.Wait()
			if callErr != nil {
				t.Fatal(callErr)
			}
			if started != chunks {
				t.Errorf("%d provider calls, want %d", started, chunks)
			}
			if p := g.peak.Load(); int(p) != want {
				t.Errorf("peak in flight = %d, want %d", p, want)
			}
			if len(resp.GetResults()) != len(nums) {
				t.Errorf("%d results for %d numbers", len(resp.GetResults()), len(nums))
			}
		})
	}
}
