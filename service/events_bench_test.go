package service_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/internal/events"
	"github.com/portgate/portgate/internal/store/storetest"
)

// BenchmarkWebhookToWatchLatency measures append (what a webhook handler
// does once the signature checks out) → the event received on an open
// gRPC Watch stream, on the file-backed SQLite store. Reports p50/p99.
func BenchmarkWebhookToWatchLatency(b *testing.B) {
	dir := b.TempDir()
	e := startWith(b, func(c *config.Config) { c.DataDir = dir })
	benchLatency(b, e, e)
}

// BenchmarkWebhookToWatchLatencyPostgresReplicas is the same across two
// instances on one PostgreSQL: appended through A, received on B's stream
// (LISTEN/NOTIFY).
func BenchmarkWebhookToWatchLatencyPostgresReplicas(b *testing.B) {
	url := storetest.PostgresURL(b)
	a := startWith(b, func(c *config.Config) { c.DatabaseURL = url })
	r := startWith(b, func(c *config.Config) { c.DatabaseURL = url })
	benchLatency(b, a, r)
}

func benchLatency(b *testing.B, in, out *env) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := out.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		appendEvent(b, in.app.Store, "telnyx", "abc", "lat-"+strconv.Itoa(i), events.TypeStateChanged, events.Payload{NewState: "SUBMITTED"}, evBase)
		for {
			m, err := s.Recv()
			if err != nil {
				b.Fatal(err)
			}
			if m.GetEvent() != nil {
				break
			}
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// rssMB reads the process's resident set size (Linux).
func rssMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkWatch1000Streams opens 1,000 Watch streams (each reading one
// live event to prove it is following) and reports the process RSS — the
// server and all 1,000 clients together — and the heap in use.
func BenchmarkWatch1000Streams(b *testing.B) {
	const n = 1000
	for i := 0; i < b.N; i++ {
		e := start(b)
		ctx, cancel := context.WithCancel(context.Background())
		streams := make([]pb.Porting_WatchPortOrderEventsClient, n)
		for j := range streams {
			s, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: "providers/-/portOrders/-"})
			if err != nil {
				b.Fatal(err)
			}
			streams[j] = s
		}
		for e.app.Events.Subscribers() < n {
			runtime.Gosched()
		}
		appendEvent(b, e.app.Store, "telnyx", "abc", fmt.Sprintf("m%d", i), events.TypeOther, events.Payload{}, evBase)
		for _, s := range streams {
			for {
				m, err := s.Recv()
				if err != nil {
					b.Fatal(err)
				}
				if m.GetEvent() != nil {
					break
				}
			}
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(rssMB(), "RSS-MB")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		cancel()
	}
}
