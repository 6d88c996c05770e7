// Package latency holds what the outage benchmarks share: a paired load of
// two call streams and percentiles of what they measured.
package latency

import (
	"slices"
	"time"
)

// Paired makes n calls to measured, one per pace tick (back to back when
// pace is 0), and for each one a call to beside from a second goroutine, so
// both streams see the same offered load in every phase. It returns each
// stream's latencies.
func Paired(n int, pace time.Duration, measured, beside func()) (measuredLat, besideLat []time.Duration) {
	var tick <-chan time.Time
	if pace > 0 {
		t := time.NewTicker(pace)
		defer t.Stop()
		tick = t.C
	}
	ticks := make(chan struct{}, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ticks {
			t0 := time.Now()
			beside()
			besideLat = append(besideLat, time.Since(t0))
		}
	}()
	for range n {
		if tick != nil {
			<-tick
		}
		ticks <- struct{}{}
		t0 := time.Now()
		measured()
		measuredLat = append(measuredLat, time.Since(t0))
	}
	close(ticks)
	<-done
	return measuredLat, besideLat
}

// PercentileMS is the p-th percentile (0..1) of d in milliseconds; 0 for no samples.
func PercentileMS(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))]) / float64(time.Millisecond)
}

// Outage is what an outage benchmark measured: the healthy provider and the
// other one in a no-fault baseline, then the healthy provider beside the
// other one's open breaker.
type Outage struct {
	BaseHealthy, BaseOther []time.Duration
	Healthy, Open          []time.Duration
}

// Report reports the outage figures and their ratios to the baseline on b
// (a *testing.B). other names the failing provider in base_<other>_p99_ms.
func (o Outage) Report(b interface{ ReportMetric(float64, string) }, other string) {
	p := PercentileMS
	b.ReportMetric(p(o.BaseHealthy, 0.50), "base_p50_ms")
	b.ReportMetric(p(o.BaseHealthy, 0.99), "base_p99_ms")
	b.ReportMetric(p(o.BaseOther, 0.99), "base_"+other+"_p99_ms")
	b.ReportMetric(p(o.Open, 0.50), "open_p50_ms")
	b.ReportMetric(p(o.Open, 0.99), "open_p99_ms")
	b.ReportMetric(p(o.Healthy, 0.50), "healthy_p50_ms")
	b.ReportMetric(p(o.Healthy, 0.99), "healthy_p99_ms")
	b.ReportMetric(p(o.Healthy, 0.50)/p(o.BaseHealthy, 0.50), "healthy_p50_ratio")
	b.ReportMetric(p(o.Healthy, 0.99)/p(o.BaseHealthy, 0.99), "healthy_p99_ratio")
	b.ReportMetric(p(o.Open, 0.99)/p(o.BaseOther, 0.99), "open_p99_ratio")
}
